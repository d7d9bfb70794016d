"""The command line: wiring only. Every stage lives in its own module.

Stdout carries only the report (so it can be piped); progress and errors go to stderr.
Every failure the user can cause ends in one line on stderr and an exit code, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audit import __version__

app = typer.Typer(
    name="contact-audit",
    help="Audit Android phones over ADB: can WhatsApp upload third parties' phone numbers?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
    """contact-audit: one command, with evidence, for one phone or hundreds."""


@app.command()
def simulate(
    profiles: Annotated[list[Path], typer.Argument(help="Phone profiles (TOML) or names of bundled ones.")],
    adb_port: Annotated[
        int | None,
        typer.Option("--adb-port", envvar="CONTACT_AUDIT_ADB_PORT", help="adb server port (default 5037)."),
    ] = None,
) -> None:
    """Start simulated phones, connect them to the adb server, run until Ctrl-C."""
    from audit.simulator.runner import simulate_main

    raise typer.Exit(simulate_main(profiles, adb_port))


def main() -> None:
    app()
