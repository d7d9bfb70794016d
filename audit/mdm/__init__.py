"""MDM policy output (`contact-audit mdm`): the out-of-band counterpart of `contact-audit fix`.

Why: a company fixes hundreds of phones in its MDM, where a denial stays locked (POLICY_FIXED)
even when the user or an app update tries to change it. ``plan.py`` turns the policy's audited
apps into a neutral ``MdmPlan``; one thin module per format serialises it (``android_management``
for Google's Android Management API, ``intune`` for Microsoft Intune through Microsoft Graph,
``generic`` for any other MDM). Renderers return text; the CLI writes it (``write_atomic``).
Output is deterministic (sorted packages, fixed key order, trailing newline), so a policy change
is a reviewable diff. How an administrator applies each: docs/mdm.md.
"""

from __future__ import annotations

from collections.abc import Callable

from audit.errors import UsageError
from audit.mdm.android_management import render_amapi
from audit.mdm.generic import render_generic
from audit.mdm.intune import render_intune
from audit.mdm.plan import MdmPlan, plan_for

FORMATS: dict[str, Callable[[MdmPlan], str]] = {
    "amapi": render_amapi,
    "intune": render_intune,
    "json": render_generic,
}


def render_mdm(plan: MdmPlan, fmt: str) -> str:
    """The plan in ``fmt`` (one of FORMATS); an unknown format is a usage error, never a fallback."""
    renderer = FORMATS.get(fmt)
    if renderer is None:
        raise UsageError(f"unknown MDM format {fmt[:20]!r}; choose one of {', '.join(FORMATS)}")
    return renderer(plan)


__all__ = ["FORMATS", "MdmPlan", "plan_for", "render_mdm"]
