"""`contact-audit station`: plug-and-audit, one line per phone as it finishes."""

from __future__ import annotations

import threading
from typing import Annotated

import typer
from rich.markup import escape

from audit.cli.common import EXIT_OK, AdbPort, HistoryOpt, Lang, LangOpt, PolicyOpt, TimeoutOpt, app, err, guard
from audit.cli.interrupt import stop_on_signals


@app.command()
def station(
    policy: PolicyOpt = None,
    history: HistoryOpt = None,
    no_history: Annotated[bool, typer.Option("--no-history", help="Do not record the results.")] = False,
    name: Annotated[
        str | None, typer.Option("--station", envvar="CONTACT_AUDIT_STATION", metavar="NAME", help="Station name (default: host name).")
    ] = None,
    lang: LangOpt = Lang.en,
    timeout: TimeoutOpt = 60.0,
    adb_port: AdbPort = None,
) -> None:
    """Plug-and-audit: audit every phone as it is plugged in, until Ctrl-C or SIGTERM.

    Prints one line per phone on stdout when its audit finishes (replug a phone to audit it
    again), and records each phone's report in the history (JSON, counts only) unless
    --no-history. Phones that cannot be audited get one line with the hint, once per state.
    When the adb server dies the station says so and restarts it if it started it itself (else
    waits for it); phones that stay attached are not audited again. On Ctrl-C, phones still
    running are listed as interrupted; a second Ctrl-C quits at once.
    """
    import socket as _socket
    from datetime import datetime

    from audit import __version__ as version
    from audit.adb import AdbHost
    from audit.history import default_dir, record
    from audit.messages import render
    from audit.policy import load_policy
    from audit.results import DeviceResult, DeviceStatus, ScanReport
    from audit.scan import new_scan_id, utc_now
    from audit.station import run_station
    from audit.textsafe import clean

    def body() -> int:
        pol = load_policy(policy)
        host = AdbHost.connect(adb_port)
        folder = None if no_history else (history or default_dir())
        station_name = name or _socket.gethostname()
        stop = threading.Event()
        counts = {"phones": 0, "audited": 0}

        def line(result: DeviceResult) -> None:
            # Record first, then announce: once a line is on screen its history entry exists.
            if folder is not None and result.status not in (DeviceStatus.UNAUTHORIZED, DeviceStatus.INTERRUPTED):
                record(ScanReport(new_scan_id(), utc_now(), station_name, version, pol.name, pol.sha256, (result,)), folder)
            counts["phones"] += 1
            when = datetime.now().strftime("%H:%M:%S")
            serial = clean(result.serial)
            if result.status is DeviceStatus.AUDITED:
                counts["audited"] += 1
                model = clean(result.snapshot.info.model or "") if result.snapshot else ""
                worst = max(result.verdicts, key=lambda v: v.severity.rank, default=None)
                text = f"{worst.severity.value.upper()}: {render(worst.finding, lang.value)}" if worst else "no verdict"
                typer.echo(f"{when}  {serial}  {model}: {text}")
            else:
                typer.echo(f"{when}  {serial}: not audited ({result.status.value}): {clean(result.error or '', 300)}")

        if host.started_server:
            err.print(f"[dim]started an adb server on port {host.port}; it keeps running after the station "
                      "(`adb kill-server` stops it)[/dim]")
        err.print("station ready: plug in phones (USB debugging on); Ctrl-C to stop")
        with stop_on_signals(stop, "stopping: phones still running get up to 2 s, then are reported as interrupted"):
            run_station(host, pol, line, stop, timeout=timeout,
                        on_started=lambda s: err.print(f"[dim]auditing {escape(clean(s))}...[/dim]"),
                        on_notice=lambda text: err.print(f"[yellow]station: {escape(text)}[/yellow]"))
        where = f"; history: {folder}" if folder is not None else ""
        err.print(f"station stopped: {counts['audited']} audit(s) done, {counts['phones']} result(s){escape(where)}")
        return EXIT_OK

    raise typer.Exit(guard(body))
