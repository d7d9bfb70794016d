"""`contact-audit simulate`: simulated phones for trials without hardware."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audit.cli.common import AdbPort, app, guard


@app.command()
def simulate(
    profiles: Annotated[list[Path], typer.Argument(help="Phone profiles (TOML) or names of bundled ones.")],
    adb_port: AdbPort = None,
) -> None:
    """Start simulated phones, connect them to the adb server, run until Ctrl-C."""
    from audit.simulator.runner import simulate_main

    raise typer.Exit(guard(lambda: simulate_main(profiles, adb_port)))
