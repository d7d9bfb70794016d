"""``pm`` (and ``cmd package``): list packages/users, grant/revoke, permission flags, path.

Version differences that matter to a collector:
- Android 6 (Pm.java): no ``-U``/``--show-versioncode`` (``Error: Unknown option: -U``, status 1);
  errors are ``Bad argument: ...``/``Operation not allowed: ...`` plus status 1.
- 7+ (PackageManagerShellCommand): ``-U`` from 8, ``--show-versioncode`` from 9; failures are
  Java exceptions (``Exception occurred while executing...``) and status 255.
- 15/16: without ``--user`` the list covers all users, merged in a HashMap (no stable order),
  and ``-U`` joins the uids of every user (``uid:10245,1010245``).
- ``set-permission-flags``/``clear-permission-flags`` exist from Android 12 on.
"""

from __future__ import annotations

from .catalog import PERMISSION_PREFIX, RUNTIME_SINCE
from .context import Context, java_trace, parse_user
from .perms import after_grant_change, owner_of
from .text import PERMISSION_FLAGS, hashmap_order, java_string_hash, uid_of
from .users import list_users

SHELL_FLAGS = {
    "review-required": "REVIEW_REQUIRED",
    "revoked-compat": "REVOKED_COMPAT",
    "revoke-when-requested": "REVOKE_WHEN_REQUESTED",
    "user-fixed": "USER_FIXED",
    "user-set": "USER_SET",
}


class ShellError(Exception):
    """A Java exception thrown by the package manager."""

    def __init__(self, java_class: str, message: str) -> None:
        super().__init__(message)
        self.java_class = java_class
        self.message = message


def run(ctx: Context, args: list[str]) -> int:
    if not args:
        return _usage(ctx)
    verb, rest = args[0], args[1:]
    try:
        if verb == "list":
            return _list(ctx, rest)
        if verb in ("grant", "revoke"):
            return _grant_revoke(ctx, verb, rest)
        if verb in ("set-permission-flags", "clear-permission-flags") and ctx.sdk >= 31:
            return _permission_flags(ctx, verb, rest)
        if verb == "path":
            return _path(ctx, rest)
        if verb in ("help", "-h"):
            return _usage(ctx, to_err=False)
    except ShellError as exc:
        return _exception(ctx, verb, exc)
    if ctx.sdk < 24:
        ctx.err(f"Error: unknown command '{verb}'")
        _usage(ctx)
        return 1
    ctx.err(f"Unknown command: {verb}")
    return 255


def _usage(ctx: Context, to_err: bool = True) -> int:
    lines = [
        "usage: pm path [--user USER_ID] PACKAGE",
        "       pm list packages [-f] [-d] [-e] [-s] [-3] [-i] [-u] [--user USER_ID] [FILTER]",
        "       pm list users",
        "       pm grant [--user USER_ID] PACKAGE PERMISSION",
        "       pm revoke [--user USER_ID] PACKAGE PERMISSION",
    ]
    for line in lines:
        (ctx.err if to_err else ctx.out)(line)
    return 1 if to_err else 0


def _exception(ctx: Context, verb: str, exc: ShellError) -> int:
    text = f"{exc.java_class}: {exc.message}"
    if ctx.sdk < 24:
        if exc.java_class.endswith("SecurityException"):
            ctx.err(f"Operation not allowed: {text}")
        else:
            ctx.err(f"Bad argument: {text}")
        return 1
    ctx.err(f"Exception occurred while executing '{verb}':" if ctx.sdk >= 31 else "Exception occurred while executing:")
    ctx.err(text)
    for line in java_trace(
        (
            "com.android.server.pm.permission.PermissionManagerServiceImpl.grantRuntimePermissionInternal"
            "(PermissionManagerServiceImpl.java:1445)",
            "com.android.server.pm.PackageManagerShellCommand.runGrantRevokePermission"
            "(PackageManagerShellCommand.java:2861)",
            "com.android.server.pm.PackageManagerShellCommand.onCommand(PackageManagerShellCommand.java:297)",
            "com.android.modules.utils.BasicShellCommandHandler.exec(BasicShellCommandHandler.java:97)",
            "android.os.ShellCommand.exec(ShellCommand.java:38)",
            "android.os.Binder.shellCommand(Binder.java:1092)",
            "android.os.Binder.onTransact(Binder.java:912)",
        )
    ):
        ctx.err(line)
    return 255


def _unknown_option(ctx: Context, opt: str) -> int:
    if ctx.sdk < 24:
        ctx.err(f"Error: Unknown option: {opt}")
        return 1
    (ctx.out if ctx.sdk < 26 else ctx.err)(f"Error: Unknown option: {opt}")
    return 255


def _take_user(ctx: Context, rest: list[str], i: int) -> tuple[int | None, int]:
    if i + 1 >= len(rest):
        raise ShellError("java.lang.IllegalArgumentException", "Missing user id argument")
    value = rest[i + 1]
    if value == "all":
        return -1, i + 2
    user = parse_user(value, ctx.current_user)
    if user is None:
        raise ShellError("java.lang.IllegalArgumentException", f"Bad user number: {value}")
    return user, i + 2


# --- list --------------------------------------------------------------------------------------


def _list(ctx: Context, rest: list[str]) -> int:
    if not rest:
        ctx.err("Error: didn't specify type of data to list")
        return 1 if ctx.sdk < 24 else 255
    what = rest[0]
    if what in ("packages", "package"):
        return _list_packages(ctx, rest[1:])
    if what == "users":
        list_users(ctx, verbose=False)
        return 0
    ctx.err(f"Error: unknown list type '{what}'")
    return 1 if ctx.sdk < 24 else 255


def _list_packages(ctx: Context, rest: list[str]) -> int:
    show_source = show_installer = show_uid = show_version = include_uninstalled = False
    only_disabled = only_enabled = only_system = only_third = False
    user: int | None = None
    uid_filter: int | None = None
    filt: str | None = None
    i = 0
    known_since = {"-U": 26, "--uid": 26, "--show-versioncode": 28, "-a": 29, "--apex-only": 29}
    while i < len(rest):
        opt = rest[i]
        if not opt.startswith("-"):
            filt = opt
            i += 1
            continue
        if ctx.sdk < known_since.get(opt, 0):
            return _unknown_option(ctx, opt)
        if opt == "--user":
            user, i = _take_user(ctx, rest, i)
            continue
        if opt == "--uid":
            if i + 1 >= len(rest) or not rest[i + 1].isdigit():
                ctx.err("Error: --uid needs a number")
                return 255
            uid_filter = int(rest[i + 1])
            i += 2
            continue
        flags = {
            "-f": "source", "-i": "installer", "-U": "uid", "--show-versioncode": "version", "-u": "uninstalled",
            "-d": "disabled", "-e": "enabled", "-s": "system", "-3": "third", "-l": "", "-a": "", "--apex-only": "",
        }
        if opt not in flags:
            return _unknown_option(ctx, opt)
        what = flags[opt]
        show_source |= what == "source"
        show_installer |= what == "installer"
        show_uid |= what == "uid"
        show_version |= what == "version"
        include_uninstalled |= what == "uninstalled"
        only_disabled |= what == "disabled"
        only_enabled |= what == "enabled"
        only_system |= what == "system"
        only_third |= what == "third"
        i += 1

    all_users = ctx.user_ids()
    if user is None:
        targets = all_users if ctx.sdk >= 35 else [0]
    elif user == -1:
        targets = all_users
    else:
        targets = [user] if user in all_users else []

    rows = ctx.conn.execute(
        "SELECT p.name, p.app_id, p.version_code, p.system, p.installer, p.code_path, pu.user_id, pu.installed,"
        " pu.enabled, pu.stopped FROM packages p JOIN package_users pu ON pu.package = p.name"
    ).fetchall()
    found: dict[str, dict[str, object]] = {}
    uids: dict[str, list[int]] = {}
    for name, app_id, version_code, system, installer, code_path, uid, installed, enabled, stopped in rows:
        if uid not in targets or not (installed or include_uninstalled):
            continue
        if only_disabled and enabled not in (2, 3, 4):
            continue
        if only_enabled and enabled not in (0, 1):
            continue
        if (only_system and not system) or (only_third and system):
            continue
        if filt is not None and filt not in name:
            continue
        if uid_filter is not None and uid_of(uid, app_id) != uid_filter and app_id != uid_filter:
            continue
        found.setdefault(
            name,
            {"version": version_code, "installer": installer, "apk": _apk(str(code_path), bool(system)),
             "stopped": bool(stopped)},
        )
        uids.setdefault(name, []).append(uid_of(uid, app_id))
    names = list(found)
    merged = ctx.sdk >= 35 and len(targets) > 1
    order = hashmap_order(sorted(names)) if merged else sorted(names, key=java_string_hash)
    for name in order:
        info = found[name]
        line = "package:"
        if show_source:
            line += f"{info['apk']}="
        line += name
        if show_version:
            line += f" versionCode:{info['version']}"
        if show_installer:
            line += f"  installer={info['installer']}"
        if show_uid:
            line += " uid:" + ",".join(str(u) for u in sorted(uids[name]))
        ctx.out(line)
    return 0


def _apk(code_path: str, system: bool) -> str:
    if code_path.endswith(".apk"):
        return code_path
    if system:
        return f"{code_path}/{code_path.rsplit('/', 1)[-1]}.apk"
    return f"{code_path}/base.apk"


def _path(ctx: Context, rest: list[str]) -> int:
    user = 0
    if len(rest) >= 2 and rest[0] == "--user":
        parsed, _ = _take_user(ctx, rest, 0)
        user = parsed if parsed is not None and parsed >= 0 else 0
        rest = rest[2:]
    if not rest:
        ctx.err("Error: no package specified")
        return 1 if ctx.sdk < 24 else 255
    row = ctx.package_row(rest[0])
    if row is None or not ctx.installed(rest[0], user):
        return 1 if ctx.sdk < 24 else 255
    ctx.out(f"package:{_apk(str(row['code_path']), bool(row['system']))}")
    return 0


# --- permissions ---------------------------------------------------------------------------------


def _target(ctx: Context, rest: list[str], need: int) -> tuple[int, list[str]]:
    user = 0
    args: list[str] = []
    i = 0
    while i < len(rest):
        if rest[i] == "--user":
            parsed, i = _take_user(ctx, rest, i)
            user = 0 if parsed is None or parsed < 0 else parsed
            continue
        args.append(rest[i])
        i += 1
    if len(args) < need:
        raise ShellError("java.lang.IllegalArgumentException", "no package or permission specified")
    return user, args


def _check(ctx: Context, package: str, permission: str, user: int) -> tuple[str, int, int]:
    """Resolve a grant/revoke target; returns (owner, granted, flags) or raises like the PMS."""
    if ctx.package_row(package) is None or not ctx.installed(package, user) or user not in ctx.user_ids():
        raise ShellError("java.lang.IllegalArgumentException", f"Unknown package: {package}")
    requested = ctx.conn.execute(
        "SELECT 1 FROM requested WHERE package = ? AND permission = ?", (package, permission)
    ).fetchone()
    owner = owner_of(ctx.conn, package)
    state = ctx.conn.execute(
        "SELECT granted, flags FROM runtime_perms WHERE owner = ? AND user_id = ? AND permission = ?",
        (owner, user, permission),
    ).fetchone()
    install = ctx.conn.execute(
        "SELECT 1 FROM install_perms WHERE owner = ? AND permission = ?", (owner, permission)
    ).fetchone()
    if state is None and install is None and requested is None:
        if permission.removeprefix(PERMISSION_PREFIX) not in RUNTIME_SINCE:
            raise ShellError("java.lang.IllegalArgumentException", f"Unknown permission: {permission}")
        raise ShellError(
            "java.lang.SecurityException", f"Package {package} has not requested permission {permission}"
        )
    if state is None:
        raise ShellError(
            "java.lang.SecurityException",
            f"Permission {permission} requested by {package} is not a changeable permission type",
        )
    return owner, int(state[0]), int(state[1])


def _grant_revoke(ctx: Context, verb: str, rest: list[str]) -> int:
    user, args = _target(ctx, rest, 2)
    package, permission = args[0], args[1]
    owner, _granted, flags = _check(ctx, package, permission, user)
    if flags & PERMISSION_FLAGS["SYSTEM_FIXED"]:
        raise ShellError("java.lang.SecurityException", f"Cannot {verb} system fixed permission {permission} for package {package}")
    if flags & PERMISSION_FLAGS["POLICY_FIXED"]:
        raise ShellError("java.lang.SecurityException", f"Cannot {verb} policy fixed permission {permission} for package {package}")
    with ctx.conn:
        ctx.conn.execute(
            "UPDATE runtime_perms SET granted = ? WHERE owner = ? AND user_id = ? AND permission = ?",
            (1 if verb == "grant" else 0, owner, user, permission),
        )
        after_grant_change(ctx.conn, ctx.sdk, package, user, permission)
    return 0


def _permission_flags(ctx: Context, verb: str, rest: list[str]) -> int:
    user, args = _target(ctx, rest, 2)
    package, permission, names = args[0], args[1], args[2:]
    mask = 0
    for name in names:
        if name not in SHELL_FLAGS:
            ctx.err(f"Unknown permission flag: {name}")
            return 1
        mask |= PERMISSION_FLAGS[SHELL_FLAGS[name]]
    owner, _granted, flags = _check(ctx, package, permission, user)
    new = flags | mask if verb == "set-permission-flags" else flags & ~mask
    with ctx.conn:
        ctx.conn.execute(
            "UPDATE runtime_perms SET flags = ? WHERE owner = ? AND user_id = ? AND permission = ?",
            (new, owner, user, permission),
        )
    return 0
