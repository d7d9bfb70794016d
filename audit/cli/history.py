"""`contact-audit history`: what past scans and station audits found."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from audit.cli.common import EXIT_OK, HistoryOpt, app, err, guard


@app.command("history")
def history_command(
    history: HistoryOpt = None,
    serial: Annotated[
        str | None, typer.Option("--serial", "-s", help="Show one phone's audits over time instead of the scans.")
    ] = None,
) -> None:
    """List past scans (or one phone's audits) from the history directory."""
    from audit.history import default_dir, load, render

    def body() -> int:
        records, problems = load(history or default_dir())
        for problem in problems:
            err.print(f"[yellow]skipped[/yellow] {escape(problem)}")
        if not records:
            err.print("the history is empty (scan with --history, or run `contact-audit station`)")
            return EXIT_OK
        typer.echo(render(records, serial))
        return EXIT_OK

    raise typer.Exit(guard(body))
