"""`contact-audit devices`: what the adb server sees, before anything is audited."""

from __future__ import annotations

import typer
from rich.markup import escape

from audit.cli.common import AdbPort, Lang, LangOpt, app, err, guard


@app.command()
def devices(adb_port: AdbPort = None, lang: LangOpt = Lang.en) -> None:
    """List every phone the adb server sees, in every state, with a hint for each problem."""
    from tabulate import tabulate

    from audit.adb import AdbHost, state_hint
    from audit.report.labels import header, text
    from audit.textsafe import clean

    def body() -> None:
        host = AdbHost.connect(adb_port)
        rows = [[clean(d.serial), clean(d.state), clean(d.model or ""), state_hint(d.status, lang.value)]
                for d in host.devices()]
        if not rows:
            err.print(escape(text("devices_none", lang.value)))
            return
        heads = [header(h, lang.value) for h in ("serial", "state", "model", "hint")]
        typer.echo(tabulate(rows, headers=heads, tablefmt="simple"))

    guard(body)
