"""``dumpsys package <pkg>`` (Android 6-17, OEM variants) -> the facts of that one package.

What is read, by release (see the shared FORMATS notes for the evidence):

- ``Package [<name>] (<hash>):`` starts a block. Only blocks under ``Packages:`` count (or,
  in an excerpt without that heading, anywhere but under ``Hidden system packages:``, which
  holds the factory image of an updated system app). A filter that matched several packages
  prints several blocks: only the one whose name is exactly the package is read.
- ``userId=`` (up to 12) or ``appId=`` (13+); ``sharedUser=SharedUserSetting{<h> <name>/<uid>}``.
- ``versionCode=N [minSdk=N] targetSdk=N`` (minSdk from 9), ``versionName=``,
  package-level ``firstInstallTime=`` (up to 12; 13+ print it per user).
- ``requested permissions:`` (``PERM[: restricted=true]`` per line, Android 10+ may add
  attributes after ``:``) and ``install permissions:`` (``PERM: granted=B[, flags=[..]][, userId=N]``).
- ``User N: key=value ...``: 6.0 has two spaces after the colon and no ceDataInode; 7-12 add
  ceDataInode (may be negative), suspended, distractionFlags, instant, virtual; 13/14 put
  ``installReason=``/``firstInstallTime=``/``uninstallReason=`` on the following lines; 15/16 add
  deDataInode, quarantined, ``dataDir=``, ``archiveTime=``; 17 adds pccCeDataInode,
  pccDeDataInode and appLockEnabled (and, at package level, ``pccId=`` and a blank line before
  ``developerVerificationStatus=``); OEMs insert their own keys. Unknown keys are ignored; a value
  with a stray trailing ``:`` or ``,`` is tolerated.
- ``runtime permissions:`` under each user: ``PERM: granted=B[, flags=[ A B ]]`` (up to 9),
  ``[ A|B]`` (10+), unnamed bits as decimal (``|524288]``, named SELECTED_LOCATION_ACCURACY in 17,
  which also adds TRUSTED_UI_SHOWN/TRUSTED_UI_CONSENTED), and the M developer preview's
  ``PERM, granted=false, flags=0x1``.
- Packages with a sharedUserId have their runtime permissions printed under ``Shared users:`` ->
  ``SharedUser [<name>]`` -> ``User N:`` instead.

Every list records whether it was seen to end (see ``outline``); ``grants`` decides what may be
concluded from a missing entry. A list is closed only by a later line of the dump: every list
but the last user's runtime permissions is followed by a header the format always prints (the
``User N:`` blocks follow ``requested permissions:`` and ``install permissions:``; from Android 7
``Dexopt state:`` follows the packages), and on Android 6, where nothing may follow, the end of
the output proves nothing either (see ``dumpsys_failure`` and ``assemble``).

``dumpsys`` itself can end a dump early and still exit 0 (AOSP ``cmds/dumpsys/dumpsys.cpp``):
from Android 7 it stops reading after its timeout (10 s by default) and prints
``*** SERVICE 'package' DUMP TIMEOUT (10000ms) EXPIRED ***``; read, poll and write errors print
``Error in poll while dumping service ...``, ``Failed to read while dumping service ...``,
``Failed to write while dumping service ...``; Android 10+ reports a failed ``dump()`` as
``Error with service 'package' while dumping: ...``, Android 6 as
``Error dumping service info: (...) package``; a missing service is ``Can't find service: ...``.
The collector merges stderr into the section, so ``dumpsys_failure`` finds every one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from audit.parse.outline import Node, build_outline

# android.content.pm.PackageManager permission flag bits, for the preview's hex form.
FLAG_NAMES: dict[int, str] = {
    1 << 0: "USER_SET",
    1 << 1: "USER_FIXED",
    1 << 2: "POLICY_FIXED",
    1 << 3: "REVOKED_COMPAT",
    1 << 4: "SYSTEM_FIXED",
    1 << 5: "GRANTED_BY_DEFAULT",
    1 << 6: "REVIEW_REQUIRED",
    1 << 7: "REVOKE_WHEN_REQUESTED",
    1 << 8: "USER_SENSITIVE_WHEN_GRANTED",
    1 << 9: "USER_SENSITIVE_WHEN_DENIED",
    1 << 11: "RESTRICTION_INSTALLER_EXEMPT",
    1 << 12: "RESTRICTION_SYSTEM_EXEMPT",
    1 << 13: "RESTRICTION_UPGRADE_EXEMPT",
    1 << 14: "APPLY_RESTRICTION",
    1 << 15: "GRANTED_BY_ROLE",
    1 << 16: "ONE_TIME",
    1 << 17: "AUTO_REVOKED",
}

_PACKAGE = re.compile(r"^Package \[([^\]]*)\](?: \([0-9A-Za-z]*\))?:?$")
_SHARED_USER = re.compile(r"^SharedUser \[([^\]]*)\](?: \([0-9A-Za-z]*\))?:?$")
_SHARED_SETTING = re.compile(r"SharedUserSetting\{\S+ ([^/{}\s]+)/(\d+)\}")
_USER = re.compile(r"^User (\d{1,9}):(.*)$")
_GRANT = re.compile(r"^([A-Za-z0-9_.$-]+)(?::|,) ?granted=(true|false)(?=$|[,\s])(.*)$")
_PERMISSION = re.compile(r"^([A-Za-z0-9_.$-]+)(?::.*)?$")
_FLAGS_LIST = re.compile(r"flags=\[([^\]]*)\]")
_FLAGS_HEX = re.compile(r"flags=0x([0-9a-fA-F]{1,8})\b")
_FLAG_WORD = re.compile(r"^[A-Za-z0-9_]+$")
_USER_ID = re.compile(r"userId=(\d{1,9})\b")
# dumpsys gives up on a service after its timeout, prints this on stdout and still exits 0
# (frameworks/native cmds/dumpsys): the text before it is a cut dump, not a whole one.
_DUMP_TIMEOUT = re.compile(r"^\*\*\* SERVICE '[^'\n]*' DUMP TIMEOUT \(\d+ms\) EXPIRED \*\*\*\s*$", re.MULTILINE)
HIDDEN_SECTION = "Hidden system packages:"
# dumpsys' own lines when it could not dump the service whole (see the module docstring).
# Loose on purpose (releases differ in quoting and units); a false match only makes facts unknown.
_DUMPSYS_TIMEOUT = re.compile(r"^\*\*\* SERVICE .*TIMEOUT.*EXPIRED \*\*\*$")
_DUMPSYS_ERRORS = (
    "Error dumping service info:",
    "Error in poll while dumping service ",
    "Failed to read while dumping service ",
    "Failed to write while dumping service ",
    "Error with service '",
    "Can't find service: ",
)


def dumpsys_failure(text: str) -> str | None:
    """Why ``dumpsys`` output is not its service's whole dump, or None when it says nothing.

    Such output exits 0 like a whole dump; nothing in it may be read as final, so the caller
    treats the section as failed. A forged marker (device text) can only make a fact unknown.
    """
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or line[0] not in "*ECF":
            continue
        if _DUMPSYS_TIMEOUT.match(line):
            return "dumpsys timed out before the dump ended"
        if line.startswith(_DUMPSYS_ERRORS):
            return "dumpsys reported an error while dumping"
    return None


@dataclass(frozen=True)
class Grant:
    """One ``PERM: granted=...`` line. ``user_id`` only for 13+ install permissions that differ by user."""

    permission: str
    granted: bool
    flags: tuple[str, ...] = ()
    user_id: int | None = None


@dataclass(frozen=True)
class PermissionList:
    """A printed permission list. ``complete``: seen to end and every line read."""

    grants: tuple[Grant, ...]
    complete: bool
    unreadable: int = 0

    def get(self, permission: str, user_id: int | None = None) -> Grant | None:
        """The entry for ``user_id`` if the list has one, else the entry for every user."""
        general: Grant | None = None
        for grant in self.grants:
            if grant.permission != permission:
                continue
            if grant.user_id is not None and grant.user_id == user_id:
                return grant
            if grant.user_id is None and general is None:
                general = grant
        return general


@dataclass(frozen=True)
class UserBlock:
    """One ``User N:`` block of a package (or of a shared user)."""

    user_id: int
    installed: bool | None
    hidden: bool | None
    enabled: int | None
    first_install_time: str | None
    install_reason: int | None
    runtime: PermissionList | None  # None: no ``runtime permissions:`` heading in this block
    closed: bool  # the block was seen to end


@dataclass(frozen=True)
class SharedUserBlock:
    name: str
    install: PermissionList | None
    users: tuple[UserBlock, ...]
    closed: bool

    def user(self, user_id: int) -> UserBlock | None:
        return next((u for u in self.users if u.user_id == user_id), None)


@dataclass(frozen=True)
class PackageDump:
    """The block of one package. ``found`` False: no block for exactly this package."""

    package: str
    found: bool
    app_id: int | None = None
    shared_user: str | None = None
    version_code: int | None = None
    min_sdk: int | None = None
    target_sdk: int | None = None
    version_name: str | None = None
    first_install_time: str | None = None
    requested_printed: bool = False
    requested: tuple[str, ...] | None = None  # None unless printed and seen to end whole
    install: PermissionList | None = None
    users: tuple[UserBlock, ...] = ()
    shared: SharedUserBlock | None = None
    problems: tuple[str, ...] = ()

    def user(self, user_id: int) -> UserBlock | None:
        return next((u for u in self.users if u.user_id == user_id), None)


def parse_dumpsys_package(text: str, package: str, *, complete: bool = False) -> PackageDump:
    """Read the block of ``package``. Never raises.

    ``complete``: the caller knows that the text is the command's whole output, so its end
    closes every open list (see ``build_outline``). The collector's pipeline never passes it: a
    dump that exits 0 can still have been cut (see ``dumpsys_failure``), and on Android 6 the last
    user's runtime permissions can be the last lines dumpsys prints, so a missing entry there
    stays unknown.

    A dumpsys timeout marker also cuts the text there (defence in depth; the collector's
    pipeline already marks such a section broken): what follows it is not the package's dump,
    and nothing before it was seen to end.
    """
    problems: list[str] = []
    timed_out = _DUMP_TIMEOUT.search(text)
    if timed_out is not None:
        text, complete = text[: timed_out.start()], False
        problems.append("dumpsys timed out before the dump was complete")
    root = build_outline(text, complete=complete)
    blocks = _package_blocks(root, package)
    if not blocks:
        problem = (
            "dumpsys says the package is unknown"
            if "Unable to find package" in text
            else "dumpsys printed no block for the package"
        )
        return PackageDump(package, False, problems=(*problems, problem))
    if len(blocks) > 1:
        problems.append("dumpsys printed the package twice; the first block was read")
    block = blocks[0]
    fields: dict[str, object] = {}
    users: list[UserBlock] = []
    requested_printed = False
    requested: tuple[str, ...] | None = None
    install: PermissionList | None = None
    for child in block.children:
        text_ = child.text
        if text_ == "requested permissions:":
            if not requested_printed:
                requested_printed = True
                requested = _permission_names(child)
        elif text_ == "install permissions:":
            if install is None:
                install = _grant_list(child)
        elif text_.startswith("User "):
            user = _user_block(child)
            if user is None:
                continue
            if any(u.user_id == user.user_id for u in users):
                problems.append(f"dumpsys printed user {user.user_id} twice; the first block was read")
                continue
            users.append(user)
        else:
            _read_field(text_, fields)
    shared_name = _str(fields.get("shared_user"))
    shared = _shared_user_block(root, shared_name) if shared_name else None
    if shared_name and shared is None:
        problems.append("the package's shared user block was not printed")
    return PackageDump(
        package=package,
        found=True,
        app_id=_int_field(fields.get("app_id")),
        shared_user=shared_name,
        version_code=_int_field(fields.get("versionCode")),
        min_sdk=_int_field(fields.get("minSdk")),
        target_sdk=_int_field(fields.get("targetSdk")),
        version_name=_str(fields.get("versionName")),
        first_install_time=_str(fields.get("firstInstallTime")),
        requested_printed=requested_printed,
        requested=requested,
        install=install,
        users=tuple(users),
        shared=shared,
        problems=tuple(problems),
    )


def _package_blocks(root: Node, package: str) -> list[Node]:
    found: list[Node] = []
    stack: list[tuple[Node, bool]] = [(c, False) for c in reversed(root.children)]
    while stack:
        node, hidden = stack.pop()
        if node.text == HIDDEN_SECTION:
            hidden = True
        match = _PACKAGE.match(node.text)
        if match is not None:
            if match.group(1) == package and not hidden:
                found.append(node)
            continue  # package blocks do not nest
        stack.extend((c, hidden) for c in reversed(node.children))
    return found


def _shared_user_block(root: Node, name: str) -> SharedUserBlock | None:
    for node in root.walk():
        match = _SHARED_USER.match(node.text)
        if match is None or match.group(1) != name:
            continue
        install: PermissionList | None = None
        users: list[UserBlock] = []
        for child in node.children:
            if child.text == "install permissions:" and install is None:
                install = _grant_list(child)
            elif child.text.startswith("User "):
                user = _user_block(child)
                if user is not None and all(u.user_id != user.user_id for u in users):
                    users.append(user)
        return SharedUserBlock(name, install, tuple(users), node.closed)
    return None


def _read_field(text: str, fields: dict[str, object]) -> None:
    if text.startswith(("userId=", "appId=")):
        words = text.split("=", 1)[1].split()
        if words and "app_id" not in fields:
            fields["app_id"] = words[0]
    elif text.startswith("sharedUser="):
        match = _SHARED_SETTING.search(text)
        if match is not None:
            fields.setdefault("shared_user", match.group(1))
    elif text.startswith("versionCode="):
        for key, value in _tokens(text).items():
            if key in ("versionCode", "minSdk", "targetSdk"):
                fields.setdefault(key, value)
    elif text.startswith("versionName="):
        value = text[len("versionName="):]
        if value and value != "null":
            fields.setdefault("versionName", value)
    elif text.startswith("firstInstallTime="):
        fields.setdefault("firstInstallTime", text[len("firstInstallTime="):] or None)


def _user_block(node: Node) -> UserBlock | None:
    match = _USER.match(node.text)
    if match is None:
        return None
    tokens = _tokens(match.group(2))
    first_install: str | None = None
    install_reason: int | None = None
    runtime: PermissionList | None = None
    for child in node.children:
        if child.text == "runtime permissions:":
            if runtime is None:
                runtime = _grant_list(child)
        elif child.text.startswith("firstInstallTime="):
            first_install = first_install or child.text[len("firstInstallTime="):] or None
        elif child.text.startswith("installReason="):
            install_reason = _int_field(child.text[len("installReason="):])
    return UserBlock(
        user_id=int(match.group(1)),
        installed=_bool(tokens.get("installed")),
        hidden=_bool(tokens.get("hidden")),
        enabled=_int_field(tokens.get("enabled")),
        first_install_time=first_install,
        install_reason=install_reason,
        runtime=runtime,
        closed=node.closed,
    )


def _grant_list(node: Node) -> PermissionList:
    grants: list[Grant] = []
    unreadable = 0
    for child in node.children:
        grant = parse_grant(child.text) if not child.children else None
        if grant is None:
            unreadable += 1
        else:
            grants.append(grant)
    return PermissionList(tuple(grants), node.closed and unreadable == 0, unreadable)


def parse_grant(line: str) -> Grant | None:
    """One permission-state line in any release's form, or None."""
    match = _GRANT.match(line)
    if match is None:
        return None
    name, granted, rest = match.groups()
    flags: tuple[str, ...] = ()
    listed = _FLAGS_LIST.search(rest)
    if listed is not None:
        words = listed.group(1).replace("|", " ").split()
        flags = tuple(w for w in words if _FLAG_WORD.match(w))
    else:
        hexed = _FLAGS_HEX.search(rest)
        if hexed is not None:
            flags = flags_from_bits(int(hexed.group(1), 16))
    user = _USER_ID.search(rest)
    return Grant(name, granted == "true", flags, int(user.group(1)) if user else None)


def flags_from_bits(value: int) -> tuple[str, ...]:
    """Bits -> names in bit order; unnamed bits as decimal, as Android 10+ prints them."""
    names: list[str] = []
    bit = 1
    while bit <= value:
        if value & bit:
            names.append(FLAG_NAMES.get(bit, str(bit)))
        bit <<= 1
    return tuple(names)


def _permission_names(node: Node) -> tuple[str, ...] | None:
    names: list[str] = []
    for child in node.children:
        match = _PERMISSION.match(child.text)
        if match is None or child.children:
            return None
        names.append(match.group(1))
    return tuple(names) if node.closed else None


def _tokens(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for word in text.split():
        key, sep, value = word.partition("=")
        if sep and key and key not in out:
            out[key] = value.rstrip(":,;")
    return out


def _bool(value: str | None) -> bool | None:
    return True if value == "true" else False if value == "false" else None


def _int_field(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    digits = text[1:] if text.startswith("-") else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > 19:
        return None
    return int(text)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
