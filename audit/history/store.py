"""The history database: SQLite by default, PostgreSQL for several stations; one schema for both.

Why a database and not a directory of reports: the questions asked of a history are "what is the
fleet's state now", "how did this phone change" and "what got worse", across stations; a database
answers them in one query and lets several processes write at once without losing a record
(SQLite in WAL mode with a busy timeout; PostgreSQL transactions, phones upserted in one order
so two writers never deadlock).

Safety on open: the schema version is read before anything is written. A file that is not an
SQLite database (damaged, or something else), an SQLite database of another program, and a
history written by a newer contact-audit are refused with one line and left exactly as they were.
Only then is WAL switched on and are missing migrations applied, in one transaction.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from audit.errors import AuditError
from audit.history import schema
from audit.history.rows import (
    AppRow,
    AuditRow,
    LatestState,
    PhoneAudit,
    PhoneState,
    ScanInfo,
    ScanRow,
    dump_list,
    dump_params,
    load_list,
    load_params,
    scan_row,
)
from audit.history.target import POSTGRESQL, SQLITE, Target, scrub
from audit.report.text import valid_unicode
from audit.results import ScanReport, Severity

BUSY_TIMEOUT_S = 30.0
CONNECT_TIMEOUT_S = 10

Row = tuple[Any, ...]


class HistoryError(AuditError):
    """The history cannot be opened, read or written; the message is one line naming it."""


class HistoryMissing(HistoryError):
    """A read command named an SQLite file that does not exist (nothing was created)."""


class _Db(Protocol):
    backend: str

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...
    def insert_returning_id(self, sql: str, params: Sequence[Any]) -> int | None: ...
    def tables(self) -> set[str]: ...
    def write(self) -> contextlib.AbstractContextManager[None]: ...
    def read(self) -> contextlib.AbstractContextManager[None]: ...
    def close(self) -> None: ...
    def lost(self) -> bool: ...


class _Sqlite:
    backend = SQLITE

    def __init__(self, path: Path) -> None:
        # mode=rw: an existing file is opened, never created here (creation is explicit, 0600)
        uri = "file:" + quote(str(path.absolute())) + "?mode=rw"
        self.conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                    check_same_thread=False)
        self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self.conn.execute(sql, tuple(params)).fetchall())

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def insert_returning_id(self, sql: str, params: Sequence[Any]) -> int | None:
        cur = self.conn.execute(sql, tuple(params))
        return cur.lastrowid if cur.rowcount == 1 else None

    def tables(self) -> set[str]:
        return {r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")}

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")  # the write lock now: concurrent writers queue here
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        self.conn.execute("BEGIN")  # one snapshot for every query of a view
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def lost(self) -> bool:
        return False


class _Postgres:
    backend = POSTGRESQL

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                                    application_name="contact-audit")

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self.conn.execute(self._sql(sql), tuple(params)).fetchall())

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.conn.cursor() as cur:
            cur.executemany(self._sql(sql), [tuple(r) for r in rows])

    def insert_returning_id(self, sql: str, params: Sequence[Any]) -> int | None:
        row = self.conn.execute(self._sql(sql + " RETURNING id"), tuple(params)).fetchone()
        return int(row[0]) if row is not None else None

    def tables(self) -> set[str]:
        return {r[0] for r in self.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        with self.conn.transaction():  # READ COMMITTED: upserts wait for each other, never fail
            yield

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one snapshot per view
            yield

    def close(self) -> None:
        self.conn.close()

    def lost(self) -> bool:
        """The connection is gone (server restarted, idle connection cut): worth one reconnect."""
        return bool(self.conn.broken or self.conn.closed)


# --- errors ---------------------------------------------------------------------------------------


def _first_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


@contextlib.contextmanager
def _errors(target: Target, doing: str) -> Iterator[None]:
    """Every driver error as one ``HistoryError`` line naming the target (never its password)."""
    where = target.describe()
    try:
        yield
    except HistoryError:
        raise
    except sqlite3.DatabaseError as exc:
        reason = _first_line(exc)
        low = reason.lower()
        if "not a database" in low or "malformed" in low or "corrupt" in low:
            raise HistoryError(
                f"the history '{where}' is damaged or not an SQLite database ({reason}): it was left as it is; "
                "restore it from a backup or choose another --history"
            ) from None
        if "locked" in low or "busy" in low:
            raise HistoryError(f"the history '{where}' stayed locked by another process for "
                               f"{BUSY_TIMEOUT_S:.0f} s while {doing}") from None
        raise HistoryError(f"history '{where}': {doing} failed: {reason}") from None
    except OSError as exc:
        raise HistoryError(f"history '{where}': {doing} failed: {exc.strerror or exc}") from None
    except Exception as exc:
        if type(exc).__module__.startswith("psycopg"):
            error = _pg_error(exc, where, doing)
            raise HistoryError(scrub(str(error), target.url)) from None
        raise


def _pg_error(exc: Exception, where: str, doing: str) -> HistoryError:
    import psycopg

    reason = _first_line(exc)
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return HistoryError(f"history '{where}': the database role may not do this while {doing} ({reason}); "
                            "see docs/history.md for the privileges a station needs")
    if isinstance(exc, psycopg.OperationalError):
        return HistoryError(f"cannot use the history server '{where}' while {doing}: {reason}")
    return HistoryError(f"history '{where}': {doing} failed: {reason}")


# --- open -----------------------------------------------------------------------------------------


def open_history(target: Target, *, create: bool) -> History:
    """Open (and on a writer, create) the history, check its version, apply missing migrations.

    ``create=False`` (the views): a missing SQLite file raises ``HistoryMissing`` and nothing is
    created. Every failure is a ``HistoryError``; a refused database is never changed.
    """
    with _errors(target, "opening it"):
        if target.backend == SQLITE:
            assert target.path is not None
            db: _Db = _Sqlite(_sqlite_file(target, create))
        else:
            assert target.url is not None
            db = _Postgres(target.url)
    history = History(target, db)
    try:
        history._prepare()
    except BaseException:
        history.close()
        raise
    return history


def _sqlite_file(target: Target, create: bool) -> Path:
    path = target.path
    assert path is not None
    if path.exists():
        if not path.is_file():
            raise HistoryError(f"the history '{path}' is not a regular file")
        return path
    if not create:
        raise HistoryMissing(f"no history at '{path}' (nothing recorded there yet: check the path)")
    parent = path.parent
    if not parent.is_dir():
        if target.explicit:
            raise HistoryError(f"cannot create the history '{path}': the directory '{parent}' does not exist")
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # the default place: private
    if not os.access(parent, os.W_OK | os.X_OK):
        raise HistoryError(f"cannot create the history '{path}': no permission to write in '{parent}'")
    with contextlib.suppress(FileExistsError):  # another process just created it: fine
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # serials are company data
        os.close(fd)
    return path


_SCAN_COLS = "s.scan_id, s.scanned_at, s.station, s.tool_version, s.policy_name, s.policy_hash, s.interrupted, s.source"
_AUDIT_COLS = ("a.scan_ref, a.position, a.serial, a.status, a.error, a.manufacturer, a.model, a.android_version, "
               "a.sdk, a.severity, a.duration_s, a.alternatives")
_APP_FIELDS = (
    "user_id", "user_kind", "package", "app", "app_version", "app_enabled", "contacts_permission",
    "permission_flags", "appop_mode", "last_contacts_access", "synced_contacts", "past_upload", "counts_known",
    "contacts", "phone_numbers", "distinct_numbers", "colleague_numbers", "business_numbers", "personal_numbers",
    "invalid_numbers", "uploads_third_party", "severity", "rule", "finding_key", "finding_params",
    "remediation_key", "remediation_params", "alternatives",
)
_APP_COLS = ", ".join(f"r.{c}" for c in _APP_FIELDS)
# Display order of a scan's worst severity (unknown ranks with high for --fail-on; shown below it).
_RANK_SQL = ("CASE a.severity WHEN 'critical' THEN 6 WHEN 'high' THEN 5 WHEN 'unknown' THEN 4 WHEN 'medium' THEN 3 "
             "WHEN 'low' THEN 2 WHEN 'ok' THEN 1 ELSE 4 END")
_RANK_NAME = {6: "critical", 5: "high", 4: "unknown", 3: "medium", 2: "low", 1: "ok"}


@dataclass(frozen=True)
class ScanLine:
    """One scan as `history` lists it; ``serial`` and ``model`` are set for a one-phone scan (a
    station audit), so that its line says which phone it was."""

    info: ScanInfo
    phones: int
    audited: int
    worst: str | None
    serial: str | None
    model: str | None


class History:
    """An open history. Writers call ``record``/``store``; the views read with one snapshot each."""

    def __init__(self, target: Target, db: _Db) -> None:
        self.target = target
        self.db = db
        self._broken = False

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.db.close()

    def _reconnect(self) -> None:
        """After a failed write to PostgreSQL the connection may be dead (server restarted): a new
        one is opened, so a station recovers without a restart."""
        if not self._broken:
            return
        self.close()
        with _errors(self.target, "reconnecting"):
            assert self.target.url is not None
            self.db = _Postgres(self.target.url)
        self._broken = False

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------------------

    def _version(self) -> int:
        tables = self.db.tables()
        if schema.META_TABLE not in tables:
            ours = set(schema.TABLES) & tables
            if self.db.backend == SQLITE and tables:
                raise HistoryError(f"'{self.target.describe()}' is an SQLite database of another program, "
                                   "not a contact-audit history: it was left as it is")
            if ours:
                raise HistoryError(f"the database '{self.target.describe()}' has tables named like a history's "
                                   f"({', '.join(sorted(ours))}) but no {schema.META_TABLE}: it was left as it is")
            return 0
        rows = self.db.query(f"SELECT value FROM {schema.META_TABLE} WHERE key = 'schema_version'")
        try:
            return int(rows[0][0])
        except (IndexError, ValueError, TypeError):
            raise HistoryError(f"the history '{self.target.describe()}' has no readable schema version: "
                               "it was left as it is") from None

    def _prepare(self) -> None:
        with _errors(self.target, "opening it"):
            version = self._version()
            self._refuse_newer(version)
            if self.db.backend == SQLITE:
                mode = self.db.query("PRAGMA journal_mode = WAL")
                if not mode or str(mode[0][0]).lower() != "wal":
                    raise HistoryError(f"the history '{self.target.describe()}' cannot use WAL mode "
                                       "(a network file system?): concurrent stations could lose records")
                self.db.execute("PRAGMA foreign_keys = ON")
            if version < schema.SCHEMA_VERSION:
                self._migrate()

    def _refuse_newer(self, version: int) -> None:
        if version > schema.SCHEMA_VERSION:
            raise HistoryError(
                f"the history '{self.target.describe()}' was written by a newer contact-audit (schema {version}; "
                f"this version knows up to {schema.SCHEMA_VERSION}): it was left as it is; update contact-audit"
            )

    def _migrate(self) -> None:
        with self.db.write():
            if self.db.backend == POSTGRESQL:
                self.db.execute("SELECT pg_advisory_xact_lock(727100011)")  # one migrator at a time
            version = self._version()  # again, under the lock: another process may have done it
            self._refuse_newer(version)
            for step in range(version + 1, schema.SCHEMA_VERSION + 1):
                for statement in schema.statements(step, self.db.backend):
                    self.db.execute(statement)
                if step == 1:
                    self.db.execute(f"INSERT INTO {schema.META_TABLE} (key, value) VALUES ('schema_version', ?)",
                                    (str(step),))
                else:
                    self.db.execute(f"UPDATE {schema.META_TABLE} SET value = ? WHERE key = 'schema_version'",
                                    (str(step),))

    # -- writing -----------------------------------------------------------------------------------

    def record(self, report: ScanReport, source: str) -> bool:
        """Store one report (``source``: "scan" or "station"); False when its scan id is already there."""
        return self.store(scan_row(report, source))

    def store(self, row: ScanRow, recorded_at: str | None = None) -> bool:
        """Store one scan's rows in one transaction; False (nothing added) when its scan id is there."""
        from audit.scan import utc_now

        info = row.info
        when = recorded_at or utc_now()
        self._reconnect()
        try:
            return self._store(row, info, when)
        except HistoryError:
            if self.db.backend != POSTGRESQL:
                raise
            self._broken = True
            if not self.db.lost():
                raise  # the server said no (privileges, constraint): trying again changes nothing
        # The connection was lost (a restarted server, an idle connection cut by a firewall): the
        # transaction did not happen, so once more on a new connection (the scan id keeps it single).
        self._reconnect()
        try:
            return self._store(row, info, when)
        except HistoryError:
            self._broken = True
            raise

    def _store(self, row: ScanRow, info: ScanInfo, recorded_at: str) -> bool:
        with _errors(self.target, "recording a scan"), self.db.write():
            scan_ref = self.db.insert_returning_id(
                "INSERT INTO scans (scan_id, scanned_at, station, tool_version, policy_name, policy_hash, "
                "interrupted, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (scan_id) DO NOTHING",
                _texts((info.scan_id, info.scanned_at, info.station, info.tool_version, info.policy_name,
                        info.policy_hash, int(info.interrupted), info.source, recorded_at)),
            )
            if scan_ref is None:
                return False
            self.db.executemany(
                "INSERT INTO audits (scan_ref, position, serial, scanned_at, station, status, error, manufacturer, "
                "model, android_version, sdk, severity, duration_s, alternatives) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_texts((scan_ref, i, a.serial, info.scanned_at, info.station, a.status, a.error, a.manufacturer,
                         a.model, a.android_version, a.sdk, a.severity, float(a.duration_s), dump_list(a.alternatives)))
                 for i, a in enumerate(row.audits)],
            )
            marks = ", ".join("?" * (len(_APP_FIELDS) + 3))
            self.db.executemany(
                f"INSERT INTO app_rows (scan_ref, audit_position, position, {', '.join(_APP_FIELDS)}) VALUES ({marks})",
                [_texts((scan_ref, i, j, *_app_values(app))) for i, a in enumerate(row.audits)
                 for j, app in enumerate(a.apps)],
            )
            # Latest state: only ever moves forward in time (an import of older reports keeps it);
            # phones in serial order, so two writers lock rows in the same order (no deadlock).
            newer = ("(excluded.last_seen, excluded.scan_ref, excluded.audit_position) > "
                     "(phones.last_seen, phones.scan_ref, phones.audit_position)")
            self.db.executemany(
                "INSERT INTO phones (serial, scan_ref, audit_position, last_seen, first_seen) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (serial) DO UPDATE SET "
                f"scan_ref = CASE WHEN {newer} THEN excluded.scan_ref ELSE phones.scan_ref END, "
                f"audit_position = CASE WHEN {newer} THEN excluded.audit_position ELSE phones.audit_position END, "
                "last_seen = CASE WHEN excluded.last_seen > phones.last_seen THEN excluded.last_seen "
                "ELSE phones.last_seen END, "
                "first_seen = CASE WHEN excluded.first_seen < phones.first_seen THEN excluded.first_seen "
                "ELSE phones.first_seen END",
                [_texts((a.serial, scan_ref, i, info.scanned_at, info.scanned_at))
                 for i, a in sorted(enumerate(row.audits), key=lambda p: (_text(p[1].serial), p[0]))],
            )
        return True

    # -- views -------------------------------------------------------------------------------------

    def scans(self, since: str | None = None) -> list[ScanLine]:
        where, params = ("WHERE s.scanned_at >= ?", [since]) if since else ("", [])
        sql = (f"SELECT {_SCAN_COLS}, COUNT(a.serial), SUM(CASE WHEN a.status = 'audited' THEN 1 ELSE 0 END), "
               f"MAX({_RANK_SQL}), MIN(a.serial), MIN(a.model) "
               f"FROM scans s LEFT JOIN audits a ON a.scan_ref = s.id {where} GROUP BY s.id")
        with _errors(self.target, "reading it"), self.db.read():
            rows = self.db.query(sql, params)
        lines = []
        for r in rows:
            info = _scan_info(r[:8])
            phones, audited, rank = int(r[8] or 0), int(r[9] or 0), r[10]
            lines.append(ScanLine(info, phones, audited, _RANK_NAME.get(int(rank)) if rank is not None else None,
                                  r[11] if phones == 1 else None, r[12] if phones == 1 else None))
        lines.sort(key=lambda x: (x.info.scanned_at, x.info.scan_id))
        return lines

    def latest(self) -> LatestState:
        """Every phone's latest audit, worst severity first, then by serial."""
        keys = "SELECT scan_ref, audit_position AS position, first_seen, last_seen FROM phones"
        found = self._audits(keys, [], extra=("k.first_seen", "k.last_seen"))
        phones = [PhoneState(str(extra[0]), str(extra[1]), audit) for extra, audit in found]
        phones.sort(key=lambda p: (-_display_rank(p.latest.audit.worst), p.latest.serial))
        return LatestState(tuple(phones))

    def timeline(self, serial: str) -> list[PhoneAudit]:
        """One phone's audits, oldest first."""
        keys = "SELECT scan_ref, position FROM audits WHERE serial = ?"
        found = [audit for _, audit in self._audits(keys, [serial])]
        found.sort(key=lambda p: (p.scan.scanned_at, p.scan.scan_id))
        return found

    def nth_latest(self, n: int, before: str | None = None) -> dict[str, PhoneAudit]:
        """Per phone its n-th latest audit (1 = latest), only among audits before ``before`` if given."""
        where, params = ("WHERE scanned_at < ?", [before]) if before else ("", [])
        keys = ("SELECT scan_ref, position FROM (SELECT scan_ref, position, ROW_NUMBER() OVER (PARTITION BY serial "
                f"ORDER BY scanned_at DESC, scan_ref DESC, position DESC) AS rn FROM audits {where}) ranked "
                "WHERE rn = ?")
        return {audit.serial: audit for _, audit in self._audits(keys, [*params, n])}

    def _audits(self, keys: str, params: list[Any], extra: tuple[str, ...] = ()) -> list[tuple[Row, PhoneAudit]]:
        """The audits (with their app rows and scans) whose (scan_ref, position) the ``keys`` query
        gives: one query (the keys, e.g. a window over every audit, are computed once), one row
        per app row, or one with empty app columns for a phone without any."""
        head = ", ".join(extra) + ", " if extra else ""
        sql = (f"SELECT {head}{_SCAN_COLS}, {_AUDIT_COLS}, r.position, {_APP_COLS} FROM ({keys}) k "
               "JOIN audits a ON a.scan_ref = k.scan_ref AND a.position = k.position "
               "JOIN scans s ON s.id = a.scan_ref "
               "LEFT JOIN app_rows r ON r.scan_ref = a.scan_ref AND r.audit_position = a.position")
        with _errors(self.target, "reading it"), self.db.read():
            rows = self.db.query(sql, params)
        n = len(extra)
        grouped: dict[tuple[int, int], tuple[Row, list[tuple[int, AppRow]]]] = {}
        for r in rows:
            key = (int(r[n + 8]), int(r[n + 9]))
            entry = grouped.get(key)
            if entry is None:
                entry = grouped[key] = (r, [])
            if r[n + 20] is not None:
                entry[1].append((int(r[n + 20]), _app_row(r[n + 21:])))
        out = []
        scans: dict[tuple[Any, ...], ScanInfo] = {}  # thousands of audits share a few scans
        for r, apps in grouped.values():
            scan_key = tuple(r[n:n + 8])
            info = scans.get(scan_key) or scans.setdefault(scan_key, _scan_info(scan_key))
            a = r[n + 8:n + 20]
            apps.sort(key=lambda p: p[0])
            audit = AuditRow(
                serial=str(a[2]), status=str(a[3]), error=a[4], manufacturer=a[5], model=a[6],
                android_version=a[7], sdk=a[8], severity=str(a[9]), duration_s=float(a[10] or 0.0),
                alternatives=load_list(a[11]), apps=tuple(app for _, app in apps),
            )
            out.append((r[:n], PhoneAudit(info, audit)))
        return out


def _display_rank(severity: Severity) -> int:
    return {"critical": 6, "high": 5, "unknown": 4, "medium": 3, "low": 2, "ok": 1}[severity.value]


def _text(value: Any) -> Any:
    """Text as both backends store it: valid UTF-8, no NUL (PostgreSQL refuses NUL in text)."""
    if isinstance(value, str):
        if value.isascii():  # the common case, checked in C: no surrogate possible
            return value.replace("\0", "\ufffd") if "\0" in value else value
        return valid_unicode(value).replace("\0", "\ufffd")
    return value


def _texts(values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(_text(v) for v in values)


def _bool_int(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _app_values(app: AppRow) -> tuple[Any, ...]:
    return (
        app.user_id, app.user_kind, app.package, app.app, app.app_version, _bool_int(app.app_enabled),
        app.contacts_permission, dump_list(app.permission_flags), app.appop_mode, app.last_contacts_access,
        app.synced_contacts, app.past_upload, int(app.counts_known), app.contacts, app.phone_numbers,
        app.distinct_numbers, app.colleague_numbers, app.business_numbers, app.personal_numbers,
        app.invalid_numbers, app.uploads_third_party, app.severity, app.rule, app.finding_key,
        dump_params(app.finding_params), app.remediation_key, dump_params(app.remediation_params),
        dump_list(app.alternatives),
    )


def _app_row(r: Sequence[Any]) -> AppRow:
    def opt_bool(v: Any) -> bool | None:
        return None if v is None else bool(v)

    return AppRow(
        user_id=int(r[0]), user_kind=str(r[1]), package=r[2], app=r[3], app_version=r[4],
        app_enabled=opt_bool(r[5]), contacts_permission=str(r[6]), permission_flags=load_list(r[7]),
        appop_mode=r[8], last_contacts_access=r[9], synced_contacts=r[10], past_upload=str(r[11]),
        counts_known=bool(r[12]), contacts=r[13], phone_numbers=r[14], distinct_numbers=r[15],
        colleague_numbers=r[16], business_numbers=r[17], personal_numbers=r[18], invalid_numbers=r[19],
        uploads_third_party=str(r[20]), severity=str(r[21]), rule=str(r[22]), finding_key=str(r[23]),
        finding_params=load_params(r[24]), remediation_key=str(r[25]), remediation_params=load_params(r[26]),
        alternatives=load_list(r[27]),
    )


def _scan_info(r: Sequence[Any]) -> ScanInfo:
    return ScanInfo(scan_id=str(r[0]), scanned_at=str(r[1]), station=str(r[2]), tool_version=str(r[3]),
                    policy_name=r[4], policy_hash=r[5], interrupted=bool(r[6]), source=str(r[7]))
