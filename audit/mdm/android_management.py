"""Google's Android Management API: a ``Policy`` fragment with ``applications[].permissionGrants``.

Shape (Android Management API reference, ``enterprises.policies``): ``Policy.applications`` is a
list of ``ApplicationPolicy`` objects keyed by ``packageName``; ``permissionGrants`` is a list of
``PermissionGrant`` (``permission``: an Android permission or group name, ``policy``:
``PROMPT``, ``GRANT`` or ``DENY``). A permission the policy sets is applied by Android Device
Policy with setPermissionGrantState, i.e. locked (POLICY_FIXED): neither the user nor the app can
change it. The fragment has only the keys contact-audit sets; docs/mdm.md says how to merge it.
"""

from __future__ import annotations

import json

from audit.mdm.plan import MdmPlan


def amapi_document(plan: MdmPlan) -> dict[str, object]:
    return {
        "applications": [
            {
                "packageName": app.package,
                "permissionGrants": [{"permission": plan.permission, "policy": "DENY"}],
            }
            for app in plan.apps
        ]
    }


def render_amapi(plan: MdmPlan) -> str:
    return json.dumps(amapi_document(plan), indent=2, ensure_ascii=False) + "\n"
