"""``content query --uri content://com.android.contacts/... [--user N] [--projection a:b]
[--where SQL] [--sort SQL]``.

Rows print as Content.java does: ``Row: <n> col=value, col=value`` with no quoting, ``NULL`` for
nulls, ``No result found.`` when empty. Errors go to stderr as ``Error while accessing
provider:<authority>`` plus a Java stack trace; AOSP's tool exits 0 even then (the profile's
``content_error_status`` lets a phone differ). A user that does not exist, is stopped, or whose
credential-encrypted storage is locked (a closed Secure Folder) has no contacts provider.

``--where``/``--sort`` run as SQL, as on the phone, against a read-only connection whose
authorizer only lets them read this user's contacts tables.
"""

from __future__ import annotations

import sqlite3

from .context import Context, java_trace, parse_user
from .schema import URI_VIEWS, reader_authorizer

AUTHORITY = "com.android.contacts"
_CONTENT_FRAMES = (
    "com.android.commands.content.Content$Command.execute(Content.java:522)",
    "com.android.commands.content.Content.main(Content.java:735)",
    "com.android.internal.os.RuntimeInit.nativeFinishInit(Native Method)",
    "com.android.internal.os.RuntimeInit.main(RuntimeInit.java:355)",
)
_PROVIDER_FRAMES = (
    "android.database.DatabaseUtils.readExceptionFromParcel(DatabaseUtils.java:183)",
    "android.database.DatabaseUtils.readExceptionFromParcel(DatabaseUtils.java:153)",
    "android.content.ContentProviderProxy.query(ContentProviderNative.java:472)",
    "com.android.commands.content.Content$QueryCommand.onExecute(Content.java:619)",
    *_CONTENT_FRAMES,
)


class ProviderError(Exception):
    def __init__(self, authority: str, java_class: str, message: str, frames: tuple[str, ...]) -> None:
        super().__init__(message)
        self.authority = authority
        self.java_class = java_class
        self.message = message
        self.frames = frames


def run(ctx: Context, args: list[str]) -> int:
    if not args or args[0] != "query":
        if args and args[0] in ("insert", "update", "delete", "call", "read", "write", "gettype"):
            ctx.err(f"[ERROR] Unsupported operation on this simulated phone: {args[0]}")
        else:
            ctx.err("usage: adb shell content [subcommand] [options]")
            ctx.err("")
            ctx.err("usage: adb shell content query --uri <URI> [--user <USER_ID>] [--projection <PROJECTION>]")
            ctx.err("                [--where <WHERE>] [--sort <SORT_ORDER>]")
        return 0
    options: dict[str, str] = {}
    i = 1
    while i < len(args):
        key = args[i]
        if key in ("--uri", "--user", "--projection", "--where", "--sort", "--extra") and i + 1 < len(args):
            options[key] = args[i + 1]
            i += 2
            continue
        ctx.err(f"[ERROR] Unsupported argument: {key}")
        return 0
    uri = options.get("--uri")
    if uri is None:
        ctx.err("[ERROR] Content provider URI not specified. Did you specify --uri argument?")
        return 0
    user = parse_user(options.get("--user", "0"), ctx.current_user)
    if user is None:
        ctx.err(f"[ERROR] Invalid user: {options['--user']}")
        return 0
    try:
        _query(ctx, uri, user, options)
    except ProviderError as exc:
        ctx.err(f"Error while accessing provider:{exc.authority}")
        ctx.err(f"{exc.java_class}: {exc.message}")
        for line in java_trace(exc.frames):
            ctx.err(line)
        return int(ctx.meta.get("content_error_status", "0") or 0)
    return 0


def _query(ctx: Context, uri: str, user: int, options: dict[str, str]) -> None:
    if not uri.startswith("content://"):
        raise ProviderError(uri, "java.lang.IllegalStateException", f"Could not find provider: {uri}", _CONTENT_FRAMES)
    rest = uri[len("content://"):]
    authority, _, path = rest.partition("/")
    path = path.split("?", 1)[0].strip("/")
    row = ctx.user_row(user)
    if authority != AUTHORITY or row is None or not row[3] or row[4]:
        raise ProviderError(
            authority, "java.lang.IllegalStateException", f"Could not find provider: {authority}", _CONTENT_FRAMES
        )
    view = URI_VIEWS.get(path)
    if view is None:
        raise ProviderError(authority, "java.lang.IllegalArgumentException", f"Unknown URL {uri}", _PROVIDER_FRAMES)
    table = f"u{user}_{view}"
    conn = sqlite3.connect(f"file:{ctx.db_path}?mode=ro", uri=True, timeout=30.0)
    try:
        columns = [d[0] for d in conn.execute(f'SELECT * FROM "{table}" LIMIT 0').description]  # noqa: S608
        projection = options["--projection"].split(":") if "--projection" in options else columns
        for name in projection:
            if name not in columns:
                raise ProviderError(
                    authority, "java.lang.IllegalArgumentException", f"Invalid column {name}", _PROVIDER_FRAMES
                )
        # The phone runs the caller's selection as SQL too; the authorizer confines it (see schema).
        sql = "SELECT " + ", ".join(f'"{c}"' for c in projection) + f' FROM "{table}"'  # noqa: S608
        if options.get("--where"):
            sql += f" WHERE ({options['--where']})"
        if options.get("--sort"):
            sql += f" ORDER BY {options['--sort']}"
        conn.set_authorizer(reader_authorizer(user))
        try:
            cursor = conn.execute(sql)
            rows = cursor.fetchall()
        except sqlite3.Error as exc:
            shown = sql.replace(f'"{table}"', view).replace('"', "")
            code = "23 SQLITE_AUTH" if "prohibited" in str(exc) or "authoriz" in str(exc) else "1 SQLITE_ERROR"
            raise ProviderError(
                authority,
                "android.database.sqlite.SQLiteException",
                f"{exc} (code {code}): , while compiling: {shown}",
                _PROVIDER_FRAMES,
            ) from None
    finally:
        conn.close()
    if not rows:
        ctx.out("No result found.")
        return
    truncate_ints = ctx.sdk < 29  # older Content.java read integers with getInt()
    for index, values in enumerate(rows):
        parts = []
        for name, value in zip(projection, values, strict=True):
            parts.append(f"{name}={_render(value, truncate_ints)}")
        ctx.out(f"Row: {index} " + ", ".join(parts))


def _render(value: object, truncate_ints: bool) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        if truncate_ints:
            value &= 0xFFFFFFFF
            if value & 0x80000000:
                value -= 1 << 32
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bytes):
        return "BLOB"
    return str(value)
