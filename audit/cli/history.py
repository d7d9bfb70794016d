"""`contact-audit history`: the fleet's latest state, timelines, changes, exports and imports.

Also the two helpers `scan` and `station` use to record: ``open_recorder`` checks the history
before any phone is read (a bad --history is an error then, never after a fleet's scan), and
``record_or_warn`` turns a history that fails later into a warning that costs no report.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from audit.cli.common import EXIT_FINDINGS, EXIT_OK, HistoryOpt, Lang, LangOpt, app, err, fail, guard, one_line
from audit.errors import UsageError

if TYPE_CHECKING:
    from audit.history.store import History
    from audit.results import ScanReport

history_app = typer.Typer(invoke_without_command=True)
app.add_typer(history_app, name="history")

SinceOpt = Annotated[
    str | None,
    typer.Option("--since", metavar="DATE",
                 help="From this UTC date or time on (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])."),
]


# --- recording (scan, station) ---------------------------------------------------------------------


def open_recorder(value: str | None, *, quiet: bool = False) -> History | None:
    """The history to record into, opened (and created, migrated) now, before any phone is read.

    A history the user named (--history, CONTACT_AUDIT_HISTORY) that cannot be used is an error
    (exit 2, nothing scanned). The default file that cannot be used costs a warning: the audit
    goes on without a history.
    """
    from audit.history.store import HistoryError, open_history
    from audit.history.target import parse_target

    target = parse_target(value)
    try:
        return open_history(target, create=True)
    except HistoryError as exc:
        if target.explicit:
            raise
        if not quiet:
            err.print(f"[yellow]warning:[/yellow] {escape(one_line(str(exc)))}; nothing will be recorded "
                      "(set --history, or --no-history)")
        return None


def record_or_warn(history: History, report: ScanReport, source: str) -> bool:
    """Record ``report``; a failure is one warning line on stderr, never an exception."""
    from audit.history.store import HistoryError

    try:
        history.record(report, source)
    except HistoryError as exc:
        err.print(f"[yellow]warning: not recorded in the history:[/yellow] {escape(one_line(str(exc)))}")
        return False
    return True


# --- views ------------------------------------------------------------------------------------------


def _since(value: str | None) -> str | None:
    """A --since value as the history's time text (ISO 8601 UTC, seconds, Z)."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            when = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
        else:
            when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except ValueError:
        raise UsageError(f"--since '{value[:40]}' is not a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM:SSZ)") from None
    return when.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _open(ctx: typer.Context, value: str | None, *, create: bool = False) -> History | None:
    """The history for a view; None (with a note) when the default file does not exist yet."""
    from audit.history.store import HistoryMissing, open_history
    from audit.history.target import default_path, parse_target

    if value is None and isinstance(ctx.obj, str):
        value = ctx.obj  # given before the subcommand: `history --history X phones`
    target = parse_target(value)
    try:
        return open_history(target, create=create)
    except HistoryMissing:
        if target.explicit:
            raise
    err.print(f"the history is empty: nothing recorded yet in {escape(str(default_path()))} "
              "(`contact-audit scan` and `contact-audit station` record into it)")
    old = default_path().parent / "history"
    if old.is_dir() and any(old.glob("*.json")):
        err.print(f"older JSON reports are in {escape(str(old))}: bring them in with "
                  f"`contact-audit history import {escape(str(old))}`")
    return None


@history_app.callback()
def history_command(
    ctx: typer.Context,
    history: HistoryOpt = None,
    serial: Annotated[
        str | None, typer.Option("--serial", "-s", metavar="SERIAL",
                               help="Show one phone's audits over time instead of the scans.")
    ] = None,
    since: SinceOpt = None,
) -> None:
    """The audit history: the recorded scans, or -s one phone's timeline; phones, diff, export, import.

    Alone it lists the scans (a station audit names its phone and model). The history is an
    SQLite file by default ($XDG_DATA_HOME/contact-audit/history.sqlite3); --history also takes
    another path, sqlite:///PATH or postgresql://USER@HOST/DB (see docs/history.md).
    """
    ctx.obj = history
    if ctx.invoked_subcommand is not None:
        if serial is not None or since is not None:
            raise fail(f"-s/--since go with `history` alone, not with `history {ctx.invoked_subcommand}`")
        return
    from audit.history.views import render_scans, render_timeline

    def body() -> int:
        start = _since(since)
        store = _open(ctx, None)
        if store is None:
            return EXIT_OK
        with store:
            if serial is None:
                lines = store.scans(start)
                if not lines:
                    err.print("no scans recorded" + (" since then" if start else " yet"))
                    return EXIT_OK
                typer.echo(render_scans(lines))
                return EXIT_OK
            audits = [a for a in store.timeline(serial) if start is None or a.scan.scanned_at >= start]
        if not audits:
            from audit.textsafe import clean

            raise UsageError(f"no audit of phone '{clean(serial, 60)}' in the history "
                             "(see `contact-audit history phones` for the serials)")
        typer.echo(render_timeline(audits))
        return EXIT_OK

    raise typer.Exit(guard(body))


@history_app.command("phones")
def phones_command(ctx: typer.Context, history: HistoryOpt = None) -> None:
    """The latest state of every phone: last seen, station, worst severity and its app rows.

    Worst phones first. A phone whose last attempt could not be audited shows "unknown" with the
    reason: its state is not known, whatever an earlier audit said.
    """
    from audit.history.views import render_phones

    def body() -> int:
        store = _open(ctx, history)
        if store is None:
            return EXIT_OK
        with store:
            state = store.latest()
        if not state.phones:
            err.print("no phone recorded yet")
            return EXIT_OK
        typer.echo(render_phones(state))
        err.print(f"{len(state.phones)} phone(s)")
        return EXIT_OK

    raise typer.Exit(guard(body))


@history_app.command("diff")
def diff_command(ctx: typer.Context, history: HistoryOpt = None, since: SinceOpt = None) -> None:
    """Per phone, what changed between its last two audits (or since --since): regressions first.

    Regressions: contacts permission granted (again), new third-party numbers an app can upload,
    a messenger in a profile where it was not, a worse severity, a phone no longer audited.
    With --since, a phone first seen after that date is listed as new.
    """
    from audit.history.views import diff, render_diff

    def body() -> int:
        start = _since(since)
        store = _open(ctx, history)
        if store is None:
            return EXIT_OK
        with store:
            latest = {p.latest.serial: p.latest for p in store.latest().phones}  # = nth_latest(1), kept up to date
            if start is None:
                before = store.nth_latest(2)
            else:
                latest = {s: a for s, a in latest.items() if a.scan.scanned_at >= start}
                before = store.nth_latest(1, before=start)
        diffs = diff(before, latest, new_phones=start is not None)
        if not diffs:
            what = f"since {start}" if start else "between any phone's last two audits"
            err.print(f"nothing changed {what} ({len(latest)} phone(s))")
            return EXIT_OK
        typer.echo(render_diff(diffs))
        regressed = sum(1 for d in diffs if d.regressed)
        err.print(f"{len(diffs)} phone(s) changed, {regressed} with a regression")
        return EXIT_OK

    raise typer.Exit(guard(body))


@history_app.command("export")
def export_command(
    ctx: typer.Context,
    history: HistoryOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="csv|json",
                                     help="csv: schema v1 rows (as `scan -f csv`); json: one document.")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write it to this file (atomically).")] = None,
    lang: LangOpt = Lang.en,
    excel: Annotated[bool, typer.Option("--excel", help="CSV for German Excel: BOM and ';'.")] = False,
) -> None:
    """The latest state of every phone as CSV (schema v1, each phone's rows from its last scan) or JSON."""
    from audit.history.views import export_csv, export_json
    from audit.report.output import write_atomic
    from audit.scan import utc_now

    def body() -> int:
        if fmt not in ("csv", "json"):
            raise UsageError(f"--format must be csv or json, not '{fmt[:20]}'")
        if excel and fmt != "csv":
            raise UsageError("--excel goes with --format csv only")
        if output is not None:
            from audit.cli.scan import check_writable

            check_writable(output)
        store = _open(ctx, history)
        if store is None:
            from audit.history.rows import LatestState

            state = LatestState(())
        else:
            with store:
                state = store.latest()
        text = export_csv(state, lang.value, excel=excel) if fmt == "csv" else export_json(state, lang.value, utc_now())
        if output is not None:
            write_atomic(output, text, bom=excel)
            err.print(f"{len(state.phones)} phone(s) written to {escape(str(output))}")
        else:
            typer.echo(text, nl=False)
        return EXIT_OK

    raise typer.Exit(guard(body))


@history_app.command("import")
def import_command(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(metavar="DIR_OR_FILE...",
                                                help="Directories of JSON reports (*.json) or report files.")],
    history: HistoryOpt = None,
) -> None:
    """Bring JSON reports (schema v1, e.g. an old history directory) into the history.

    Importing the same report again adds nothing (its scan id is already there). A file that is
    not a contact-audit report is skipped with one line; the exit status is then 1.
    """
    from audit.history.importer import Skipped, read_reports, report_files
    from audit.history.store import open_history
    from audit.history.target import parse_target
    from audit.textsafe import clean

    def body() -> int:
        files = report_files(paths)
        value = history if history is not None else (ctx.obj if isinstance(ctx.obj, str) else None)
        added = present = phones = 0
        skipped: list[Skipped] = []
        with open_history(parse_target(value), create=True) as store:
            for item in read_reports(files):
                if isinstance(item, Skipped):
                    skipped.append(item)
                    err.print(f"[yellow]skipped[/yellow] {escape(clean(str(item.path), 200))}: "
                              f"{escape(clean(item.reason, 200))}")
                elif store.store(item):
                    added += 1
                    phones += len(item.audits)
                else:
                    present += 1
            where = store.target.describe()
        err.print(f"imported {added} scan(s) ({phones} phone audit(s)) into {escape(clean(where, 200))}; "
                  f"{present} already there; {len(skipped)} file(s) skipped")
        return EXIT_FINDINGS if skipped else EXIT_OK

    raise typer.Exit(guard(body))
