"""Who manages a phone or profile, and which MDM that is (issue 12).

Why: a company fixes hundreds of phones in its MDM, where a denial stays locked (POLICY_FIXED)
whatever the user or an app update does, not one phone at a time over USB. So a managed user's
remediation names its MDM, and a POLICY_FIXED denial there is credited to it. The MDM is
recognised by its device-policy app's package (the device or profile owner); unknown packages
are "other", never dropped.

Fail closed: when ``dumpsys device_policy`` could not be read whole, a user without an owner in
what was read is ``unknown``, never "unmanaged".

Package names (checked against the vendors' public documentation and public code with the
project's search tools): Microsoft Intune Company Portal ``com.microsoft.windowsintune.companyportal``
and the Microsoft Intune app ``com.microsoft.intune``; Omnissa (formerly VMware) Workspace ONE
Intelligent Hub ``com.airwatch.androidagent``; Google's Android Device Policy
``com.google.android.apps.work.clouddpc`` (the DPC of the Android Management API); Samsung Knox
Manage ``com.sds.emm.cloud.knox.samsung``, Knox cloud MDM agents ``com.sec.enterprise.knox.*``
and Knox components ``com.samsung.android.knox.*``. Samsung's Secure Folder is a Knox container
whose owner is Samsung's own agent, not a company MDM [inference: the package names below are
Samsung's Secure Folder and Knox container agents; no public dump of a Secure Folder owner was
found], so it does not count as managed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from audit.snapshot import DeviceSnapshot, OwnerRole, UserKind


class Vendor(str, Enum):
    INTUNE = "intune"
    WORKSPACE_ONE = "workspace_one"
    ANDROID_DEVICE_POLICY = "android_device_policy"
    SAMSUNG_KNOX = "samsung_knox"
    OTHER = "other"


class ManagedState(str, Enum):
    MANAGED = "managed"
    UNMANAGED = "unmanaged"
    UNKNOWN = "unknown"


VENDOR_NAMES: dict[Vendor, str] = {
    Vendor.INTUNE: "Microsoft Intune",
    Vendor.WORKSPACE_ONE: "Workspace ONE",
    Vendor.ANDROID_DEVICE_POLICY: "Android Device Policy (Google)",
    Vendor.SAMSUNG_KNOX: "Samsung Knox",
    Vendor.OTHER: "MDM",
}

_EXACT: dict[str, Vendor] = {
    "com.microsoft.windowsintune.companyportal": Vendor.INTUNE,
    "com.microsoft.intune": Vendor.INTUNE,
    "com.airwatch.androidagent": Vendor.WORKSPACE_ONE,
    "com.google.android.apps.work.clouddpc": Vendor.ANDROID_DEVICE_POLICY,
    "com.sds.emm.cloud.knox.samsung": Vendor.SAMSUNG_KNOX,
}
_PREFIXES: tuple[tuple[str, Vendor], ...] = (
    ("com.microsoft.intune.", Vendor.INTUNE),
    ("com.airwatch.", Vendor.WORKSPACE_ONE),
    ("com.samsung.android.knox.", Vendor.SAMSUNG_KNOX),
    ("com.sec.enterprise.knox.", Vendor.SAMSUNG_KNOX),
)
# Samsung's own owners of the Secure Folder container (a personal space, not company management).
SECURE_FOLDER_AGENTS = frozenset({
    "com.samsung.knox.securefolder",
    "com.samsung.android.knox.containeragent",
    "com.samsung.android.knox.containercore",
})


def recognise(package: str | None) -> Vendor:
    """The MDM behind a device-policy app; ``OTHER`` for anything not known (or unnamed)."""
    if package is None:
        return Vendor.OTHER
    vendor = _EXACT.get(package)
    if vendor is not None:
        return vendor
    for prefix, candidate in _PREFIXES:
        if package.startswith(prefix):
            return candidate
    return Vendor.OTHER


@dataclass(frozen=True)
class Management:
    """How one Android user is managed. ``vendor``/``package`` are set only when ``MANAGED``.

    ``package`` is None for a managed user whose owner could not be named.
    """

    state: ManagedState
    role: OwnerRole | None = None
    package: str | None = None
    vendor: Vendor | None = None

    @property
    def managed(self) -> bool | None:
        if self.state is ManagedState.UNKNOWN:
            return None
        return self.state is ManagedState.MANAGED

    @property
    def mdm_name(self) -> str | None:
        return VENDOR_NAMES[self.vendor] if self.vendor is not None else None


UNKNOWN = Management(ManagedState.UNKNOWN)


def management_of(snapshot: DeviceSnapshot, user_id: int) -> Management:
    """The management of ``user_id``: its profile owner, else the device owner of that user."""
    policy = snapshot.device_policy
    owner = policy.owner_of(user_id)
    user = snapshot.user(user_id)
    if owner is not None:
        if owner.package in SECURE_FOLDER_AGENTS and user is not None and user.may_be(UserKind.SECURE_FOLDER):
            return Management(ManagedState.UNMANAGED) if policy.known else UNKNOWN
        return Management(ManagedState.MANAGED, owner.role, owner.package, recognise(owner.package))
    if not policy.known:
        return UNKNOWN
    return Management(ManagedState.UNMANAGED)


def phone_management(snapshot: DeviceSnapshot) -> Management:
    """The phone as a whole: its device owner, else managed when any profile is, else unmanaged."""
    ids = [u.id for u in snapshot.users] or [0]
    per_user = [management_of(snapshot, uid) for uid in ids]
    for role in (OwnerRole.DEVICE_OWNER, OwnerRole.PROFILE_OWNER):
        for m in per_user:
            if m.state is ManagedState.MANAGED and m.role is role:
                return m
    if any(m.state is ManagedState.UNKNOWN for m in per_user) or not snapshot.device_policy.known:
        return UNKNOWN
    return Management(ManagedState.UNMANAGED)
