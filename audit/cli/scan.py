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

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.total = 0
        self.finished = 0

    def phones_found(self, devices: Sequence[object]) -> None:
        self.total = len(devices)
        if not self.quiet:
            err.print(f"[dim]{self.total} phone(s) attached[/dim]")

    def phone_started(self, serial: str) -> None:
        pass

    def phone_finished(self, result: object) -> None:
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
            err.print(f"[{colour}]●[/{colour}] {name} {model}: worst [{colour}]{worst}[/{colour}], "
                      f"{len(result.verdicts)} verdict(s), {result.duration_s:.1f}s")
        else:
            err.print(f"[yellow]○[/yellow] {name}: not audited ({result.status.value}): "
                      f"{escape(clean(result.error or ''))}")


STOPPING = "stopping: phones still running get up to 2 s, then are reported as interrupted"  # scan.STOP_GRACE_S


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
    history: Path | None = None,
    stop: threading.Event | None = None,
) -> int:
    """The scan command's body, shared with ``demo``. Returns the exit status."""
    from audit.adb import AdbHost
    from audit.policy import Policy, load_policy
    from audit.report import exit_code, render
    from audit.report.output import write_atomic
    from audit.results import Severity
    from audit.scan import ScanOptions, scan

    if excel and fmt is not Format.csv:  # silently ignoring it would hide a wrong format choice
        raise UsageError(f"--excel only goes with --format csv (not {fmt.value})")
    policy = load_policy(policy_path)
    assert isinstance(policy, Policy)
    if output is not None:
        check_writable(output)  # before the scan: a typo must not cost a whole fleet's scan
    threshold_name = fail_on.value if fail_on is not None else (policy.fail_on.value if policy.fail_on else "never")
    adb_host = host if isinstance(host, AdbHost) else AdbHost.connect(host_port)
    options = ScanOptions(serials=tuple(serials), jobs=jobs, timeout=timeout,
                          **({"station": station} if station else {}))
    stop = stop or threading.Event()
    progress = _Progress(quiet)
    report = scan(adb_host, policy, options, progress, stop)
    if not report.devices and not quiet:
        err.print("[yellow]no phone is attached to this adb server: nothing was audited[/yellow] "
                  "(plug one in with USB debugging on, or `adb connect HOST:PORT`)")
    if report.interrupted:
        err.print("[yellow]interrupted: phones that did not finish are in the report as 'interrupted'[/yellow]")
    text = render(report, fmt.value, lang=lang.value, excel=excel)
    if history is not None:
        from audit.history import record

        saved = record(report, history)
        if not quiet:
            err.print(f"[dim]recorded in the history: {escape(str(saved))}[/dim]")
    if output is not None:
        write_atomic(output, text, bom=excel and fmt is Format.csv)
        if not quiet:
            err.print(f"report written to {escape(str(output))}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    if explain:
        from audit.classify import explain_lines
        from audit.textsafe import clean

        for device in report.devices:
            for counts in device.counts:
                for line in explain_lines(counts, lang.value):
                    err.print(f"{escape(clean(device.serial))} user {counts.user_id}: {escape(line)}")
    if threshold_name == "never":
        return exit_code(report, None)
    return exit_code(report, Severity(threshold_name))


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
        Path | None,
        typer.Option("--history", envvar="CONTACT_AUDIT_HISTORY", metavar="DIR",
                     help="Also keep the report (JSON, counts only) in this history directory."),
    ] = None,
    adb_port: AdbPort = None,
) -> None:
    """Audit all attached phones (or the named ones) concurrently and print the report.

    Exit status: 0 all audited and nothing at or above --fail-on; 1 a verdict at or above it;
    2 usage or policy error; 3 some phone could not be audited (or none was attached) and nothing
    reached the threshold.
    """
    stop = threading.Event()
    with stop_on_signals(stop, STOPPING):
        code = guard(lambda: run_scan(
            host_port=adb_port, serials=serial or [], policy_path=policy, fmt=fmt, output=output, jobs=jobs,
            timeout=timeout, fail_on=fail_on, lang=lang, excel=excel, explain=explain, quiet=quiet, station=station,
            history=history, stop=stop,
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
    with stop_on_signals(stop, STOPPING):
        code = guard(lambda: run_demo(lambda host, policy_path: run_scan(
            host_port=None, serials=[], policy_path=policy_path, fmt=fmt, output=None, jobs=None, timeout=timeout,
            fail_on=FailOn.never, lang=lang, excel=False, explain=False, quiet=False, station="demo", host=host,
            stop=stop,
        ), err))
    raise typer.Exit(code)
