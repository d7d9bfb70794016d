"""``pm list users`` and ``cmd user list [-v]``.

The plain form has been the same since Android 6 (Pm.java, then PackageManagerShellCommand,
then UserManagerService's shell from 10 on): ``Users:`` and one ``\\tUserInfo{id:name:hexflags}``
line per user, `` running`` appended for running users. The verbose form (11+) prints one
``N: id=.., name=.., type=.., flags=A|B`` line per user.
"""

from __future__ import annotations

from .context import Context
from .text import user_flags_to_string


def list_users(ctx: Context, verbose: bool) -> None:
    rows = ctx.conn.execute(
        "SELECT id, name, flags, running, type, parent, kind FROM users ORDER BY id"
    ).fetchall()
    if verbose and ctx.sdk >= 30:
        ctx.out(f"{len(rows)} users:")
        ctx.out()
        for index, (uid, name, flags, running, utype, parent, _kind) in enumerate(rows):
            extra = ""
            if parent is not None and uid != parent:
                extra += f" (parentId={parent})"
            if running:
                extra += " (running)"
            if uid == ctx.current_user:
                extra += " (current)"
                if ctx.sdk >= 34:
                    extra += " (visible)"
            ctx.out(f"{index}: id={uid}, name={name}, type={utype}, flags={user_flags_to_string(flags)}{extra}")
        return
    ctx.out("Users:")
    for uid, name, flags, running, _utype, _parent, _kind in rows:
        ctx.out(f"\tUserInfo{{{uid}:{name}:{flags:x}}}" + (" running" if running else ""))


def run_user_command(ctx: Context, args: list[str]) -> int:
    """``cmd user ...`` (UserManagerService shell)."""
    if not args or args[0] in ("help", "-h"):
        ctx.out("User manager (user) commands:")
        ctx.out("  help")
        ctx.out("    Prints this help text.")
        ctx.out("")
        ctx.out("  list [-v] [-all]")
        ctx.out("    Prints all users on the system.")
        return 0
    if args[0] == "list":
        list_users(ctx, verbose="-v" in args[1:] or "--verbose" in args[1:])
        return 0
    if args[0] == "get-main-user" and ctx.sdk >= 34:
        ctx.out("0")
        return 0
    ctx.err(f"Unknown command: {args[0]}")
    return 255
