"""`contact-audit devices`: what the adb server sees, before anything is audited."""

from __future__ import annotations

import typer
from rich.markup import escape

from audit.cli.common import AdbPort, Lang, LangOpt, app, err, guard


@app.command()
def devices(adb_port: AdbPort = None, lang: LangOpt = Lang.en) -> None:
    """List every phone the adb server sees, in every state, with a hint for each.

    Models are read from the phones that are ready, spelt as scan reports them.
    """
    from tabulate import tabulate

    from audit.adb import AdbHost, phone_models, state_hint
    from audit.report.labels import header, text
    from audit.textsafe import clean

    def body() -> None:
        host = AdbHost.connect(adb_port)
        if host.started_server:
            err.print(f"[dim]{escape(text('devices_started_server', lang.value, port=host.port))}[/dim]")
        attached = host.devices()
        models = phone_models(host, [d.serial for d in attached if d.status is None])
        ready = text("devices_ready", lang.value)
        rows = [[clean(d.serial), clean(d.state), clean(models.get(d.serial) or d.model or ""),
                 state_hint(d.status, lang.value) if d.status is not None else ready] for d in attached]
        if not rows:
            err.print(escape(text("devices_none", lang.value)))
            return
        heads = [header(h, lang.value) for h in ("serial", "state", "model", "hint")]
        typer.echo(tabulate(rows, headers=heads, tablefmt="simple"))

    guard(body)
