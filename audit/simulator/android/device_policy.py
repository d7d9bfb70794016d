"""``dumpsys device_policy``: the device and profile owners, as the phone's Android prints them.

Shape per release (AOSP ``DevicePolicyManagerService.dump`` and ``Owners``/``OwnersData.dump``):
Android 12+ starts with ``Immutable state:``; an owner block lists ``admin=ComponentInfo{...}``,
``name=`` (up to 12), ``package=``, ``canAccessDeviceIds=`` (11-12) or
``isOrganizationOwnedDevice=`` (13+) and, for the device owner, ``User ID:`` (7+); the per-user
``Enabled Device Admins (User N[, provisioningState: S]):`` blocks follow the owners.
"""

from __future__ import annotations

from .context import Context


def _full(component: str) -> tuple[str, str]:
    """("package", "package.Receiver") from "package/.Receiver" (ComponentName.toString form)."""
    package, _, cls = component.partition("/")
    return package, package + cls if cls.startswith(".") else cls


def _owner_lines(sdk: int, component: str, label: str) -> list[str]:
    package, cls = _full(component)
    lines = [f"    admin=ComponentInfo{{{package}/{cls}}}"]
    if sdk <= 32:
        lines.append(f"    name={label}")
    lines.append(f"    package={package}")
    if 30 <= sdk <= 32:
        lines.append("    canAccessDeviceIds=false")
    elif sdk >= 33:
        lines.append("    isOrganizationOwnedDevice=false")
    return lines


def dump(ctx: Context) -> None:
    sdk = ctx.sdk
    device_owner = ctx.meta.get("device_owner", "")
    profile_owners: list[tuple[int, str]] = []
    for word in ctx.meta.get("profile_owners", "").split():
        uid, _, comp = word.partition("=")
        profile_owners.append((int(uid), comp))
    lines = ["Current Device Policy Manager state:"]
    if sdk >= 31:
        lines += ["  Immutable state:", "    mHasFeature=true", "    mIsWatch=false", "    mIsAutomotive=false"]
    blank = False
    if device_owner:
        lines.append("  Device Owner: ")
        lines += _owner_lines(sdk, device_owner, "Company MDM")
        if sdk >= 24:
            lines.append("    User ID: 0")
        blank = True
    for user, component in profile_owners:
        if blank:
            lines.append("")
        lines.append(f"  Profile Owner (User {user}): ")
        lines += _owner_lines(sdk, component, "Work profile")
        blank = True
    owners = {0: device_owner} if device_owner else {}
    owners.update(profile_owners)
    for user in ctx.user_ids():
        lines.append("")
        state = f", provisioningState: {3 if user in owners else 0}" if sdk >= 24 else ""
        lines.append(f"  Enabled Device Admins (User {user}{state}):")
        if user in owners:
            package, _, cls = owners[user].partition("/")
            lines += [f"    {package}/{cls}:", f"      uid={1010000 + user * 100000}", "      testOnlyAdmin=false"]
        lines += ["", "    mPasswordOwner=-1", "    mPasswordTokenHandle=0"]
    ctx.out_lines(lines)
