"""The command line: wiring only. Every stage lives in its own module, and so does every command.

Stdout carries only the report (so it can be piped); progress and errors go to stderr.
Every failure the user can cause ends in one line on stderr and an exit code, never a traceback.

One module per command group; importing them registers their commands on ``app``, in the order
``--help`` lists them (the order a new user needs them).
"""

from __future__ import annotations

from importlib import import_module

from audit.cli.common import app
from audit.cli.main import main

for _module in ("devices", "scan", "collect", "station", "history", "report", "fix", "mdm", "policy", "simulate"):
    import_module(f"audit.cli.{_module}")

__all__ = ["app", "main"]
