"""Microsoft Intune: Android Enterprise app configuration policies (Microsoft Graph).

Shape (Microsoft Graph, Intune ``androidManagedStoreAppConfiguration``, created with
``POST /deviceAppManagement/mobileAppConfigurations``): ``permissionActions`` is a list of
``androidPermissionAction`` (``permission``, ``action``: ``prompt``, ``autoGrant`` or
``autoDeny``); ``profileApplicability`` ``default`` applies the configuration to work profiles
and fully managed devices alike. One configuration per app, because an app configuration policy
targets one app. ``targetedMobileApps`` needs the Intune id of the app in the tenant, which
only the tenant knows: it is left empty and docs/mdm.md shows how to fill it.
"""

from __future__ import annotations

import json

from audit.mdm.plan import MdmPlan


def intune_document(plan: MdmPlan) -> list[dict[str, object]]:
    return [
        {
            "@odata.type": "#microsoft.graph.androidManagedStoreAppConfiguration",
            "displayName": f"contact-audit: deny Contacts to {app.name}",
            "description": (
                f"Denies {plan.permission} to {app.package} and locks it, so {app.name} cannot read the "
                "address book (written by contact-audit)."
            ),
            "targetedMobileApps": [],
            "packageId": f"app:{app.package}",
            "permissionActions": [
                {
                    "@odata.type": "microsoft.graph.androidPermissionAction",
                    "permission": plan.permission,
                    "action": "autoDeny",
                }
            ],
            "profileApplicability": "default",
            "connectedAppsEnabled": False,
        }
        for app in plan.apps
    ]


def render_intune(plan: MdmPlan) -> str:
    return json.dumps(intune_document(plan), indent=2, ensure_ascii=False) + "\n"
