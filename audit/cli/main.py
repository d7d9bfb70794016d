"""The entry point: usage errors and surprises become one line, never a traceback."""

from __future__ import annotations

import os
import sys

from rich.markup import escape

from audit.cli.common import EXIT_OK, EXIT_USAGE, app, err, one_line
from audit.errors import AuditError


def main() -> None:
    """Entry point. Usage errors are one line (not typer's boxed usage panel) and exit 2; anything
    unexpected is one line too, never a traceback."""
    try:
        result = app(standalone_mode=False)
    except KeyboardInterrupt:
        err.print("contact-audit: interrupted")
        sys.exit(130)
    except AuditError as exc:
        err.print(f"contact-audit: error: {escape(one_line(str(exc)))}")
        sys.exit(EXIT_USAGE)
    except Exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `contact-audit` alone: show the help
            exc.show()  # type: ignore[attr-defined]
            sys.exit(EXIT_USAGE)
        if hasattr(exc, "format_message") and getattr(exc, "exit_code", None) == EXIT_USAGE:
            ctx = getattr(exc, "ctx", None)
            where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            err.print(f"contact-audit: error: {escape(one_line(exc.format_message()))}{where}")
            sys.exit(EXIT_USAGE)
        if type(exc).__name__ == "Abort":
            err.print("contact-audit: interrupted")
            sys.exit(130)
        if os.environ.get("CONTACT_AUDIT_DEBUG"):
            raise
        # a bug: one line (no message: it could hold device data), details on request
        err.print(f"contact-audit: internal error ({type(exc).__name__}); "
                  "set CONTACT_AUDIT_DEBUG=1 to see the traceback, and please report it")
        sys.exit(EXIT_USAGE)
    sys.exit(result if isinstance(result, int) else EXIT_OK)
