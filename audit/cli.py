"""The command line: wiring only. Every stage lives in its own module.

Stdout carries only the report (so it can be piped); progress and errors go to stderr.
Every failure the user can cause ends in one line on stderr and an exit code, never a traceback.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from audit import __version__
from audit.errors import AuditError, DeviceError, UsageError

T = TypeVar("T")

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_NOT_AUDITED = 0, 1, 2, 3

app = typer.Typer(
    name="contact-audit",
    help="Audit Android phones over ADB: can WhatsApp upload third parties' phone numbers?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
policy_app = typer.Typer(help="Write or check a policy file.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")

_err = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


class Lang(str, Enum):
    en = "en"
    de = "de"


class FailOn(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    ok = "ok"
    never = "never"


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print one line on stderr and return the Exit to raise."""
    _err.print(f"contact-audit: error: {escape(_one_line(message))}")
    return typer.Exit(code)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:500]


def _guard(func: Callable[[], T]) -> T:
    """Run a command body; known errors become one line on stderr: exit 3 when a phone could not
    be read (unauthorized, offline, timeout, cut-off output), else 2."""
    try:
        return func()
    except DeviceError as exc:  # the phone, not the operator: same status as an unaudited phone in scan
        raise fail(str(exc), EXIT_NOT_AUDITED) from None
    except AuditError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    except OSError as exc:
        raise fail(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "), EXIT_USAGE) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"contact-audit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """contact-audit: does WhatsApp upload third parties' numbers from these phones? One command, with evidence."""


AdbPort = Annotated[
    int | None,
    typer.Option("--adb-port", envvar="CONTACT_AUDIT_ADB_PORT", min=1, max=65535,
                 help="adb server port (default: ANDROID_ADB_SERVER_PORT, else 5037)."),
]
PolicyOpt = Annotated[
    Path | None,
    typer.Option("--policy", "-p", envvar="CONTACT_AUDIT_POLICY",
                 help="Policy file (TOML). Default: ./contact-audit.toml if present."),
]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", envvar="CONTACT_AUDIT_TIMEOUT", min=1.0, max=3600.0,
                 help="Wall-clock limit per phone, in seconds."),
]


# --------------------------------------------------------------------------- devices
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
            _err.print("No phones attached. Plug one in (USB debugging on) or `adb connect HOST:PORT`.")
            return
        typer.echo(tabulate(rows, headers=["serial", "state", "model", "hint"], tablefmt="simple"))

    _guard(body)


# --------------------------------------------------------------------------- scan
class _Progress:
    """Draws one line per phone on stderr as it finishes (the core only calls these methods)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.total = 0
        self.finished = 0

    def phones_found(self, devices: Sequence[object]) -> None:
        self.total = len(devices)
        if not self.quiet:
            _err.print(f"[dim]{self.total} phone(s) attached[/dim]")

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
            _err.print(f"[{colour}]●[/{colour}] {name} {model}: worst [{colour}]{worst}[/{colour}], "
                       f"{len(result.verdicts)} verdict(s), {result.duration_s:.1f}s")
        else:
            _err.print(f"[yellow]○[/yellow] {name}: not audited ({result.status.value}): "
                       f"{escape(clean(result.error or ''))}")


def _load_policy(path: Path | None) -> object:
    from audit.policy import load_policy

    return load_policy(path)


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
) -> int:
    """The scan command's body, shared with ``demo``. Returns the exit status."""
    from audit.adb import AdbHost
    from audit.policy import Policy, load_policy
    from audit.report import exit_code, render
    from audit.report.output import write_atomic
    from audit.results import Severity
    from audit.scan import ScanOptions, scan

    policy = load_policy(policy_path)
    assert isinstance(policy, Policy)
    if output is not None:
        _check_writable(output)  # before the scan: a typo must not cost a whole fleet's scan
    threshold_name = fail_on.value if fail_on is not None else policy.fail_on.value
    adb_host = host if isinstance(host, AdbHost) else AdbHost.connect(host_port)
    options = ScanOptions(serials=tuple(serials), jobs=jobs, timeout=timeout,
                          **({"station": station} if station else {}))
    stop = threading.Event()
    progress = _Progress(quiet)
    report = scan(adb_host, policy, options, progress, stop)
    if not report.devices and not quiet:
        _err.print("[yellow]no phone is attached to this adb server: nothing was audited[/yellow] "
                   "(plug one in with USB debugging on, or `adb connect HOST:PORT`)")
    if report.interrupted:
        _err.print("[yellow]interrupted: the report holds the phones that finished[/yellow]")
    text = render(report, fmt.value, lang=lang.value, excel=excel)
    if history is not None:
        from audit.history import record

        saved = record(report, history)
        if not quiet:
            _err.print(f"[dim]recorded in the history: {escape(str(saved))}[/dim]")
    if output is not None:
        write_atomic(output, text, bom=excel and fmt is Format.csv)
        if not quiet:
            _err.print(f"report written to {escape(str(output))}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    if explain:
        from audit.classify import explain_lines
        from audit.textsafe import clean

        for device in report.devices:
            for counts in device.counts:
                for line in explain_lines(counts, lang.value):
                    _err.print(f"{escape(clean(device.serial))} user {counts.user_id}: {escape(line)}")
    if threshold_name == "never":
        return exit_code(report, None)
    return exit_code(report, Severity(threshold_name))


def _check_writable(path: Path) -> None:
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
        typer.Option("--serial", "-s", envvar="CONTACT_AUDIT_SERIAL",
                     help="Audit only this phone (repeatable). Default: every attached phone."),
    ] = None,
    policy: PolicyOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", envvar="CONTACT_AUDIT_FORMAT", help="Report format.")] = Format.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", envvar="CONTACT_AUDIT_OUTPUT",
                     help="Write the report to this file (atomically) instead of stdout."),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", envvar="CONTACT_AUDIT_JOBS", min=1, max=16,
                     help="Phones audited at once (default: all, at most 16)."),
    ] = None,
    timeout: TimeoutOpt = 60.0,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", envvar="CONTACT_AUDIT_FAIL_ON",
                     help="Exit 1 when a verdict is at or above this severity (unknown counts as high). "
                          "Default: the policy's report.fail_on, else high."),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", envvar="CONTACT_AUDIT_LANG", help="Language of findings.")] = Lang.en,
    excel: Annotated[
        bool, typer.Option("--excel", envvar="CONTACT_AUDIT_EXCEL", help="CSV for German Excel: BOM and ';'.")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", envvar="CONTACT_AUDIT_EXPLAIN",
                           help="Show on stderr how many numbers each classification rule matched.")
    ] = False,
    station: Annotated[
        str | None, typer.Option("--station", envvar="CONTACT_AUDIT_STATION", help="Station name in the report (default: host name).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", envvar="CONTACT_AUDIT_QUIET", help="No progress on stderr.")] = False,
    history: Annotated[
        Path | None,
        typer.Option("--history", envvar="CONTACT_AUDIT_HISTORY",
                     help="Also keep the report (JSON, counts only) in this history directory."),
    ] = None,
    adb_port: AdbPort = None,
) -> None:
    """Audit all attached phones (or the named ones) concurrently and print the report.

    Exit status: 0 all audited and nothing at or above --fail-on; 1 a verdict at or above it;
    2 usage or policy error; 3 some phone could not be audited (or none was attached) and nothing
    reached the threshold.
    """
    code = _guard(lambda: run_scan(
        host_port=adb_port, serials=serial or [], policy_path=policy, fmt=fmt, output=output, jobs=jobs,
        timeout=timeout, fail_on=fail_on, lang=lang, excel=excel, explain=explain, quiet=quiet, station=station,
        history=history,
    ))
    raise typer.Exit(code)


# --------------------------------------------------------------------------- demo
@app.command()
def demo(
    fmt: Annotated[Format, typer.Option("--format", "-f", envvar="CONTACT_AUDIT_FORMAT", help="Report format.")] = Format.table,
    lang: Annotated[Lang, typer.Option("--lang", envvar="CONTACT_AUDIT_LANG", help="Language of findings.")] = Lang.en,
    timeout: Annotated[
        float, typer.Option("--timeout", envvar="CONTACT_AUDIT_TIMEOUT", min=1.0, max=600.0, help="Limit per phone, in seconds.")
    ] = 20.0,
) -> None:
    """Audit the bundled simulated phones on a private adb server (no hardware needed).

    Starts a private adb server (temporary HOME, loopback only, never port 5037) and the bundled
    simulated fleet, scans it with the bundled demo policy (Example GmbH), prints the report and
    a fleet summary, and shuts everything down. Exits 0 when the demo ran.
    """
    from audit.demo import run_demo

    code = _guard(lambda: run_demo(lambda host, policy_path: run_scan(
        host_port=None, serials=[], policy_path=policy_path, fmt=fmt, output=None, jobs=None, timeout=timeout,
        fail_on=FailOn.never, lang=lang, excel=False, explain=False, quiet=False, station="demo", host=host,
    ), _err))
    raise typer.Exit(code)


# --------------------------------------------------------------------------- collect (debug)
@app.command()
def collect(
    serial: Annotated[str, typer.Option("--serial", "-s", envvar="CONTACT_AUDIT_SERIAL", help="The phone to read.")],
    raw: Annotated[
        bool, typer.Option("--raw", help="Print the whole parsed snapshot as JSON (numbers replaced by counts).")
    ] = False,
    # Deliberately no environment variable: personal data on screen needs an explicit flag.
    show_numbers: Annotated[
        bool, typer.Option("--show-numbers", help="With --raw: include raw phone numbers, e-mails and companies (personal data!).")
    ] = False,
    policy: PolicyOpt = None,
    timeout: TimeoutOpt = 60.0,
    adb_port: AdbPort = None,
) -> None:
    """Read one phone and show what the tool sees, before any judgement (a debugging aid).

    Without --raw: one line per Android user and audited app. With --raw: the parsed snapshot as
    JSON, every phone number, e-mail and company replaced by counts unless --show-numbers.
    """
    import json

    from audit.adb import AdbHost
    from audit.collect import collect as run_collect
    from audit.parse import build_snapshot
    from audit.policy import load_policy
    from audit.scan import collect_packages
    from audit.snapshot_json import snapshot_lines, snapshot_to_dict

    def body() -> int:
        if show_numbers and not raw:
            raise UsageError("--show-numbers only goes with --raw")
        pol = load_policy(policy)
        host = AdbHost.connect(adb_port)
        packages = collect_packages(pol)
        collection = run_collect(host, serial, packages, timeout=timeout)
        snapshot = build_snapshot(serial, collection, packages)
        if raw:
            typer.echo(json.dumps(snapshot_to_dict(snapshot, show_numbers=show_numbers), indent=2, ensure_ascii=False))
        else:
            for line in snapshot_lines(snapshot):
                typer.echo(line)
        return EXIT_OK

    raise typer.Exit(_guard(body))


# --------------------------------------------------------------------------- station / history
HistoryOpt = Annotated[
    Path | None,
    typer.Option("--history", envvar="CONTACT_AUDIT_HISTORY",
                 help="History directory (default: $XDG_DATA_HOME/contact-audit/history)."),
]


@app.command()
def station(
    policy: PolicyOpt = None,
    history: HistoryOpt = None,
    no_history: Annotated[bool, typer.Option("--no-history", help="Do not record the results.")] = False,
    name: Annotated[
        str | None, typer.Option("--station", envvar="CONTACT_AUDIT_STATION", help="Station name (default: host name).")
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", envvar="CONTACT_AUDIT_LANG", help="Language of findings.")] = Lang.en,
    timeout: TimeoutOpt = 60.0,
    adb_port: AdbPort = None,
) -> None:
    """Plug-and-audit: audit every phone as it is plugged in, until Ctrl-C.

    Prints one line per phone on stdout when its audit finishes (replug a phone to audit it
    again), and records each phone's report in the history (JSON, counts only) unless
    --no-history. Phones that cannot be audited get one line with the hint, once per state.
    """
    import signal
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
            if folder is not None and result.status is not DeviceStatus.UNAUTHORIZED:
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

        def on_signal(signum: int, frame: object) -> None:
            stop.set()

        previous = signal.signal(signal.SIGTERM, on_signal)
        _err.print("station ready: plug in phones (USB debugging on); Ctrl-C to stop")
        try:
            run_station(host, pol, line, stop, timeout=timeout,
                        on_started=lambda s: _err.print(f"[dim]auditing {escape(clean(s))}...[/dim]"))
        except KeyboardInterrupt:
            stop.set()
        finally:
            signal.signal(signal.SIGTERM, previous)
        where = f"; history: {folder}" if folder is not None else ""
        _err.print(f"station stopped: {counts['audited']} audit(s) done, {counts['phones']} result(s){escape(where)}")
        return EXIT_OK

    raise typer.Exit(_guard(body))


@app.command("history")
def history_command(
    history: HistoryOpt = None,
    serial: Annotated[
        str | None, typer.Option("--serial", "-s", help="Show one phone's audits over time instead of the scans.")
    ] = None,
) -> None:
    """List past scans (or one phone's audits) from the history directory."""
    from audit.history import default_dir, load, render

    def body() -> int:
        records, problems = load(history or default_dir())
        for problem in problems:
            _err.print(f"[yellow]skipped[/yellow] {escape(problem)}")
        if not records:
            _err.print("the history is empty (scan with --history, or run `contact-audit station`)")
            return EXIT_OK
        typer.echo(render(records, serial))
        return EXIT_OK

    raise typer.Exit(_guard(body))


# --------------------------------------------------------------------------- fix
@app.command()
def fix(
    serial: Annotated[str, typer.Option("--serial", "-s", envvar="CONTACT_AUDIT_SERIAL", help="The phone to change.")],
    user: Annotated[int, typer.Option("--user", min=0, help="The Android user (profile) id, as in the report.")],
    package: Annotated[str, typer.Option("--package", help="The app, e.g. com.whatsapp.")],
    # Deliberately no environment variables for these two: changing a phone needs explicit flags.
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Change the phone without asking.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only print what would be run.")] = False,
    policy: PolicyOpt = None,
    lang: Annotated[Lang, typer.Option("--lang", envvar="CONTACT_AUDIT_LANG", help="Language of findings.")] = Lang.en,
    timeout: TimeoutOpt = 60.0,
    adb_port: AdbPort = None,
) -> None:
    """Deny and lock an app's Contacts permission in one Android user of one phone.

    Reads the phone, shows the plan, asks for confirmation (or --yes), runs it in one adb shell
    call, reads the phone again and shows the verdict before and after. Locking the denial from
    the shell needs Android 12+; on older phones the permission is revoked and the report says
    what remains to be done. Exit status: 0 the permission is now denied (or was already locked),
    1 it is not, 2 usage error.
    """
    import time as _time

    from audit.adb import AdbHost
    from audit.fix import apply_fix, find_target, fix_packages, plan_fix, read_phone
    from audit.messages import render
    from audit.policy import load_policy
    from audit.textsafe import clean

    def say(verdict: object, label: str) -> None:
        from audit.results import Verdict

        assert isinstance(verdict, Verdict)
        typer.echo(f"{label}: {verdict.severity.value} ({verdict.rule}): {render(verdict.finding, lang.value)}")

    def body() -> int:
        pol = load_policy(policy)
        host = AdbHost.connect(adb_port)
        snapshot = read_phone(host, serial, fix_packages(pol, package), _time.monotonic() + timeout)
        before = find_target(snapshot, pol, user, package)
        steps = plan_fix(snapshot.info.sdk, user, package)
        say(before, "now")
        if before.rule == "locked":
            typer.echo("nothing to do: the permission is already denied and locked")
            return EXIT_OK
        for step in steps:
            typer.echo(f"  would run: {step.command}   # {step.why}" if dry_run else f"  plan: {step.command}   # {step.why}")
        if snapshot.info.sdk is None or snapshot.info.sdk < 31:
            typer.echo("  note: Android < 12 cannot lock the denial from the shell; lock it with the device "
                       "policy (MDM), or choose \"Don't allow\" on the phone when the app asks")
        if dry_run:
            return EXIT_OK
        if not yes:
            if not sys.stdin.isatty():
                raise UsageError("refusing to change the phone without confirmation: pass --yes")
            if not typer.confirm(f"Change {package} in user {user} on this phone?", default=False, err=True):
                raise UsageError("cancelled; the phone was not changed")
        outcome = apply_fix(host, serial, snapshot, pol, user, package, timeout=timeout)
        for result in outcome.results:
            status = "ok" if result.rc == 0 else ("no exit status" if result.rc is None else f"exit {result.rc}")
            detail = f": {escape(clean(result.output))}" if result.output else ""
            _err.print(f"  {escape(result.step.command)} -> {status}{detail}")
        if outcome.after is not None:
            say(outcome.after, "after")
        if outcome.locked:
            typer.echo("the permission is denied and locked")
        elif outcome.denied:
            typer.echo("the permission is denied but not locked: the app can ask again; lock it with the device policy")
        else:
            typer.echo("the permission is NOT denied: check the phone by hand")
        return EXIT_OK if outcome.denied else EXIT_FINDINGS

    raise typer.Exit(_guard(body))


# --------------------------------------------------------------------------- policy
@policy_app.command("init")
def policy_init(
    path: Annotated[Path, typer.Argument(help="Where to write the template.")] = Path("contact-audit.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented policy template."""
    from audit.policy import policy_template
    from audit.report.output import write_atomic

    def body() -> None:
        if path.exists() and not force:
            raise UsageError(f"{path} exists; use --force to overwrite it")
        write_atomic(path, policy_template())
        _err.print(f"wrote {escape(str(path))}; edit it, then run `contact-audit policy check {escape(str(path))}`")

    _guard(body)


@policy_app.command("check")
def policy_check(path: Annotated[Path, typer.Argument(help="The policy file to validate.")]) -> None:
    """Validate a policy file; prints a one-line summary, or one error line and exits 2."""
    from audit.policy import check_policy

    def body() -> None:
        pol = check_policy(path)
        typer.echo(
            f"{path}: ok ({pol.name or 'no organisation name'}; audit {', '.join(pol.audit_packages)}; "
            f"fail_on {pol.fail_on.value})"
        )

    _guard(body)


# --------------------------------------------------------------------------- simulate
@app.command()
def simulate(
    profiles: Annotated[list[Path], typer.Argument(help="Phone profiles (TOML) or names of bundled ones.")],
    adb_port: AdbPort = None,
) -> None:
    """Start simulated phones, connect them to the adb server, run until Ctrl-C."""
    from audit.simulator.runner import simulate_main

    raise typer.Exit(_guard(lambda: simulate_main(profiles, adb_port)))


def main() -> None:
    """Entry point. Usage errors are one line (not typer's boxed usage panel) and exit 2; anything
    unexpected is one line too, never a traceback."""
    try:
        result = app(standalone_mode=False)
    except KeyboardInterrupt:
        _err.print("contact-audit: interrupted")
        sys.exit(130)
    except AuditError as exc:
        _err.print(f"contact-audit: error: {escape(_one_line(str(exc)))}")
        sys.exit(EXIT_USAGE)
    except Exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `contact-audit` alone: show the help
            exc.show()  # type: ignore[attr-defined]
            sys.exit(EXIT_USAGE)
        if hasattr(exc, "format_message") and getattr(exc, "exit_code", None) == EXIT_USAGE:
            ctx = getattr(exc, "ctx", None)
            where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            _err.print(f"contact-audit: error: {escape(_one_line(exc.format_message()))}{where}")
            sys.exit(EXIT_USAGE)
        if type(exc).__name__ == "Abort":
            _err.print("contact-audit: interrupted")
            sys.exit(130)
        if os.environ.get("CONTACT_AUDIT_DEBUG"):
            raise
        # a bug: one line (no message: it could hold device data), details on request
        _err.print(f"contact-audit: internal error ({type(exc).__name__}); "
                   "set CONTACT_AUDIT_DEBUG=1 to see the traceback, and please report it")
        sys.exit(EXIT_USAGE)
    sys.exit(result if isinstance(result, int) else EXIT_OK)
