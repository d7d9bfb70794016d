"""What every command shares: the typer app, the stderr console, option types and error wiring."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import typer.core
from rich.console import Console
from rich.markup import escape

from audit import __version__
from audit.errors import AuditError, DeviceError
from audit.textsafe import clean

T = TypeVar("T")

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_NOT_AUDITED = 0, 1, 2, 3

app = typer.Typer(
    name="contact-audit",
    help="Audit Android phones over ADB: can WhatsApp upload third parties' phone numbers?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
policy_app = typer.Typer(help="Write or check a policy file.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _readable_types() -> None:
    """``--help`` shows a value's metavar (SERIAL, FILE, PORT) and nothing for a flag.

    typer 0.2x prints Python types instead (``<list[str]>``, ``<bool>`` after every flag, even
    ``--help``): an option with a metavar shows it, one without shows its name in capitals
    (``--serial`` -> SERIAL), choices stay ``<a|b>``, and flags get an empty column.
    """
    for name in ("TyperOption", "TyperArgument"):
        kind = getattr(typer.core, name, None)
        shown = getattr(kind, "display_type_rich", None)
        if kind is None or shown is None or getattr(shown, "_contact_audit", False):
            continue
        kind.display_type_rich = _without_types(shown, argument=name == "TyperArgument")


def _without_types(shown: Callable[[Any, Any], str | None], *, argument: bool) -> Callable[[Any, Any], str | None]:
    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if argument and getattr(self, "metavar", None):
            return None  # the metavar already names it in the first column
        if getattr(self, "is_flag", False) and not getattr(self, "metavar", None):
            return None
        label = shown(self, ctx)
        if label and label.startswith("<") and "|" not in label and getattr(self, "name", None):
            return str(self.name).upper()  # <str>, <path>, <list[str]>: the option's own name says more
        return label

    display_type_rich._contact_audit = True  # type: ignore[attr-defined]
    return display_type_rich


_readable_types()


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    html = "html"


class Lang(str, Enum):
    en = "en"
    de = "de"


class FailOn(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    ok = "ok"
    never = "never"


def one_line(text: str) -> str:
    """Any message as one terminal-safe line: device text can reach errors (a FAIL reason, a
    serial), so control characters and bidi overrides are cleaned, not only line breaks."""
    return clean(" ".join(str(text).split()), 500)


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print one line on stderr and return the Exit to raise."""
    err.print(f"contact-audit: error: {escape(one_line(message))}")
    return typer.Exit(code)


def guard(func: Callable[[], T]) -> T:
    """Run a command body; known errors become one line on stderr: exit 3 when a phone could not
    be read (unauthorized, offline, timeout, cut-off output), else 2."""
    try:
        return func()
    except DeviceError as exc:  # the phone, not the operator: same status as an unaudited phone in scan
        # A report has the status in a column of its own; a lone error line names it once.
        state = exc.status.replace("_", " ") if exc.status in ("unauthorized", "offline", "no_permissions") else ""
        raise fail(f"{state}: {exc}" if state else str(exc), EXIT_NOT_AUDITED) from None
    except AuditError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    except OSError as exc:
        raise fail(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "), EXIT_USAGE) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"contact-audit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """contact-audit: does WhatsApp upload third parties' numbers from these phones? One command, with evidence."""


AdbPort = Annotated[
    int | None,
    typer.Option("--adb-port", envvar="CONTACT_AUDIT_ADB_PORT", min=1, max=65535, metavar="PORT",
                 help="adb server port (default: ANDROID_ADB_SERVER_PORT, else 5037)."),
]
PolicyOpt = Annotated[
    Path | None,
    typer.Option("--policy", "-p", envvar="CONTACT_AUDIT_POLICY", metavar="FILE",
                 help="Policy file (TOML). Default: ./contact-audit.toml if present."),
]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", envvar="CONTACT_AUDIT_TIMEOUT", min=1.0, max=3600.0, metavar="SECONDS",
                 help="Wall-clock limit per phone, in seconds."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", envvar="CONTACT_AUDIT_FORMAT", help="Report format.")]
LangOpt = Annotated[Lang, typer.Option("--lang", envvar="CONTACT_AUDIT_LANG",
                                       help="Language of the report and of the lines printed (en, de); "
                                            "CSV/JSON keys stay English.")]
HistoryOpt = Annotated[
    str | None,
    typer.Option("--history", envvar="CONTACT_AUDIT_HISTORY", metavar="PATH|URL",
                 help="The history: an SQLite file, sqlite:///PATH or postgresql://USER@HOST/DB "
                      "(default: $XDG_DATA_HOME/contact-audit/history.sqlite3)."),
]
