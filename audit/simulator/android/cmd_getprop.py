"""``getprop``: all properties as ``[key]: [value]``, or one value (empty line when unset)."""

from __future__ import annotations

from .context import Context


def run(ctx: Context, args: list[str]) -> int:
    props = dict(ctx.conn.execute("SELECT key, value FROM props ORDER BY key").fetchall())
    if not args:
        ctx.out_lines(f"[{key}]: [{value}]" for key, value in props.items())
        return 0
    if len(args) > 2:
        ctx.err("usage: getprop [NAME [DEFAULT]]")
        return 1
    default = args[1] if len(args) == 2 else ""
    ctx.out(props.get(args[0], default))
    return 0
