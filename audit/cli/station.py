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
    again), and records each audit in the history (counts only) unless --no-history. A
    --history that cannot be used is refused at start; one that fails later costs a warning
    per audit, and the station goes on. Phones that cannot be audited get one line with the
    hint, once per state. When the adb server dies the station says so and restarts it if it
    started it itself (else waits for it); phones that stay attached are not audited again. On
    Ctrl-C or SIGTERM, phones still running are listed as interrupted; a second Ctrl-C quits at
    once.
    """
    import socket as _socket
    from datetime import datetime

    from audit import __version__ as version
    from audit.adb import AdbHost
    from audit.cli.history import open_recorder, record_or_warn
    from audit.messages import render
    from audit.policy import load_policy
    from audit.report.labels import enum_label, text
    from audit.report.table import not_audited_reason
    from audit.results import DeviceResult, DeviceStatus, ScanReport
    from audit.scan import new_scan_id, utc_now
    from audit.station import run_station
    from audit.textsafe import clean

    def body() -> int:
        pol = load_policy(policy)
        recorder = None if no_history else open_recorder(history)  # a bad --history: refused before adb
        host = AdbHost.connect(adb_port)
        station_name = name or _socket.gethostname()
        stop = threading.Event()
        counts = {"phones": 0, "audited": 0, "unrecorded": 0}

        def line(result: DeviceResult) -> None:
            # Record first, then announce: once a line is on screen its history entry exists (or
            # a warning above it said it could not be recorded). An interrupted audit is no result.
            if recorder is not None and result.status not in (DeviceStatus.UNAUTHORIZED, DeviceStatus.INTERRUPTED):
                report = ScanReport(new_scan_id(), utc_now(), station_name, version, pol.name, pol.sha256, (result,))
                if not record_or_warn(recorder, report, "station"):
                    counts["unrecorded"] += 1
            counts["phones"] += 1
            when = datetime.now().strftime("%H:%M:%S")
            serial = clean(result.serial)
            if result.status is DeviceStatus.AUDITED:
                counts["audited"] += 1
                model = clean(result.snapshot.info.model or "") if result.snapshot else ""
                worst = max(result.verdicts, key=lambda v: v.severity.rank, default=None)
                said = (f"{enum_label(worst.severity, lang.value).upper()}: {clean(render(worst.finding, lang.value), 2000)}"
                        if worst else text("no_verdicts", lang.value))
                typer.echo(f"{when}  {serial}  {model}: {said}")
            else:
                status = text("not_audited", lang.value, status=enum_label(result.status, lang.value))
                typer.echo(f"{when}  {serial}: {status}: {clean(not_audited_reason(result, lang.value), 300)}")

        if host.started_server:
            err.print(f"[dim]{escape(text('station_started_server', lang.value, port=host.port))}[/dim]")
        err.print(escape(text("station_ready", lang.value)))
        with stop_on_signals(stop, lang.value):
            run_station(host, pol, line, stop, timeout=timeout,
                        on_started=lambda s: err.print(
                            f"[dim]{escape(text('station_auditing', lang.value, serial=clean(s)))}[/dim]"),
                        on_notice=lambda message: err.print(
                            f"[yellow]{escape(text('station_notice', lang.value, text=render(message, lang.value)))}"
                            "[/yellow]"))
        where = text("station_history", lang.value, path=recorder.target.describe()) if recorder is not None else ""
        if counts["unrecorded"]:
            where += text("station_unrecorded", lang.value, count=counts["unrecorded"])
        if recorder is not None:
            recorder.close()
        err.print(escape(text("station_stopped", lang.value, audited=counts["audited"], results=counts["phones"],
                              where=where)))
        return EXIT_OK

    raise typer.Exit(guard(body))
