"""`contact-audit devices`: what the adb server sees, before anything is audited."""

from __future__ import annotations

import typer

from audit.cli.common import AdbPort, app, err, guard


@app.command()
def devices(adb_port: AdbPort = None) -> None:
    """List every phone the adb server sees, in every state, with a hint for each problem."""
    from tabulate import tabulate

    from audit.adb import AdbHost
    from audit.textsafe import clean

    def body() -> None:
        host = AdbHost.connect(adb_port)
        rows = [[clean(d.serial), clean(d.state), clean(d.model or ""), d.hint] for d in host.devices()]
        if not rows:
            err.print("No phones attached. Plug one in (USB debugging on) or `adb connect HOST:PORT`.")
            return
        typer.echo(tabulate(rows, headers=["serial", "state", "model", "hint"], tablefmt="simple"))

    guard(body)
