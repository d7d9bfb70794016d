"""``pm list users`` / ``cmd user list [-v]`` -> the phone's Android users and what each one is.

Accepted line forms (any leading white space, TAB or none):

- ``UserInfo{<id>:<name>:<hexflags>}`` optionally followed by `` running`` or by OEM fields
  (``serialNo=11 isPrimary=false parentId=0``). ``UserInfo.toString`` is fixed by AOSP; names
  may contain ``:`` and ``}``, so the name runs to the *last* ``:<hex>}`` of the line.
- ``<n>: id=<id>, name=<name>, type=<type>, flags=<A|B|...>[ (running)][ (current)]...``
  (``cmd user list -v``, Android 10+), with flag names instead of a number.

How a user's kind is decided (first rule that matches wins; OEMs reuse AOSP flag bits for their
own profiles, which is why the OEM rules come before the flag rules):

1. id 0 -> owner.
2. Samsung Secure Folder: id 150-160, or the name "Secure Folder", or the Samsung
   secure-folder bit 0x10000000 -> secure_folder. (Its flags carry MANAGED_PROFILE too.)
3. Clone users: Samsung Dual Messenger (id 95 or name "DUAL_APP"), Xiaomi XSpace (id 999,
   name "XSpace" or bit 0x800000), ColorOS/OnePlus/other app cloners (ids 998/999, names
   "MultiApp"/"Multi-App", bit 0x4000000), Samsung's dual-app bit 0x20000000 and the AOSP
   clone profile (type ``profile.CLONE``, Android 14) -> clone. ColorOS sets MANAGED_PROFILE
   on its clone users, so this rule must come before rule 4.
4. MANAGED_PROFILE (0x20) or type ``profile.MANAGED`` -> work_profile.
5. GUEST (0x4) or type ``full.GUEST`` -> guest.
6. A full user -> secondary: FULL (0x400, Android 11+) or type ``full.*``; on older releases,
   which have no FULL flag, any user whose flags hold neither PROFILE (0x1000), RESTRICTED (0x8)
   nor bits above 0xFFFF (OEM meanings unknown).
7. Anything else (restricted profiles, private space, unknown OEM profiles, unreadable
   flags) -> other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from audit.snapshot import AndroidUser, UserKind

FLAG_BITS: dict[str, int] = {
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
GUEST, RESTRICTED, MANAGED_PROFILE, FULL, PROFILE = 0x4, 0x8, 0x20, 0x400, 0x1000
SAMSUNG_SECURE_FOLDER, SAMSUNG_DUAL_APP = 0x10000000, 0x20000000
XIAOMI_XSPACE, COLOROS_CLONE = 0x800000, 0x4000000
OEM_BITS = 0xFFFF0000

_USERINFO = re.compile(r"UserInfo\{(\d{1,9}):(.*):([0-9a-fA-F]{1,8})\}(.*)$")
_USERINFO_RECORD = re.compile(r"UserInfo\{(\d{1,9}):(.*):([0-9a-fA-F]{1,8})\}([^\n]*)$", re.DOTALL)
_RECORD_START = re.compile(r"UserInfo\{(\d{1,9}):")
_VERBOSE_ID = re.compile(r"^\s*\d+: id=(\d{1,9}),", re.MULTILINE)
_MAX_RECORD = 16384  # characters of one record: far beyond any real name, and bounds the regex work
_MAX_RECORD_LINES = 16  # lines one record may span
_VERBOSE = re.compile(
    r"^\s*\d+: id=(\d{1,9}), name=(.*), type=([^,\s]*), flags=([A-Za-z0-9_|]*)(.*)$"
)
_CLONE_NAMES = frozenset({"dual_app", "xspace", "multiapp", "multi-app"})


@dataclass(frozen=True)
class UserListing:
    """The users a phone listed. ``usable`` is False when not one user line could be read."""

    users: tuple[AndroidUser, ...]
    usable: bool
    problems: tuple[str, ...] = ()


def parse_users(text: str) -> UserListing:
    """Every user record in either format; duplicates keep the first. Never raises.

    A ``UserInfo{`` record whose line does not end it (a profile name with a line break, which a
    device-policy app can set) is joined with the following lines until its ``:<hexflags>}`` end
    is found, within ``_MAX_RECORD_LINES`` lines and ``_MAX_RECORD`` characters and never across a
    line that starts another record. What still does not parse is counted as unknown lines; the
    assembler checks every id the output names against the users read (``named_user_ids``).
    """
    users: list[AndroidUser] = []
    seen: set[int] = set()
    unknown_lines = 0
    duplicates = 0
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        index += 1
        if len(line) > _MAX_RECORD:  # bounds the regex work; the id is still seen by named_user_ids
            unknown_lines += 1
            continue
        if not line or line == "Users:" or re.fullmatch(r"\d+ users?:", line):
            continue
        user = _parse_line(line)
        if user is None and _RECORD_START.search(line):
            user, used = _multi_line_record(line, lines, index)
            index += used
        if user is None:
            unknown_lines += 1
            continue
        if user.id in seen:
            duplicates += 1
            continue
        seen.add(user.id)
        users.append(user)
    problems: list[str] = []
    if not users:
        problems.append("the user list holds no user that could be read")
    elif unknown_lines:
        problems.append(f"the user list has {unknown_lines} line(s) that are not users")
    if duplicates:
        problems.append(f"the user list names {duplicates} user id(s) twice; the first was kept")
    return UserListing(tuple(users), bool(users), tuple(problems))


def _multi_line_record(first: str, lines: list[str], start: int) -> tuple[AndroidUser | None, int]:
    """A record continued on the following lines: (the user, lines consumed) or (None, 0)."""
    record = first
    for offset in range(min(_MAX_RECORD_LINES, len(lines) - start)):
        following = lines[start + offset].rstrip("\r")
        if _starts_record(following.strip()) or len(record) + len(following) > _MAX_RECORD:
            return None, 0
        record = f"{record}\n{following}"
        match = _USERINFO_RECORD.search(record)
        if match is not None:
            return _user_from(match), offset + 1
    return None, 0


def _starts_record(line: str) -> bool:
    return line.startswith("UserInfo{") or _VERBOSE.match(line) is not None or line == "Users:"


def named_user_ids(text: str) -> frozenset[int]:
    """Every user id the output names, parsed or not: the collector's own loose match.

    collect.sh finds user ids with ``sed 's/^[[:space:]]*UserInfo{\\([0-9]*\\):.*/\\1/p'`` and
    collects every such user, so a user whose record does not parse must still be accounted for.
    Also ids of ``cmd user list -v`` lines (``N: id=<id>, ...``).
    """
    ids = {int(m.group(1)) for m in _RECORD_START.finditer(text)}
    ids.update(int(m.group(1)) for m in _VERBOSE_ID.finditer(text))
    return frozenset(ids)


def _parse_line(line: str) -> AndroidUser | None:
    match = _USERINFO.search(line)
    if match is not None:
        return _user_from(match)
    match = _VERBOSE.match(line)
    if match is not None:
        uid, name, user_type, flag_names, tail = match.groups()
        user_id = int(uid)
        vflags = flags_from_names(flag_names)
        kind = classify_user(user_id, name, vflags, user_type)
        return AndroidUser(user_id, name, vflags, kind, "(running)" in tail)
    return None


def _user_from(match: re.Match[str]) -> AndroidUser:
    uid, name, hexflags, tail = match.groups()
    flags = int(hexflags, 16)
    words = tail.split()
    if not words:
        running: bool | None = False  # pm list users marks running users, so absence means stopped
    elif "running" in words:
        running = True
    else:
        running = None  # OEM fields (dumpsys user style): running state not printed
    user_id = int(uid)
    return AndroidUser(user_id, name, flags, classify_user(user_id, name, flags), running)


def flags_from_names(names: str) -> int | None:
    """``ADMIN|FULL|...`` -> bits; None when a name is unknown (the flags are then not known)."""
    value = 0
    for name in names.split("|"):
        if not name:
            continue
        if name in FLAG_BITS:
            value |= FLAG_BITS[name]
        elif name.startswith("0x"):
            try:
                value |= int(name, 16)
            except ValueError:
                return None
        else:
            return None
    return value


def classify_user(user_id: int, name: str, flags: int | None, user_type: str | None = None) -> UserKind:
    """The module docstring's rules, in order."""
    lname = name.strip().lower()
    bits = flags if flags is not None else 0
    utype = (user_type or "").lower()
    if user_id == 0:
        return UserKind.OWNER
    if 150 <= user_id <= 160 or lname == "secure folder" or bits & SAMSUNG_SECURE_FOLDER:
        return UserKind.SECURE_FOLDER
    if (
        user_id in (95, 998, 999)
        or lname in _CLONE_NAMES
        or bits & (SAMSUNG_DUAL_APP | XIAOMI_XSPACE | COLOROS_CLONE)
        or utype.endswith("profile.clone")
    ):
        return UserKind.CLONE
    if utype.endswith("profile.managed") or (flags is not None and bits & MANAGED_PROFILE):
        return UserKind.WORK_PROFILE
    if utype.endswith("full.guest") or (flags is not None and bits & GUEST):
        return UserKind.GUEST
    if utype.startswith("full.") or utype.startswith("android.os.usertype.full."):
        return UserKind.SECONDARY
    if flags is None or utype.startswith("profile.") or "profile." in utype:
        return UserKind.OTHER
    if bits & FULL:
        return UserKind.SECONDARY
    if bits & (PROFILE | RESTRICTED | OEM_BITS):
        return UserKind.OTHER
    return UserKind.SECONDARY
