"""`contact-audit simulate`: simulated phones for trials without hardware."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from audit.cli.common import AdbPort, app, guard
from audit.simulator.profile import bundled_profiles

_BUNDLED = ", ".join(p.stem for p in bundled_profiles())


@app.command(help=f"""Start simulated phones, connect them to the adb server, run until Ctrl-C.

Each PROFILE is a TOML file (docs/simulator.md) or the name of a bundled profile: {_BUNDLED}.
""")
def simulate(
    profiles: Annotated[
        list[Path],
        typer.Argument(metavar="PROFILE", help="Phone profiles (TOML files) or names of bundled ones (listed above)."),
    ],
    adb_port: AdbPort = None,
) -> None:
    from audit.simulator.runner import simulate_main

    raise typer.Exit(guard(lambda: simulate_main(profiles, adb_port)))
