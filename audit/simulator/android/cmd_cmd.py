"""``cmd SERVICE ...`` (Android 7+): the binder shell commands the ``pm``/``appops`` tools wrap."""

from __future__ import annotations

from .context import Context

SERVICES = ("activity", "appops", "package", "settings", "user")


def run(ctx: Context, args: list[str]) -> int:
    if not args:
        ctx.err("cmd: No service specified; use -l to list all services")
        return 20
    service, rest = args[0], args[1:]
    if service == "-l":
        ctx.out("Currently running services:")
        for name in SERVICES:
            ctx.out(f"  {name}")
        return 0
    if service == "package":
        from . import cmd_pm

        return cmd_pm.run(ctx, rest)
    if service == "user":
        from .users import run_user_command

        return run_user_command(ctx, rest)
    if service == "appops" and ctx.sdk >= 26:
        from . import cmd_appops

        return cmd_appops.run(ctx, rest)
    if service == "settings" and ctx.sdk >= 26:
        from . import cmd_settings

        return cmd_settings.run(ctx, rest)
    ctx.err(f"cmd: Can't find service: {service}")
    return 20
