"""The history database, every view on both backends (SQLite and a real PostgreSQL).

No adb here: reports are built in memory (tests/test_report_builders.py) and recorded through
the same ``History.record`` the scan and the station use; the views run through the CLI. The
``history_target`` fixture (tests/history_fixtures.py) runs each test on both backends.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sqlite3
from pathlib import Path

import pytest
from test_report_builders import counts, device, fake_number, fleet, verdict
from typer.testing import CliRunner

from audit.cli import app
from audit.history.store import History, open_history
from audit.history.target import parse_target
from audit.report.csv_report import COLUMNS, neutralise, records
from audit.report.json_report import render_json
from audit.results import PermissionStatus, ScanReport, Severity, Upload
from audit.snapshot import UserKind

DAY1, DAY2 = "2026-05-01T10:00:00Z", "2026-05-02T09:30:00Z"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def first_scan() -> ScanReport:
    return dataclasses.replace(fleet(), scan_id="scan-day1", scanned_at=DAY1)


def second_scan() -> ScanReport:
    """A day later: SIMA0001 worse (work profile granted again, two more third-party numbers),
    SIMB0002 better (denied and locked), SIME0005 got WhatsApp; the rest as before."""
    old = {d.serial: d for d in fleet().devices}
    sima = device(
        "SIMA0001",
        verdict(0, number_counts=counts(0, colleague=2, business=5, personal=2, invalid=1)),
        verdict(10, kind=UserKind.WORK_PROFILE, permission=PermissionStatus.GRANTED,
                number_counts=counts(10, colleague=5, personal=1)),
        numbers=tuple(fake_number(i) for i in range(10)),
    )
    simb = device(
        "SIMB0002",
        verdict(0, package="com.whatsapp.w4b", app="WhatsApp Business", severity=Severity.OK, upload=Upload.NO,
                permission=PermissionStatus.DENIED, flags=("USER_SET", "USER_FIXED"),
                number_counts=counts(0, business=1, personal=3), rule="denied.fixed"),
        model="SM-G991B",
    )
    sime = device("SIME0005", verdict(0, number_counts=counts(0, personal=4)), model="moto g54")
    return dataclasses.replace(
        fleet(), scan_id="scan-day2", scanned_at=DAY2, station="it-desk-2",
        devices=(sima, simb, old["SIMC0003"], old["SIMD0004"], sime),
    )


def recorded(target: str, *reports: ScanReport, source: str = "scan") -> History:
    store = open_history(parse_target(target), create=True)
    for report in reports:
        assert store.record(report, source)
    return store


def test_recording_twice_adds_nothing_and_latest_state_round_trips(history_target: str) -> None:
    with recorded(history_target, first_scan()) as store:
        assert not store.record(first_scan(), "scan")  # same scan id: nothing added
        assert [line.info.scan_id for line in store.scans()] == ["scan-day1"]
        state = store.latest()
    # the latest state renders as CSV v1 exactly like the report it came from, row for row
    original = {r["serial"] + r["user_id"] + r["package"]: r for r in records(first_scan())}
    again = [r for report in state.reports() for r in records(report)]
    assert len(again) == len(original)
    for row in again:
        assert row == original[row["serial"] + row["user_id"] + row["package"]]


def test_history_lists_scans_and_a_station_audit_names_its_phone(history_target: str) -> None:
    one = dataclasses.replace(second_scan(), scan_id="station-1", devices=(second_scan().devices[0],))
    recorded(history_target, first_scan()).close()
    recorded(history_target, one, source="station").close()
    code, out, _ = run("history", "--history", history_target)
    assert code == 0
    lines = out.splitlines()
    day1 = next(x for x in lines if "scan-day1" in x)
    assert "it-desk-1" in day1 and " 5 " in day1 and " 3 " in day1 and "critical" in day1
    station = next(x for x in lines if "station-1" in x)
    assert "SIMA0001 (Pixel 7)" in station and "station" in station
    code, out, _ = run("history", "--history", history_target, "--since", "2026-05-02")
    assert code == 0 and "station-1" in out and "scan-day1" not in out


def test_phones_shows_each_phones_latest_state_worst_first(history_target: str) -> None:
    recorded(history_target, first_scan(), second_scan()).close()
    code, out, err = run("history", "phones", "--history", history_target)
    assert code == 0, err
    heads = [line.split()[0] for line in out.splitlines()[2:] if line and not line.startswith(" ")]
    assert heads == ["SIMA0001", "SIME0005", "SIMC0003", "SIMD0004", "SIMB0002"]  # critical..., ok last
    sima = next(x for x in out.splitlines() if "SIMA0001" in x)
    assert DAY2 in sima and "it-desk-2" in sima and "Pixel 7" in sima
    assert "unknown (offline)" in out and "5 phone(s)" in err
    assert run("history", "--history", history_target, "phones")[1] == out  # the option before the subcommand
    # the work profile row of SIMA0001 is the second line of its block, with the day-2 state
    block = out.splitlines()[2:4]
    assert "10 work_profile" in block[1] and "granted" in block[1] and " 1 " in block[1]


def test_timeline_shows_one_phone_over_time(history_target: str) -> None:
    recorded(history_target, first_scan(), second_scan()).close()
    code, out, _ = run("history", "--history", history_target, "-s", "SIMB0002")
    assert code == 0
    assert out.index(DAY1) < out.index(DAY2)
    assert "high" in out.split(DAY2)[0] and " ok" in out.split(DAY2)[1]
    assert "SIMA0001" not in out
    code, _, err = run("history", "--history", history_target, "-s", "NOSUCH")
    assert code == 2 and "no audit of phone 'NOSUCH'" in err


def test_diff_lists_regressions_first(history_target: str) -> None:
    recorded(history_target, first_scan(), second_scan()).close()
    code, out, err = run("history", "diff", "--history", history_target)
    assert code == 0, err
    rows = [line for line in out.splitlines()[2:] if line.strip()]
    serials = [r.split()[0] for r in rows]
    assert serials.index("SIMB0002") > max(i for i, s in enumerate(serials) if s in ("SIMA0001", "SIME0005"))
    sima = "\n".join(r for r in rows if r.startswith("SIMA0001"))
    assert "contacts permission granted again (denied -> granted)" in sima
    assert "2 new third-party number(s) (6 -> 8)" in sima
    assert "WhatsApp in user 0 (owner) is new there" in "\n".join(r for r in rows if r.startswith("SIME0005"))
    simb = [r for r in rows if r.startswith("SIMB0002")]
    assert simb and all("improvement" in r for r in simb)
    assert not any(r.startswith(("SIMC0003", "SIMD0004")) for r in rows)  # unchanged phones are left out
    assert "3 phone(s) changed, 2 with a regression" in err
    # since a date: the state then (none) against now: every phone is new
    code, out, _ = run("history", "diff", "--history", history_target, "--since", "2026-04-01")
    assert code == 0 and out.count("new phone") == 5
    code, out, err = run("history", "diff", "--history", history_target, "--since", "2026-05-02")
    assert code == 0 and "granted again" in out and "SIMB0002" in out
    code, _, err = run("history", "diff", "--history", history_target, "--since", "yesterday")
    assert code == 2 and "not a date" in err


def test_export_csv_is_schema_v1_rows_of_the_latest_state(history_target: str, tmp_path: Path) -> None:
    recorded(history_target, first_scan(), second_scan()).close()
    out_file = tmp_path / "latest.csv"
    code, _, err = run("history", "export", "--history", history_target, "-f", "csv", "-o", str(out_file))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"), newline="")))
    assert list(rows[0]) == list(COLUMNS)
    latest = {d.serial: d for d in second_scan().devices}
    assert {r["serial"] for r in rows} == set(latest)
    assert {r["scan_id"] for r in rows} == {"scan-day2"}
    expected = [{k: neutralise(v) for k, v in r.items()} for d in second_scan().devices
                for r in records(dataclasses.replace(second_scan(), devices=(d,)))]
    assert sorted(rows, key=lambda r: (r["serial"], r["user_id"])) == sorted(
        expected, key=lambda r: (r["serial"], r["user_id"]))
    code, out, _ = run("history", "export", "--history", history_target, "--excel")
    assert code == 0 and out.startswith("\ufeffschema_version;")
    code, _, err = run("history", "export", "--history", history_target, "-f", "json", "--excel")
    assert code == 2 and "--excel goes with --format csv" in err


def test_export_json_holds_every_phone_with_its_verdicts(history_target: str) -> None:
    recorded(history_target, first_scan(), second_scan()).close()
    code, out, _ = run("history", "export", "--history", history_target, "-f", "json", "--lang", "de")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == 1 and doc["lang"] == "de"
    phones = {p["serial"]: p for p in doc["phones"]}
    assert set(phones) == {"SIMA0001", "SIMB0002", "SIMC0003", "SIMD0004", "SIME0005"}
    sima = phones["SIMA0001"]
    assert sima["first_seen"] == DAY1 and sima["last_seen"] == DAY2 and sima["station"] == "it-desk-2"
    assert [v["contacts_permission"] for v in sima["verdicts"]] == ["granted", "granted"]
    assert sima["verdicts"][0]["third_party_numbers"] == 8
    assert phones["SIMD0004"]["severity"] == "unknown" and phones["SIMD0004"]["verdicts"] == []
    wanted = json.loads(render_json(second_scan()))["devices"][0]["verdicts"][0]
    assert sima["verdicts"][0] == wanted | {"finding": sima["verdicts"][0]["finding"],
                                             "remediation": sima["verdicts"][0]["remediation"]}
    assert sima["verdicts"][0]["finding"]["key"] == wanted["finding"]["key"]


def test_import_reads_json_reports_once_and_skips_bad_files(history_target: str, tmp_path: Path) -> None:
    folder = tmp_path / "old-history"
    folder.mkdir()
    (folder / "1.json").write_text(render_json(first_scan()), encoding="utf-8")
    (folder / "2.json").write_text(render_json(second_scan()), encoding="utf-8")
    (folder / "deep.json").write_text("[" * 200_000, encoding="utf-8")  # RecursionError in json
    (folder / "other.json").write_text('{"schema_version": 7}', encoding="utf-8")
    (folder / "typed.json").write_text(
        render_json(dataclasses.replace(first_scan(), scan_id="x")).replace('"status": "audited"', '"status": 5', 1),
        encoding="utf-8")
    code, _, err = run("history", "import", str(folder), "--history", history_target)
    assert code == 1, err  # some files were skipped
    assert "imported 2 scan(s) (10 phone audit(s))" in err and "3 file(s) skipped" in err
    assert "deep.json: nested too deeply" in err and "other.json: not a contact-audit JSON report" in err
    assert "typed.json: devices[0].status is not one of the schema's values" in err
    code, _, err = run("history", "import", str(folder / "1.json"), str(folder / "2.json"), "--history", history_target)
    assert code == 0 and "imported 0 scan(s)" in err and "2 already there" in err
    _, out, _ = run("history", "diff", "--history", history_target)
    assert "granted again" in out  # imported scans answer the views like recorded ones
    code, _, err = run("history", "import", str(tmp_path / "nothing"), "--history", history_target)
    assert code == 2 and "does not exist" in err


def test_nothing_personal_is_stored(history_target: str) -> None:
    """Counts only: not one number, e-mail, company or user name of the address books."""
    report = second_scan()
    secrets = {"erika.musterfrau@example.de", "Musterfirma Beispiel GmbH", "User 0", "User 10"}
    secrets |= {fake_number(i) for i in range(10)} | {fake_number(i).replace(" ", "") for i in range(10)}
    with recorded(history_target, report) as store:
        dump = []
        for table in ("history_meta", "scans", "audits", "app_rows", "phones"):
            dump += [repr(r) for r in store.db.query(f"SELECT * FROM {table}")]
    text = "\n".join(dump)
    assert "SIMA0001" in text and "Pixel 7" in text  # the test reads the real rows
    assert not [s for s in secrets if s in text]


def test_device_text_is_never_printed_raw(history_target: str) -> None:
    hostile = dataclasses.replace(
        first_scan(), station="desk\x1b[2J",
        devices=(device("EVIL\x1b]0;x\x07", verdict(0), model="Pix\u202eel\x1b[31m"),),
    )
    recorded(history_target, hostile).close()
    outputs = [run("history", "--history", history_target)[1], run("history", "phones", "--history", history_target)[1],
               run("history", "--history", history_target, "-s", "EVIL\x1b]0;x\x07")[1],
               run("history", "export", "--history", history_target, "-f", "json")[1],
               run("history", "export", "--history", history_target)[1]]
    for out in outputs:
        assert "desk" in out or "EVIL" in out  # the row is there
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out


def test_a_newer_database_is_refused_and_left_unchanged(history_target: str) -> None:
    recorded(history_target, first_scan()).close()
    with open_history(parse_target(history_target), create=False) as store, store.db.write():
        store.db.execute("UPDATE history_meta SET value = '99' WHERE key = 'schema_version'")
    before = _fingerprint(history_target)
    for args in (["history"], ["history", "phones"], ["history", "import", "/nonexistent"]):
        code, out, err = run(*args, "--history", history_target)
        if args[-1] == "/nonexistent":
            continue  # checked before the history is opened
        assert code == 2 and out == ""
        assert "written by a newer contact-audit (schema 99" in err and "left as it is" in err
        assert len(err.strip().splitlines()) == 1
    assert _fingerprint(history_target) == before


def test_migrations_are_applied_on_open(history_target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from audit.history import schema

    recorded(history_target, first_scan()).close()
    monkeypatch.setitem(schema.MIGRATIONS, 2, ["CREATE TABLE later_addition (x INTEGER)"])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    with open_history(parse_target(history_target), create=False) as store:
        assert store.db.query("SELECT value FROM history_meta WHERE key = 'schema_version'") == [("2",)]
        assert "later_addition" in store.db.tables()
        assert len(store.latest().phones) == 5  # the data came along
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 1)  # this version again: the database is newer now
    code, _, err = run("history", "--history", history_target)
    assert code == 2 and "schema 2" in err


def _fingerprint(target: str) -> object:
    """The SQLite file's bytes, or every PostgreSQL row, to show that nothing changed."""
    if target.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(target) as conn:
            return [conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()  # type: ignore[call-overload]
                    for t in ("history_meta", "scans", "audits", "app_rows", "phones")]
    return Path(target).read_bytes()


# --- SQLite files that must be refused --------------------------------------------------------------


@pytest.mark.parametrize("content", [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_damaged_file_is_refused_and_never_overwritten(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(content)
    for args in (["history"], ["history", "phones"], ["scan", "--adb-port", "1", "-q"]):
        code, out, err = run(*args, "--history", str(path))
        assert code == 2 and out == ""
        assert "is damaged or not an SQLite database" in err and "left as it is" in err
        assert len(err.strip().splitlines()) == 1
    assert path.read_bytes() == content
    assert not (tmp_path / "history.sqlite3-wal").exists()


def test_a_truncated_history_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    many = [dataclasses.replace(first_scan(), scan_id=f"s{i}", scanned_at=f"2026-05-01T10:{i:02d}:00Z")
            for i in range(40)]
    recorded(str(path), *many).close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    cut = path.read_bytes()
    code, _, err = run("history", "phones", "--history", str(path))
    assert code == 2 and "damaged" in err and len(err.strip().splitlines()) == 1
    assert path.read_bytes() == cut


def test_another_programs_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE addresses (name TEXT)")
    before = path.read_bytes()
    code, _, err = run("history", "--history", str(path))
    assert code == 2 and "an SQLite database of another program" in err
    assert path.read_bytes() == before


# --- targets ---------------------------------------------------------------------------------------


def test_bad_targets_are_one_line_errors(tmp_path: Path) -> None:
    cases = {
        "mysql://db/x": "unsupported history URL scheme 'mysql://'",
        "sqlite://relative.db": "write sqlite:///ABSOLUTE/PATH",
        "postgresql://u:s3cret@127.0.0.1:1/x": "cannot use the history server 'postgresql://u:***@127.0.0.1:1/x'",
        "postgresql://h/db?nosuchoption=1": "bad PostgreSQL URL",
        str(tmp_path / "missing" / "h.db"): "no history at",
        str(tmp_path): "is a directory: the history is now one database file",
    }
    for value, message in cases.items():
        code, out, err = run("history", "phones", "--history", value)
        assert code == 2 and out == "", value
        assert message in err, (value, err)
        assert len(err.strip().splitlines()) == 1 and "s3cret" not in err


def test_sqlite_url_and_default_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CONTACT_AUDIT_HISTORY", raising=False)
    code, _, err = run("history", "phones")
    assert code == 0 and "the history is empty" in err  # the default file does not exist yet: not an error
    assert not (tmp_path / "data").exists()  # and a view created nothing
    recorded(f"sqlite://{tmp_path}/u.sqlite3", first_scan()).close()
    code, out, _ = run("history", "--history", f"sqlite://{tmp_path}/u.sqlite3")
    assert code == 0 and "scan-day1" in out
    store = open_history(parse_target(None), create=True)  # a writer creates the default, private
    store.close()
    default = tmp_path / "data" / "contact-audit" / "history.sqlite3"
    assert default.is_file() and (default.stat().st_mode & 0o777) == 0o600
    assert (default.parent.stat().st_mode & 0o777) == 0o700
    monkeypatch.setenv("CONTACT_AUDIT_HISTORY", str(tmp_path / "u.sqlite3"))
    assert "scan-day1" in run("history")[1]


def test_diff_rules_a_phone_no_longer_audited_and_a_messenger_in_a_new_profile() -> None:
    from audit.history.rows import audit_row
    from audit.history.views import REGRESSION, compare
    from audit.results import DeviceResult, DeviceStatus

    before = audit_row(device("X1", verdict(0, permission=PermissionStatus.DENIED, severity=Severity.OK,
                                            upload=Upload.NO)))
    gone = audit_row(DeviceResult("X1", DeviceStatus.TIMEOUT, "no answer within 60 s"))
    changes = compare(before, gone)
    assert changes[0].kind == REGRESSION and "not audited this time (timeout)" in changes[0].text
    assert any("worst severity ok -> unknown" in c.text for c in changes)
    clone = audit_row(device("X1", verdict(0, permission=PermissionStatus.DENIED, severity=Severity.OK,
                                           upload=Upload.NO),
                             verdict(95, kind=UserKind.CLONE)))
    changes = compare(before, clone)
    assert [c.kind for c in changes][:2] == [REGRESSION, REGRESSION]
    assert any("WhatsApp in user 95 (clone) is new there (permission granted)" in c.text for c in changes)
    assert not compare(before, before)


def test_an_old_json_history_directory_is_pointed_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("CONTACT_AUDIT_HISTORY", raising=False)
    old = tmp_path / "contact-audit" / "history"
    old.mkdir(parents=True)
    (old / "20260501T100000Z-1.json").write_text(render_json(first_scan()), encoding="utf-8")
    code, _, err = run("history")
    assert code == 0 and f"contact-audit history import {old}" in err
    code, _, err = run("history", "import", str(old))
    assert code == 0 and "imported 1 scan(s) (5 phone audit(s))" in err
    assert "scan-day1" in run("history")[1]


def test_export_html_is_the_dpo_report_of_the_latest_state(history_target: str, tmp_path: Path) -> None:
    """Issue 11: the HTML report can be rendered from the history: a page per phone as its last
    audit found it, escaped like a scan's page."""
    recorded(history_target, first_scan(), second_scan()).close()
    out = tmp_path / "fleet.html"
    code, _, err = run("history", "export", "--history", history_target, "-f", "html", "-o", str(out), "--lang", "de")
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert page.count('<section class="phone') == 5
    for serial in ("SIMA0001", "SIMB0002", "SIMC0003", "SIMD0004", "SIME0005"):
        assert serial in page
    assert "<script" not in page
    assert 'lang="de"' in page
    assert "it-desk-2" in page


def test_counts_marked_known_with_one_missing_come_back_unknown() -> None:
    """An edited database or a hand-made report may say "known" and leave a count out: shown as
    0 it would understate the third parties, so the whole set is unknown."""
    from audit.history.rows import audit_row

    row = audit_row(device("X1", verdict(0, number_counts=counts(personal=5))))
    app_row = row.apps[0]
    assert app_row.to_verdict().counts.known and app_row.to_verdict().counts.personal == 5
    holed = dataclasses.replace(app_row, personal_numbers=None)
    assert holed.counts_known and not holed.to_verdict().counts.known
