"""``settings [--user N] get|put|delete|list system|secure|global [KEY] [VALUE]``.

Global settings are stored under user 0, as on a phone. ``get`` prints ``null`` for a key that
was never set; a user that does not exist is an error.
"""

from __future__ import annotations

from .context import Context, java_trace, parse_user

NAMESPACES = ("system", "secure", "global")


def run(ctx: Context, args: list[str]) -> int:
    user = ctx.current_user
    if len(args) >= 2 and args[0] == "--user":
        parsed = parse_user(args[1], ctx.current_user)
        if parsed is None:
            return _usage(ctx, f"Invalid user: {args[1]}")
        user = parsed
        args = args[2:]
    if len(args) < 2 or args[0] not in ("get", "put", "delete", "list") or args[1] not in NAMESPACES:
        return _usage(ctx, "Invalid command" if args else "No command specified")
    verb, namespace, rest = args[0], args[1], args[2:]
    if ctx.user_row(user) is None:
        ctx.err(f"Exception occurred while executing '{verb}':" if ctx.sdk >= 31 else "Exception occurred while executing:")
        ctx.err(f"java.lang.IllegalArgumentException: User {user} does not exist")
        for line in java_trace(
            (
                "com.android.providers.settings.SettingsProvider.enforceUserExists(SettingsProvider.java:1893)",
                "com.android.providers.settings.SettingsProvider.call(SettingsProvider.java:364)",
                "android.content.ContentProvider.call(ContentProvider.java:2448)",
            )
        ):
            ctx.err(line)
        return 255 if ctx.sdk >= 24 else 1
    scope = 0 if namespace == "global" else user
    if verb == "get":
        if not rest:
            return _usage(ctx, "No key specified")
        row = ctx.conn.execute(
            "SELECT value FROM settings WHERE user_id = ? AND namespace = ? AND key = ?", (scope, namespace, rest[0])
        ).fetchone()
        ctx.out("null" if row is None or row[0] is None else str(row[0]))
        return 0
    if verb == "put":
        if len(rest) < 2:
            return _usage(ctx, "No value specified")
        with ctx.conn:
            ctx.conn.execute(
                "INSERT INTO settings (user_id, namespace, key, value) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id, namespace, key) DO UPDATE SET value = excluded.value",
                (scope, namespace, rest[0], rest[1]),
            )
        return 0
    if verb == "delete":
        if not rest:
            return _usage(ctx, "No key specified")
        with ctx.conn:
            count = ctx.conn.execute(
                "DELETE FROM settings WHERE user_id = ? AND namespace = ? AND key = ?", (scope, namespace, rest[0])
            ).rowcount
        ctx.out(f"Deleted {count} rows")
        return 0
    for key, value in ctx.conn.execute(
        "SELECT key, value FROM settings WHERE user_id = ? AND namespace = ? ORDER BY key", (scope, namespace)
    ).fetchall():
        ctx.out(f"{key}={'null' if value is None else value}")
    return 0


def _usage(ctx: Context, problem: str) -> int:
    ctx.err(f"Invalid arguments: {problem}" if ctx.sdk < 26 else problem)
    ctx.err("usage:  settings [--user <USER_ID> | current] get namespace key")
    ctx.err("        settings [--user <USER_ID> | current] put namespace key value")
    ctx.err("        settings [--user <USER_ID> | current] delete namespace key")
    ctx.err("        settings [--user <USER_ID> | current] list namespace")
    ctx.err("")
    ctx.err("'namespace' is one of {system, secure, global}, case-insensitive")
    return 1 if ctx.sdk < 26 else 255
