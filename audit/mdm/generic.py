"""contact-audit's own MDM list (schema version 1) for any other MDM: what to deny, to which app.

Documented in docs/mdm.md; ``schema_version`` changes only when a key is renamed or removed.
"""

from __future__ import annotations

import json

from audit.mdm.plan import MdmPlan

SCHEMA_VERSION = 1


def generic_document(plan: MdmPlan) -> dict[str, object]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": "contact-audit",
        "tool_version": plan.tool_version,
        "policy": {"name": plan.policy_name, "sha256": plan.policy_sha256},
        "apps": [
            {
                "package": app.package,
                "app": app.name,
                "permission": plan.permission,
                "action": "deny",
                "lock": True,
            }
            for app in plan.apps
        ],
    }


def render_generic(plan: MdmPlan) -> str:
    return json.dumps(generic_document(plan), indent=2, ensure_ascii=False) + "\n"
