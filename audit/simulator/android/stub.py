"""Entry point of every Android command stub on a simulated phone.

The phone's bin directory holds symlinks (``pm``, ``dumpsys``, ...) to one small script that
calls ``main`` with its own argv; the command is the name it was started under. Faults from the
profile apply here: every call first sleeps ``latency_ms``, and the command named by
``garbage_command`` prints deterministic garbage instead of its output.
"""

from __future__ import annotations

import importlib
import os
import signal
import time

from .context import Context

COMMANDS = {
    "getprop": "cmd_getprop",
    "pm": "cmd_pm",
    "cmd": "cmd_cmd",
    "dumpsys": "cmd_dumpsys",
    "appops": "cmd_appops",
    "content": "cmd_content",
    "settings": "cmd_settings",
    "id": "cmd_id",
    "whoami": "cmd_id",
}


def main(argv: list[str], db_path: str) -> int:
    # Like a native process: a closed pipe (`dumpsys package x | head -1`) ends us quietly.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    name = os.path.basename(argv[0])
    ctx = Context(db_path, name)
    latency = int(ctx.meta.get("latency_ms", "0") or 0)
    if latency > 0:
        time.sleep(latency / 1000.0)
    if ctx.meta.get("garbage_command") == name:
        from .garbage import run as garbage

        garbage(ctx, name, argv[1:])
        ctx.flush()
        return 0
    module = COMMANDS.get(name)
    if module is None:
        ctx.err(f"/system/bin/sh: {name}: inaccessible or not found")
        ctx.flush()
        return 127
    handler = importlib.import_module(f"{__package__}.{module}")
    try:
        status = int(handler.run(ctx, argv[1:]))
    except Exception as exc:  # a bug in the simulator must show, but as one line, like a phone
        ctx.err(f"simulator: {name}: internal error: {type(exc).__name__}: {exc}")
        status = 1
    ctx.flush()
    return status
