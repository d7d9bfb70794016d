"""``dumpsys device_policy`` -> the device owner and the profile owner of each user.

Why only the owners: an owner (a DPC, the MDM's app on the phone) is what can deny a runtime
permission with ``POLICY_FIXED``; plain device admins cannot. The remediation of a managed
phone or profile is therefore "deny it in the MDM", and a POLICY_FIXED denial there is the MDM's.

The printer (AOSP ``DevicePolicyManagerService.dump`` -> ``Owners.dump``, since Android 13
``OwnersData.dump``; read in AOSP sources and decompiled OEM builds, see docs/collect-format.md)
has kept one shape from Android 6 to 16::

    Current Device Policy Manager state:
      [Immutable state: ...]                     (Android 12+, before the owners)
      Device Owner: ␠
        admin=ComponentInfo{<package>/<class>}   (6: may be ``admin=null`` with a package only)
        name=<label>                             (6-12)
        package=<package>
        [canAccessDeviceIds=... | isOrganizationOwnedDevice=...]
        User ID: <n>                             (7+; Android 6 has a device owner on user 0 only)
      [System Update Policy: ...]
      Profile Owner (User <n>): ␠
        admin=ComponentInfo{...}
        [name=...]
        package=<package>
        ...
      ...
      Enabled Device Admins (User <n>[, provisioningState: <s>]):   (per-user data follows)

Fail closed: the owners are *known* only when the header was seen and the owners part was seen
to end, i.e. a later part of the dump (``Enabled Device Admins``) was printed. A dump cut before
that (``head -c``, a timeout, dumpsys's own ``DUMP TIMEOUT`` line, a permission denial, a missing
service) leaves the managed state unknown, never "unmanaged". Never raises on device text.
"""

from __future__ import annotations

import re

from audit.apps import is_package_name
from audit.snapshot import DevicePolicyState, OwnerRole, PolicyOwner

HEADER = "Current Device Policy Manager state:"
_PROFILE_OWNER = re.compile(r"Profile Owner \(User (\d{1,9})\):")
_ADMIN = re.compile(r"admin=ComponentInfo\{([^/{}\s]+)/([^{}\s]*)\}")
_END_OF_OWNERS = ("Enabled Device Admins",)
_TIMEOUT = re.compile(r"\*\*\* SERVICE '[^']*' DUMP TIMEOUT")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def parse_device_policy(text: str) -> DevicePolicyState:
    """The owners in ``text``; ``known`` only when the owners part is seen whole."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() == HEADER), None)
    if start is None:
        return DevicePolicyState(False, (), ("dumpsys device_policy printed no device policy state",))
    owners: list[PolicyOwner] = []
    problems: list[str] = []
    ended = False
    i = start + 1
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if _TIMEOUT.search(line):
            break  # dumpsys gave up: nothing from here on, and the owners part may be cut
        if stripped.startswith(_END_OF_OWNERS):
            ended = True
            break
        role: OwnerRole | None = None
        user_id: int | None = None
        if stripped.rstrip() == "Device Owner:":
            role = OwnerRole.DEVICE_OWNER
        else:
            match = _PROFILE_OWNER.fullmatch(stripped)
            if match:
                role, user_id = OwnerRole.PROFILE_OWNER, int(match.group(1))
        if role is None:
            i += 1
            continue
        block, i = _block(lines, i)
        owner, problem = _owner(role, user_id, block)
        if problem:
            problems.append(problem)
        if owner is not None:
            if any(o.role is owner.role and o.user_id == owner.user_id for o in owners):
                problems.append(f"{owner.role.value.replace('_', ' ')} of user {owner.user_id} is listed twice")
            else:
                owners.append(owner)
    if not ended:  # first, so the cap below never drops it
        problems.insert(0, "dumpsys device_policy was cut before the owners were listed whole")
    # A repeated note is said once: a garbled dump must not flood the report.
    return DevicePolicyState(ended, tuple(owners), tuple(dict.fromkeys(problems))[:20])


def _block(lines: list[str], i: int) -> tuple[list[str], int]:
    """The lines indented under the header at ``i`` (blank lines end it), and the next index."""
    head = _indent(lines[i])
    out: list[str] = []
    i += 1
    while i < len(lines):
        line = lines[i]
        if not line.strip() or _indent(line) <= head or _TIMEOUT.search(line):
            break
        out.append(line.strip())
        i += 1
    return out, i


def _owner(role: OwnerRole, user_id: int | None, block: list[str]) -> tuple[PolicyOwner | None, str | None]:
    package: str | None = None
    component: str | None = None
    admin_package: str | None = None
    for line in block:
        if line.startswith("package="):
            value = line[len("package="):].strip()
            package = value if is_package_name(value) else None
        elif line.startswith("admin="):
            match = _ADMIN.fullmatch(line)
            if match and is_package_name(match.group(1)):
                admin_package = match.group(1)
                cls = match.group(2)
                component = f"{admin_package}/{cls}" if len(cls) <= 255 else admin_package
        elif line.startswith("User ID:") and role is OwnerRole.DEVICE_OWNER:
            value = line[len("User ID:"):].strip()
            if value.isascii() and value.isdigit() and len(value) <= 9:
                user_id = int(value)
    if user_id is None:
        user_id = 0  # Android 6 prints no "User ID:"; its device owner is always user 0
    what = f"{role.value.replace('_', ' ')} of user {user_id}"
    if package is None:
        package = admin_package
    elif admin_package is not None and admin_package != package:
        return PolicyOwner(role, user_id, None, None), f"{what}: admin and package disagree"
    if package is None:
        return PolicyOwner(role, user_id, None, None), f"{what}: no valid package name"
    return PolicyOwner(role, user_id, package, component), None
