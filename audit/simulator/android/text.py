"""Formatting rules copied in behaviour (not code) from the Android framework classes.

Kept in one place because several stubs print the same things (durations, permission flags,
identity hashes) and the version differences must be applied the same way everywhere.
"""

from __future__ import annotations

import zlib

# android.content.pm.PackageManager permission flags, by bit (permissionFlagToString).
PERMISSION_FLAGS: dict[str, int] = {
    "USER_SET": 1 << 0,
    "USER_FIXED": 1 << 1,
    "POLICY_FIXED": 1 << 2,
    "REVOKED_COMPAT": 1 << 3,
    "SYSTEM_FIXED": 1 << 4,
    "GRANTED_BY_DEFAULT": 1 << 5,
    "REVIEW_REQUIRED": 1 << 6,
    "REVOKE_WHEN_REQUESTED": 1 << 7,
    "USER_SENSITIVE_WHEN_GRANTED": 1 << 8,
    "USER_SENSITIVE_WHEN_DENIED": 1 << 9,
    "RESTRICTION_INSTALLER_EXEMPT": 1 << 11,
    "RESTRICTION_SYSTEM_EXEMPT": 1 << 12,
    "RESTRICTION_UPGRADE_EXEMPT": 1 << 13,
    "APPLY_RESTRICTION": 1 << 14,
    "GRANTED_BY_ROLE": 1 << 15,
    "ONE_TIME": 1 << 16,
    "AUTO_REVOKED": 1 << 17,
    # Unnamed (printed as 524288) up to 16; Android 17's permissionFlagToString names it.
    "SELECTED_LOCATION_ACCURACY": 1 << 19,
}
FLAG_NAMES: dict[int, str] = {bit: name for name, bit in PERMISSION_FLAGS.items()}
# Flags whose names only exist from a release on (bit 3 had another name before 11).
FLAGS_SINCE: dict[str, int] = {
    "ONE_TIME": 30,
    "AUTO_REVOKED": 30,
    "REVOKED_COMPAT": 30,
    "SELECTED_LOCATION_ACCURACY": 37,
}

# UserInfo.FLAG_* (DebugUtils.flagsToString walks the fields in dex order, i.e. by name).
USER_FLAGS: dict[str, int] = {
    "PRIMARY": 0x1,
    "ADMIN": 0x2,
    "GUEST": 0x4,
    "RESTRICTED": 0x8,
    "INITIALIZED": 0x10,
    "MANAGED_PROFILE": 0x20,
    "DISABLED": 0x40,
    "QUIET_MODE": 0x80,
    "EPHEMERAL": 0x100,
    "DEMO": 0x200,
    "FULL": 0x400,
    "SYSTEM": 0x800,
    "PROFILE": 0x1000,
    "EPHEMERAL_ON_CREATE": 0x2000,
    "MAIN": 0x4000,
    "FOR_TESTING": 0x8000,
}


def flag_name(bit: int, sdk: int) -> str:
    """One permission flag as the framework of that release names it."""
    if bit == PERMISSION_FLAGS["REVOKED_COMPAT"] and sdk < 30:
        return "REVOKE_ON_UPGRADE"
    name = FLAG_NAMES.get(bit)
    if name is None or sdk < FLAGS_SINCE.get(name, 0):
        return str(bit)
    return name


def permission_flags(flags: int, sdk: int) -> str:
    """``, flags=[ A B ]`` (Android 6-9) or ``, flags=[ A|B]`` (10+); empty when no flag is set."""
    if flags == 0:
        return ""
    bits = [1 << i for i in range(32) if flags & (1 << i)]
    names = [flag_name(bit, sdk) for bit in bits]
    if sdk >= 29:
        return ", flags=[ " + "|".join(names) + "]"
    return ", flags=[ " + "".join(n + " " for n in names) + "]"


def user_flags_to_string(flags: int) -> str:
    """UserInfo.flagsToString: names in field-name order, leftover bits as hex."""
    names = []
    rest = flags
    for name in sorted(USER_FLAGS):
        bit = USER_FLAGS[name]
        if flags & bit:
            names.append(name)
            rest &= ~bit
    if rest:
        names.append(f"0x{rest:x}")
    return "|".join(names) if names else "0"


def format_duration(ms: int) -> str:
    """android.util.TimeUtils.formatDuration: ``+1d2h3m4s5ms``; once a unit is printed, every
    smaller one is printed too (``+2h0m0s0ms``)."""
    if ms == 0:
        return "0"
    sign = "+" if ms > 0 else "-"
    ms = abs(ms)
    days, ms = divmod(ms, 86_400_000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    seconds, millis = divmod(ms, 1000)
    out = [sign]
    started = False
    for amount, unit in ((days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")):
        if started or amount > 0:
            out.append(f"{amount}{unit}")
            started = True
    out.append(f"{millis}ms")
    return "".join(out)


def identity_hash(*parts: object) -> str:
    """A stable stand-in for System.identityHashCode in hex (no leading zeros, 7 digits)."""
    value = zlib.crc32("\x1f".join(str(p) for p in parts).encode("utf-8")) & 0xFFFFFFF
    return f"{value | 0x1000000:x}"


def java_string_hash(text: str) -> int:
    """String.hashCode as a signed 32-bit int: the order ArrayMap-backed package lists come in."""
    h = 0
    for unit in text.encode("utf-16-be").hex(" ", 2).split():
        h = (31 * h + int(unit, 16)) & 0xFFFFFFFF
    return h - (1 << 32) if h & 0x80000000 else h


def hashmap_order(keys: list[str]) -> list[str]:
    """The iteration order of a java.util.HashMap holding these keys (Android 15/16 merges the
    per-user package lists in one)."""
    capacity = 16
    while capacity * 0.75 < len(keys):
        capacity *= 2

    def bucket(key: str) -> int:
        h = java_string_hash(key) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & (capacity - 1)

    return sorted(keys, key=bucket)  # stable: insertion order inside a bucket


def uid_of(user_id: int, app_id: int) -> int:
    return user_id * 100_000 + app_id
