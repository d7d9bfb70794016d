"""The neutral MDM plan: which apps get READ_CONTACTS denied and locked by the device policy.

Built from the policy's audited apps (``apps.audit``), so it covers phones not yet scanned and
apps installed later. Every MDM format is a mapping of this plan, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit.apps import display_name
from audit.errors import UsageError
from audit.policy import Policy
from audit.snapshot import READ_CONTACTS


@dataclass(frozen=True)
class MdmApp:
    package: str
    name: str


@dataclass(frozen=True)
class MdmPlan:
    """Deny ``permission`` to every app in ``apps`` and lock it (the MDM's POLICY_FIXED)."""

    apps: tuple[MdmApp, ...]
    permission: str = READ_CONTACTS
    policy_name: str | None = None
    policy_sha256: str | None = None
    tool_version: str = ""


def plan_for(policy: Policy, tool_version: str = "") -> MdmPlan:
    """The plan for ``policy``'s audited apps, sorted by package so output diffs stay small."""
    packages = sorted(set(policy.audit_packages))
    if not packages:
        raise UsageError("the policy audits no app (apps.audit is empty): nothing to deny")
    return MdmPlan(
        apps=tuple(MdmApp(p, display_name(p)) for p in packages),
        policy_name=policy.name,
        policy_sha256=policy.sha256,
        tool_version=tool_version,
    )
