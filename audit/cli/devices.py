"""`contact-audit devices`: what the adb server sees, before anything is audited."""

from __future__ import annotations

import typer

from audit.cli.common import AdbPort, app, err, guard

READY = "ready to audit"


@app.command()
def devices(adb_port: AdbPort = None) -> None:
    """List every phone the adb server sees, in every state, with a hint for each.

    Models are read from the phones that are ready, spelt as scan reports them.
    """
    from tabulate import tabulate

    from audit.adb import AdbHost, phone_models
    from audit.textsafe import clean

    def body() -> None:
        host = AdbHost.connect(adb_port)
        if host.started_server:
            err.print(f"[dim]no adb server was running on port {host.port}: started one; it keeps running in the "
                      f"background (`adb -P {host.port} kill-server` stops it)[/dim]")
        attached = host.devices()
        models = phone_models(host, [d.serial for d in attached if d.status is None])
        rows = [[clean(d.serial), clean(d.state), clean(models.get(d.serial) or d.model or ""),
                 d.hint if d.status is not None else READY] for d in attached]
        if not rows:
            err.print("No phones attached. Plug one in (USB debugging on) or `adb connect HOST:PORT`.")
            return
        typer.echo(tabulate(rows, headers=["serial", "state", "model", "hint"], tablefmt="simple"))

    guard(body)
