"""`contact-audit scan` and `contact-audit demo`: the fleet audit and its bundled rehearsal."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from audit.cli.common import (
    AdbPort,
    FailOn,
    Format,
    FormatOpt,
    Lang,
    LangOpt,
    PolicyOpt,
    TimeoutOpt,
    app,
    err,
    guard,
)
from audit.cli.interrupt import stop_on_signals
from audit.errors import UsageError


class _Progress:
    """Draws one line per phone on stderr as it finishes (the core only calls these methods)."""

    def __init__(self, quiet: bool, lang: str = "en") -> None:
        self.quiet = quiet
        self.lang = lang
        self.total = 0
        self.finished = 0

    def phones_found(self, devices: Sequence[object]) -> None:
        from audit.report.labels import text

        self.total = len(devices)
        if not self.quiet:
            err.print(f"[dim]{escape(text('progress_attached', self.lang, count=self.total))}[/dim]")

    def phone_started(self, serial: str) -> None:
        pass

    def phone_finished(self, result: object) -> None:
        from audit.report.labels import enum_label, text
        from audit.report.table import not_audited_reason
        from audit.results import DeviceResult, DeviceStatus
        from audit.textsafe import clean

        assert isinstance(result, DeviceResult)
        self.finished += 1
        if self.quiet:
            return
        name = escape(clean(result.serial))
        if result.status is DeviceStatus.AUDITED:
            worst = result.worst.value if result.worst else "ok"
            colour = {"critical": "red", "high": "red", "unknown": "yellow", "medium": "yellow"}.get(worst, "green")
            model = escape(clean(result.snapshot.info.model or "")) if result.snapshot else ""
            summary = text("progress_audited", self.lang, worst=enum_label(result.worst, self.lang),
                           count=len(result.verdicts), seconds=seconds(result.duration_s, self.lang))
            err.print(f"[{colour}]●[/{colour}] {name} {model}: {escape(summary)}")
        else:
            status = text("not_audited", self.lang, status=enum_label(result.status, self.lang))
            err.print(f"[yellow]○[/yellow] {name}: {escape(status)}: "
                      f"{escape(clean(not_audited_reason(result, self.lang)))}")


def run_scan(
    *,
    host_port: int | None,
    serials: Sequence[str],
    policy_path: Path | None,
    fmt: Format,
    output: Path | None,
    jobs: int | None,
    timeout: float,
    fail_on: FailOn | None,
    lang: Lang,
    excel: bool,
    explain: bool,
    quiet: bool,
    station: str | None,
    host: object | None = None,
    history: str | None = None,
    record: bool = False,
    workers: int | None = None,
    stop: threading.Event | None = None,
) -> int:
    """The scan command's body, shared with ``demo``. Returns the exit status."""
    from audit.adb import AdbHost
    from audit.policy import Policy, load_policy
    from audit.report import exit_code, render
    from audit.report.labels import text as label
    from audit.report.output import write_atomic
    from audit.results import Severity
    from audit.scan import ScanOptions, scan

    if excel and fmt is not Format.csv:  # silently ignoring it would hide a wrong format choice
        raise UsageError(f"--excel only goes with --format csv (not {fmt.value})")
    policy = load_policy(policy_path)
    assert isinstance(policy, Policy)
    if output is not None:
        check_writable(output)  # before the scan: a typo must not cost a whole fleet's scan
    recorder = None
    if record:  # likewise the history: opened (created, migrated) now, refused now if it is bad
        from audit.cli.history import open_recorder

        recorder = open_recorder(history, quiet=quiet)
    threshold_name = fail_on.value if fail_on is not None else (policy.fail_on.value if policy.fail_on else "never")
    adb_host = host if isinstance(host, AdbHost) else AdbHost.connect(host_port)
    options = ScanOptions(serials=tuple(serials), jobs=jobs, timeout=timeout, workers=workers,
                          **({"station": station} if station else {}))
    stop = stop or threading.Event()
    progress = _Progress(quiet, lang.value)
    report = scan(adb_host, policy, options, progress, stop)
    if not report.devices and not quiet:
        err.print(f"[yellow]{escape(label('progress_none', lang.value))}[/yellow]")
    if report.interrupted:
        err.print(f"[yellow]{escape(label('progress_interrupted', lang.value))}[/yellow]")
    width, colour = table_layout(to_stdout=output is None)
    text = render(report, fmt.value, lang=lang.value, excel=excel, width=width, colour=colour)
    if output is not None:
        write_atomic(output, text, bom=excel and fmt is Format.csv)
        if not quiet:
            err.print(escape(label("progress_written", lang.value, path=str(output))))
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    if recorder is not None:  # after the report: a history that fails now costs a warning, not the report
        from audit.cli.history import record_or_warn

        if record_or_warn(recorder, report, "scan") and not quiet:
            err.print(f"[dim]{escape(label('progress_history', lang.value, path=recorder.target.describe()))}[/dim]")
        recorder.close()
    if explain:
        from audit.classify import explain_lines
        from audit.textsafe import clean

        for device in report.devices:
            for counts in device.counts:
                for line in explain_lines(counts, lang.value):
                    err.print(escape(label("explain_prefix", lang.value, serial=clean(device.serial),
                                           user=counts.user_id, line=line)))
    if threshold_name == "never":
        return exit_code(report, None)
    return exit_code(report, Severity(threshold_name))


def seconds(value: float, lang: str) -> str:
    """A duration with one decimal, with the decimal comma German readers expect."""
    shown = f"{value:.1f}"
    return shown.replace(".", ",") if lang == "de" else shown


def table_layout(*, to_stdout: bool) -> tuple[int, bool]:
    """The table's width and whether it may use colours.

    Width: ``COLUMNS`` if set, else the terminal's, else 120 (a pipe or a file). Colours only on
    a terminal, and never with ``NO_COLOR`` set or ``TERM=dumb``: a file or a pipe gets plain
    text without a single escape code.
    """
    import shutil

    from audit.report.table import WIDTH

    width = shutil.get_terminal_size((WIDTH, 24)).columns or WIDTH
    colour = (to_stdout and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
              and os.environ.get("TERM") != "dumb")
    return width, colour


def check_writable(path: Path) -> None:
    """Refuse an output path that cannot be written, before any phone is read."""
    if path.is_dir():
        raise UsageError(f"cannot write '{path}': Is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"cannot write '{path}': the directory '{parent}' does not exist")
    if not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write '{path}': no permission to write in '{parent}'")


@app.command("scan")
def scan_command(
    serial: Annotated[
        list[str] | None,
        typer.Option("--serial", "-s", envvar="CONTACT_AUDIT_SERIAL", metavar="SERIAL",
                     help="Audit only this phone (repeatable). Default: every attached phone."),
    ] = None,
    policy: PolicyOpt = None,
    fmt: FormatOpt = Format.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", envvar="CONTACT_AUDIT_OUTPUT", metavar="FILE",
                     help="Write the report to this file (atomically) instead of stdout."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", envvar="CONTACT_AUDIT_JOBS", min=1, max=16, metavar="N",
                     help="Phones audited at once (default: all, at most 16)."),
    ] = None,
    timeout: TimeoutOpt = 60.0,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", envvar="CONTACT_AUDIT_FAIL_ON",
                     help="Exit 1 when a verdict is at or above this severity (unknown counts as high). "
                          "Default: the policy's report.fail_on, else high."),
    ] = None,
    lang: LangOpt = Lang.en,
    excel: Annotated[
        bool, typer.Option("--excel", envvar="CONTACT_AUDIT_EXCEL",
                                 help="CSV for German Excel: BOM and ';' (only with --format csv).")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", envvar="CONTACT_AUDIT_EXPLAIN",
                           help="Show on stderr how many numbers each classification rule matched.")
    ] = False,
    station: Annotated[
        str | None, typer.Option("--station", envvar="CONTACT_AUDIT_STATION", metavar="NAME", help="Station name in the report (default: host name).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", envvar="CONTACT_AUDIT_QUIET", help="No progress on stderr.")] = False,
    history: Annotated[
        str | None,
        typer.Option("--history", envvar="CONTACT_AUDIT_HISTORY", metavar="PATH|URL",
                     help="Record the scan (counts only) in this history: an SQLite file, sqlite:///PATH or "
                          "postgresql://USER@HOST/DB. Default: $XDG_DATA_HOME/contact-audit/history.sqlite3."),
    ] = None,
    no_history: Annotated[
        bool, typer.Option("--no-history", envvar="CONTACT_AUDIT_NO_HISTORY", help="Do not record the scan.")
    ] = False,
    adb_port: AdbPort = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", envvar="CONTACT_AUDIT_WORKERS", min=0, max=64,
                     help="Processes that parse and classify phones' address books, so a fleet uses every "
                          "core (default: one per core but one on 3+ cores, for 2+ phones; 0: none)."),
    ] = None,
) -> None:
    """Audit all attached phones (or the named ones) concurrently and print the report.

    The table fits the terminal (COLUMNS, else the terminal's width, else 120) and cuts nothing:
    phones worst first, each with its verdicts; under every finding its remediation, with the
    `contact-audit fix` command on a line of its own; phones not audited apart, with the reason.
    Colours only on a terminal (never with NO_COLOR).

    Records the scan in the history unless --no-history; a --history that cannot be used is
    refused before any phone is read, and one that fails after the scan costs a warning only.

    Exit status: 0 all audited and nothing at or above --fail-on; 1 a verdict at or above it;
    2 usage or policy error; 3 some phone could not be audited (or none was attached) and nothing
    reached the threshold.
    """
    stop = threading.Event()
    with stop_on_signals(stop, lang.value):
        code = guard(lambda: run_scan(
            host_port=adb_port, serials=serial or [], policy_path=policy, fmt=fmt, output=output, jobs=jobs,
            timeout=timeout, fail_on=fail_on, lang=lang, excel=excel, explain=explain, quiet=quiet, station=station,
            history=history, record=not no_history, workers=workers, stop=stop,
        ))
    raise typer.Exit(code)


@app.command()
def demo(
    fmt: FormatOpt = Format.table,
    lang: LangOpt = Lang.en,
    timeout: Annotated[
        float, typer.Option("--timeout", envvar="CONTACT_AUDIT_TIMEOUT", min=1.0, max=600.0, metavar="SECONDS",
                            help="Limit per phone, in seconds.")
    ] = 20.0,
) -> None:
    """Audit the bundled simulated phones on a private adb server (no hardware needed).

    Starts a private adb server (temporary HOME, loopback only, never port 5037) and the bundled
    simulated fleet, scans it with the bundled demo policy (Example GmbH), prints the report and
    a fleet summary, and shuts everything down. Exits 0 when the demo ran. ANDROID_ADB_SERVER_PORT
    and --adb-port play no part: the demo never talks to the user's adb server.
    """
    # Dropped before anything imports adbutils (which parses it): the demo's server is private, so
    # a stale or broken value of the user's must not stop it.
    os.environ.pop("ANDROID_ADB_SERVER_PORT", None)
    from audit.demo import run_demo

    stop = threading.Event()
    with stop_on_signals(stop, lang.value):
        code = guard(lambda: run_demo(lambda host, policy_path: run_scan(
            host_port=None, serials=[], policy_path=policy_path, fmt=fmt, output=None, jobs=None, timeout=timeout,
            fail_on=FailOn.never, lang=lang, excel=False, explain=False, quiet=False, station="demo", host=host,
            stop=stop,
        ), err, lang.value))
    raise typer.Exit(code)
