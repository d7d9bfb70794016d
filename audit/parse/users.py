"""``pm list users`` / ``cmd user list [-v]`` -> the phone's Android users and what each one is.

Accepted line forms (any leading white space, TAB or none):

- ``UserInfo{<id>:<name>:<hexflags>}`` optionally followed by `` running`` or by OEM fields
  (``serialNo=11 isPrimary=false parentId=0``). ``UserInfo.toString`` is fixed by AOSP; names
  may contain ``:`` and ``}``, so the name runs to the *last* ``:<hex>}`` of the line.
- ``<n>: id=<id>, name=<name>, type=<type>, flags=<A|B|...>[ (running)][ (current)]...``
  (``cmd user list -v``, Android 10+), with flag names instead of a number.

How a user's kind is decided. OEMs put their own meanings into the high flag bits, and the same
bit means different things to different makers, so a bit is read by the maker that set it
(``ro.product.manufacturer``; ``oem_of``). Every OEM bit used, with its public source:

- Samsung (``android.content.pm.UserInfo`` of One UI's framework.jar, decompiled copies on
  GitHub found with the project's code search): ``FLAG_SECURE_FOLDER = 0x20000``,
  ``FLAG_DUALAPP_PROFILE = 0x20000000`` (Dual Messenger), ``FLAG_KNOX_WORKSPACE = 0x10000000``
  (any Knox container: ``isKnoxWorkspace()`` returns ``isManagedProfile()``, so a Knox work
  profile as well as the Secure Folder), ``FLAG_DUAL_DAR_CUSTOM_CRYPTO = 0x4000000`` and
  ``FLAG_DUAL_DAR_SAMSUNG_CRYPTO = 0x2000000`` (DualDAR-encrypted work profiles; older builds
  name 0x4000000 ``FLAG_BBC_CONTAINER`` and 0x800000 ``FLAG_THIRD_CONTAINER``). Seen on phones:
  Secure Folder ``10061030``/``61010``, Dual Messenger ``20001010`` (shared notes).
- Xiaomi (``miui.securityspace.XSpaceUserHandle`` / ``CrossUserUtilsCompat``):
  ``FLAG_XSPACE_PROFILE = 0x800000``, ``USER_XSPACE = 999``. Seen: ``801010``, ``800010``.
- OPPO/OnePlus/realme ColorOS (``com.color.multiapp.ColorMultiAppManager``,
  ``UserManagerService.FLAG_MULTI_APP``): ``USER_FLAG_MULTI_APP = 0x4000000``,
  ``USER_ID_MULTI_APP = 999``. Seen: ``4001010``, ``4000030`` (ColorOS sets MANAGED_PROFILE on
  its clones).

Candidates (``user_kinds``; the first is the kind reported, the rest stay possible):

1. id 0 -> owner.
2. Samsung Secure Folder: id 150-160, the name "Secure Folder", or Samsung's 0x20000.
3. Clone users: Samsung Dual Messenger (id 95, name "DUAL_APP", Samsung's 0x20000000), Xiaomi
   XSpace (id 999, name "XSpace", Xiaomi's 0x800000), ColorOS clones (ids 998/999, names
   "MultiApp"/"Multi-App", ColorOS's 0x4000000).
4. Samsung's Knox-workspace bit without Secure Folder marks -> work profile.
5. The AOSP flags: MANAGED_PROFILE (0x20) -> work_profile; GUEST (0x4) -> guest; a full user ->
   secondary: FULL (0x400, Android 11+), or on older releases any user whose flags hold neither
   PROFILE (0x1000), RESTRICTED (0x8) nor bits above 0xFFFF (OEM meanings unknown); anything
   else (restricted profiles, private space, unknown OEM profiles, unreadable flags) -> other.

When the maker is unknown, every maker's reading of a bit is a candidate (0x4000000 is a ColorOS
clone or a Samsung DualDAR work profile). The type ``cmd user list -v`` prints (Android 11+,
``profile.CLONE``, ``profile.MANAGED``, ...) is AOSP's own and settles the kind, except for the
makers' own users of rules 2-3 by id or name: AOSP types Samsung's Secure Folder as a managed
profile, so the maker's kind stays first and the type becomes a candidate. Verdicts judge a
user whose candidates include a clone as a clone (its apps read the owner's book too), the
worse of the readings (docs/verdicts.md).
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
# OEM bits, each read only for its maker (sources in the module docstring).
SAMSUNG_SECURE_FOLDER, SAMSUNG_DUAL_APP, SAMSUNG_KNOX_WORKSPACE = 0x20000, 0x20000000, 0x10000000
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
        kinds = user_kinds(user_id, name, vflags, user_type)
        return AndroidUser(user_id, name, vflags, kinds[0], "(running)" in tail, kinds[1:])
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
    kinds = user_kinds(user_id, name, flags)
    return AndroidUser(user_id, name, flags, kinds[0], running, kinds[1:])


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


def oem_of(manufacturer: str | None) -> str | None:
    """The maker family whose flag bits apply: "samsung", "xiaomi", "oplus", or None (unknown)."""
    name = (manufacturer or "").strip().lower()
    if not name:
        return None
    if name == "samsung":
        return "samsung"
    if name in ("xiaomi", "redmi", "poco"):
        return "xiaomi"
    if name in ("oppo", "oneplus", "realme"):
        return "oplus"
    return "other"


def user_kinds(
    user_id: int, name: str, flags: int | None, user_type: str | None = None, oem: str | None = None
) -> tuple[UserKind, ...]:
    """Every kind the user may be, the most likely first (module docstring). Never empty."""
    if user_id == 0:
        return (UserKind.OWNER,)
    typed = _typed_kind(user_type)
    lname = name.strip().lower()
    bits = flags if flags is not None else 0

    def maybe(maker: str) -> bool:
        return oem is None or oem == maker

    # Ids and names the makers use for these users are read the same way on every phone.
    named: list[UserKind] = []
    if 150 <= user_id <= 160 or lname == "secure folder":
        named.append(UserKind.SECURE_FOLDER)
    if user_id in (95, 998, 999) or lname in _CLONE_NAMES:
        named.append(UserKind.CLONE)
    # Bits are read by their maker; with the maker unknown every maker's reading is a candidate.
    flagged: list[UserKind] = []
    secure = bool(named and named[0] is UserKind.SECURE_FOLDER) or bool(
        maybe("samsung") and bits & SAMSUNG_SECURE_FOLDER
    )
    if maybe("samsung") and bits & SAMSUNG_SECURE_FOLDER:
        flagged.append(UserKind.SECURE_FOLDER)
    if (
        (maybe("samsung") and bits & SAMSUNG_DUAL_APP)
        or (maybe("xiaomi") and bits & XIAOMI_XSPACE)
        or (maybe("oplus") and bits & COLOROS_CLONE)
    ):
        flagged.append(UserKind.CLONE)
    if maybe("samsung") and bits & SAMSUNG_KNOX_WORKSPACE and not secure:
        flagged.append(UserKind.WORK_PROFILE)
    # A maker's own user (Secure Folder is a managed profile to AOSP, typed
    # ``profile.managed``) keeps the maker's kind first and AOSP's type as a candidate.
    if named:
        return tuple(dict.fromkeys((*named, *([typed] if typed is not None else []))))
    if typed is not None:
        return (typed,)
    aosp = _aosp_kind(flags, user_type)
    if flagged and oem is None:  # the bit may mean something else to the maker that set it
        return tuple(dict.fromkeys((*flagged, aosp)))
    return tuple(dict.fromkeys(flagged or [aosp]))


def classify_user(
    user_id: int, name: str, flags: int | None, user_type: str | None = None, oem: str | None = None
) -> UserKind:
    """The most likely kind (see ``user_kinds``)."""
    return user_kinds(user_id, name, flags, user_type, oem)[0]


def _typed_kind(user_type: str | None) -> UserKind | None:
    utype = (user_type or "").lower()
    if not utype:
        return None
    if utype.endswith("profile.clone"):
        return UserKind.CLONE
    if utype.endswith("profile.managed"):
        return UserKind.WORK_PROFILE
    if utype.endswith("full.guest"):
        return UserKind.GUEST
    if utype.startswith("full.") or utype.startswith("android.os.usertype.full."):
        return UserKind.SECONDARY
    return None


def _aosp_kind(flags: int | None, user_type: str | None) -> UserKind:
    bits = flags if flags is not None else 0
    utype = (user_type or "").lower()
    if flags is not None and bits & MANAGED_PROFILE:
        return UserKind.WORK_PROFILE
    if flags is not None and bits & GUEST:
        return UserKind.GUEST
    if flags is None or "profile." in utype:
        return UserKind.OTHER
    if bits & FULL:
        return UserKind.SECONDARY
    if bits & (PROFILE | RESTRICTED | OEM_BITS):
        return UserKind.OTHER
    return UserKind.SECONDARY
