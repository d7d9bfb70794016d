"""``appops get|set [--user N] [--uid] PACKAGE [OP] [MODE]``.

Android 6/7 run the standalone AppOpsCommand: package ops only, errors on stderr with exit
status 0. Android 8+ run AppOpsService's shell: the package's UID ops come first, the first
of them prefixed once with ``Uid mode: ``, then the package ops; ``No operations.`` is followed
by ``Default mode: ...`` when an op was named; errors exit with status 255. Times are printed
the way TimeUtils.formatDuration does, relative to the phone's (fixed) clock. The profile's
``faults.appops_refused`` makes ``get`` throw a SecurityException (Android 8+ only).
"""

from __future__ import annotations

from .catalog import MODES, OP_ORDER
from .context import Context, java_trace, parse_user
from .perms import uid_modes
from .text import format_duration

# AppOpsManager.opToDefaultMode for the ops whose default is not "allow"
DEFAULT_MODES = {
    "SYSTEM_ALERT_WINDOW": "default", "GET_USAGE_STATS": "default", "WRITE_SETTINGS": "default",
    "REQUEST_INSTALL_PACKAGES": "default", "MANAGE_EXTERNAL_STORAGE": "default", "PROJECT_MEDIA": "ignore",
    "ACTIVATE_VPN": "ignore", "MOCK_LOCATION": "deny", "ACCESS_NOTIFICATIONS": "ignore",
}


def run(ctx: Context, args: list[str]) -> int:
    if not args:
        return _usage(ctx)
    verb, rest = args[0], args[1:]
    if verb not in ("get", "set"):
        if ctx.sdk < 26:
            return _usage(ctx)
        ctx.err(f"Unknown command: {verb}")
        return 255
    user = ctx.current_user
    uid_scope = False
    words: list[str] = []
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--user" and i + 1 < len(rest):
            parsed = parse_user(rest[i + 1], ctx.current_user)
            if parsed is None:
                return _error(ctx, f"Bad user: {rest[i + 1]}")
            user = parsed
            i += 2
            continue
        if arg == "--uid" and ctx.sdk >= 26:
            uid_scope = True
            i += 1
            continue
        if arg.startswith("--") and ctx.sdk >= 26:
            return _error(ctx, f"Unknown option: {arg}")
        words.append(arg)
        i += 1
    need = 1 if verb == "get" else 3
    if len(words) < need:
        return _error(ctx, "No package specified" if not words else "Missing arguments")
    package = words[0]
    op = words[1] if len(words) > 1 else None
    if op is not None and op not in OP_ORDER:
        return _error(ctx, f"Unknown operation string: {op}")
    numeric_uid = package.isdigit() and ctx.sdk >= 26
    if numeric_uid:
        row = ctx.conn.execute("SELECT name FROM packages WHERE app_id = ?", (int(package) % 100_000,)).fetchone()
        user = int(package) // 100_000
        if row is None:
            return _error(ctx, f"No UID for {package} in user {user}")
        package = str(row[0])
    elif ctx.package_row(package) is None or not ctx.installed(package, user):
        return _error(ctx, f"No UID for {package} in user {user}")
    if verb == "get":
        if _refused(ctx, package):
            return _security_exception(ctx, verb)
        return _get(ctx, package, user, op, uid_only=numeric_uid)
    mode = words[2]
    if mode not in MODES and not mode.isdigit():
        return _error(ctx, f"Mode {mode} is not valid")
    assert op is not None
    return _set(ctx, package, user, op, mode, uid_scope or numeric_uid)


def _refused(ctx: Context, package: str) -> bool:
    """The profile's ``faults.appops_refused`` names this package (or ``*``, every package)."""
    refused = ctx.meta.get("appops_refused", "").split()
    return "*" in refused or package in refused


def _security_exception(ctx: Context, verb: str) -> int:
    """How the shell command of AppOpsService reports a refused call, as some OEM builds refuse
    ``get`` to the shell user: BasicShellCommandHandler.exec (ShellCommand before Android 12)
    prints an empty line, ``Exception occurred while executing...`` and the stack trace on
    stderr, and the command ends with status -1 (255). The message is the one
    ContextImpl.enforce builds for a missing permission."""
    ctx.err()
    ctx.err(f"Exception occurred while executing '{verb}':" if ctx.sdk >= 31 else "Exception occurred while executing:")
    ctx.err("java.lang.SecurityException: uid 2000 does not have android.permission.GET_APP_OPS_STATS.")
    for line in java_trace(
        (
            "android.app.ContextImpl.enforce(ContextImpl.java:2240)",
            "android.app.ContextImpl.enforcePermission(ContextImpl.java:2252)",
            "com.android.server.appop.AppOpsService.getOpsForPackage(AppOpsService.java:1534)",
            "com.android.server.appop.AppOpsService$Shell.onCommand(AppOpsService.java:6071)",
            "com.android.modules.utils.BasicShellCommandHandler.exec(BasicShellCommandHandler.java:97)",
            "android.os.ShellCommand.exec(ShellCommand.java:38)",
            "android.os.Binder.shellCommand(Binder.java:1092)",
        )
    ):
        ctx.err(line)
    return 255


def _usage(ctx: Context) -> int:
    ctx.err("usage: appops set [--user <USER_ID>] <PACKAGE> <OP> <MODE>")
    ctx.err("       appops get [--user <USER_ID>] <PACKAGE> [<OP>]")
    ctx.err("       appops reset [--user <USER_ID>] [<PACKAGE>]")
    return 0 if ctx.sdk < 26 else 255


def _error(ctx: Context, message: str) -> int:
    ctx.err(f"Error: {message}")
    return 0 if ctx.sdk < 26 else 255


def _line(op: str, mode: str, access: int | None, reject: int | None, duration: int | None, running: bool) -> str:
    text = f"{op}: {mode}"
    if access is not None:
        text += f"; time={format_duration(access)} ago"
    if reject is not None:
        text += f"; rejectTime={format_duration(reject)} ago"
    if running:
        text += " (running)"
    elif duration:
        text += f"; duration={format_duration(duration)}"
    return text


def _get(ctx: Context, package: str, user: int, op: str | None, uid_only: bool) -> int:
    lines: list[str] = []
    if ctx.sdk >= 26:
        uid_lines = [f"{o}: {m}" for o, m in uid_modes(ctx.conn, ctx.sdk, package, user).items() if op in (None, o)]
        if uid_lines:
            uid_lines[0] = "Uid mode: " + uid_lines[0]
        lines.extend(uid_lines)
    if not uid_only:
        rows = ctx.conn.execute(
            "SELECT op, mode, access_ms, reject_ms, duration_ms, running FROM appops WHERE package = ? AND user_id = ?",
            (package, user),
        ).fetchall()
        rows.sort(key=lambda r: OP_ORDER.get(r[0], 10_000))
        for o, mode, access, reject, duration, running in rows:
            if op in (None, o):
                lines.append(_line(o, mode, access, reject, duration, bool(running)))
    if not lines:
        ctx.out("No operations.")
        if op is not None and ctx.sdk >= 26:
            ctx.out(f"Default mode: {DEFAULT_MODES.get(op, 'allow')}")
        return 0
    ctx.out_lines(lines)
    return 0


def _set(ctx: Context, package: str, user: int, op: str, mode: str, uid_scope: bool) -> int:
    if mode.isdigit():
        mode = {0: "allow", 1: "ignore", 2: "deny", 3: "default", 4: "foreground"}.get(int(mode), "default")
    with ctx.conn:
        if uid_scope:
            row = ctx.conn.execute("SELECT app_id FROM packages WHERE name = ?", (package,)).fetchone()
            ctx.conn.execute(
                "INSERT INTO uid_appops (app_id, user_id, op, mode) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (app_id, user_id, op) DO UPDATE SET mode = excluded.mode",
                (row[0], user, op, mode),
            )
        else:
            ctx.conn.execute(
                "INSERT INTO appops (package, user_id, op, mode) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (package, user_id, op) DO UPDATE SET mode = excluded.mode",
                (package, user, op, mode),
            )
            ctx.conn.execute(
                "DELETE FROM appops WHERE package = ? AND user_id = ? AND op = ? AND mode = 'default'"
                " AND access_ms IS NULL AND reject_ms IS NULL",
                (package, user, op),
            )
    return 0
