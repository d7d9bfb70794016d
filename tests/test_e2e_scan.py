"""The commands IT staff type, driven through the real adb server and simulated phones.

Verdicts for every bundled phone are asserted here (the expected table is written from the
profiles' stories, see audit/simulator/fleet/*.toml), along with the CSV and JSON schemas,
exit codes, atomic output and robustness against faulty phones in the same fleet scan.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from procs import child
from test_report_json import schema, validate
from typer.testing import CliRunner

from audit.cli import app
from audit.report.csv_report import COLUMNS
from audit.simulator.harness import Fleet
from audit.simulator.profile import bundled_profiles

DEMO_POLICY = Path(__file__).resolve().parent.parent / "audit" / "data" / "demo-policy.toml"
BUNDLED = sorted(p.stem for p in bundled_profiles())
# A per-phone deadline a test does not want to expire: generous, so phones finish even when a
# loaded 2-core machine (or `nice`) gives the scan a small share of the CPU; it costs nothing
# when they answer. Only deadlines meant to cut off a frozen phone are short.
AMPLE = "180"

# profile -> device_status, then per verdict: (user_id, package, uploads_third_party, severity)
EXPECTED: dict[str, tuple[str, set[tuple[str, str, str, str]]]] = {
    "galaxy-a12-a13-autorevoked": ("audited", {("0", "com.whatsapp", "possible", "high")}),
    "nokia61-a8-mdm": ("audited", {("0", "com.whatsapp", "no", "ok")}),
    "xcover5-a11-customerservice": ("audited", {("0", "com.whatsapp.w4b", "no", "ok")}),
    "lgg7-a9-dropped": ("error", set()),
    "galaxy-s7-a6-legacy": ("audited", {("0", "com.whatsapp", "possible", "medium")}),
    "galaxy-a54-a13-securefolder": ("audited", {
        ("0", "com.whatsapp", "no", "ok"),
        ("95", "com.whatsapp", "yes", "critical"),
        ("150", "com.whatsapp", "unknown", "unknown"),
    }),
    "oneplus9-a12-onetime": ("audited", {("0", "com.whatsapp", "yes", "critical")}),
    "pixel7-a15-workprofile": ("audited", {
        ("0", "com.whatsapp", "yes", "critical"),
        ("10", "com.whatsapp.w4b", "no", "ok"),
    }),
    "pixel8-a14-critical": ("audited", {("0", "com.whatsapp", "yes", "critical")}),
    "xperia-xz-a7-unauthorized": ("unauthorized", set()),
    "pixel9-a16-threema": ("audited", {("0", "", "no", "ok")}),
    "redmi-note11-a12-xspace": ("audited", {
        ("0", "com.whatsapp", "yes", "critical"),
        ("999", "com.whatsapp", "yes", "critical"),
    }),
    "motog8-a10-colleagues": ("audited", {("0", "com.whatsapp", "no", "low")}),
    "pixel10-a17-picker": ("audited", {
        ("0", "com.whatsapp", "yes", "critical"),
        ("10", "com.whatsapp.w4b", "no", "ok"),
    }),
}


@pytest.fixture(scope="module")
def fleet(module_fleet):  # type: ignore[no-untyped-def]
    return module_fleet(*BUNDLED)


def cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def port_of(fleet: Fleet) -> str:
    return str(fleet.adb_port)



def rows_of(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


@pytest.fixture(scope="module")
def fleet_csv(fleet: Fleet) -> tuple[int, list[dict[str, str]], str]:
    code, out, err = cli("scan", "--adb-port", port_of(fleet), "--policy", str(DEMO_POLICY),
                         "--format", "csv", "--timeout", AMPLE)
    return code, rows_of(out), err


def test_every_bundled_phone_gets_its_expected_verdicts(fleet: Fleet, fleet_csv: Any) -> None:
    code, rows, _ = fleet_csv
    names = {fleet.serial_of(n): n for n in BUNDLED}
    got: dict[str, tuple[set[str], set[tuple[str, str, str, str]]]] = {}
    for row in rows:
        statuses, verdicts = got.setdefault(names[row["serial"]], (set(), set()))
        statuses.add(row["device_status"])
        if row["device_status"] == "audited":
            verdicts.add((row["user_id"], row["package"], row["uploads_third_party"], row["severity"]))
    assert set(got) == set(EXPECTED)
    for name, (status, verdicts) in EXPECTED.items():
        assert got[name][0] == {status}, name
        assert got[name][1] == verdicts, name
    assert code == 1, "critical verdicts must fail the default --fail-on high"


def _phone_numbers(fleet: Fleet) -> set[str]:
    """Every phone number stored on the fleet's phones, as written and as digits (ground truth)."""
    import contextlib
    import sqlite3

    found: set[str] = set()
    for serial in fleet.serials:
        db = fleet.phone(serial).db_path  # type: ignore[attr-defined]
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'u%_data'")]
            for table in tables:
                for (value,) in conn.execute(
                    f"SELECT data1 FROM {table} WHERE mimetype = 'vnd.android.cursor.item/phone_v2'"
                ):
                    digits = "".join(ch for ch in str(value) if ch.isdigit())
                    if len(digits) >= 6:
                        found.update({str(value), digits})
    return found


def test_csv_columns_values_and_no_raw_numbers(fleet: Fleet, fleet_csv: Any) -> None:
    _, rows, _ = fleet_csv
    allowed = {
        "device_status": {"audited", "unauthorized", "offline", "no_permissions", "timeout", "error",
                          "interrupted", "not_attached"},
        "user_kind": {"owner", "work_profile", "secure_folder", "clone", "secondary", "guest", "other", ""},
        "contacts_permission": {"granted", "denied", "install_time", "not_requested", "unknown", ""},
        "uploads_third_party": {"yes", "possible", "no", "unknown", ""},
        "past_upload": {"yes", "no", "unknown", ""},
        "severity": {"critical", "high", "medium", "low", "ok", "unknown", ""},
    }
    numbers = _phone_numbers(fleet)
    assert len(numbers) > 100
    for row in rows:
        assert row["schema_version"] == "1"
        for column, values in allowed.items():
            assert row[column] in values, (column, row[column])
        for column, value in row.items():
            assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), column
            assert not any(n in value for n in numbers), f"a raw phone number leaked into {column}"
        if row["device_status"] == "audited" and row["contacts"]:
            third = int(row["third_party_numbers"])
            assert third == int(row["business_numbers"]) + int(row["personal_numbers"]) + int(row["invalid_numbers"])


def test_json_report_matches_its_schema_and_the_csv(fleet: Fleet, fleet_csv: Any) -> None:
    code, out, _ = cli("scan", "--adb-port", port_of(fleet), "--policy", str(DEMO_POLICY), "--format", "json",
                       "--quiet", "--timeout", AMPLE)
    doc = json.loads(out)
    assert validate(doc, schema()) == []
    assert doc["policy"]["name"] == "Example GmbH"
    severities = sorted(v["severity"] for d in doc["devices"] for v in d["verdicts"])
    _, rows, _ = fleet_csv
    assert severities == sorted(r["severity"] for r in rows if r["device_status"] == "audited")
    assert code == 1
    # The Samsung owner is named after a person: data minimisation keeps that out; profiles keep labels.
    assert "Anna Beispiel" not in out and "Secure Folder" in out


def test_table_is_german_with_lang_de_and_progress_stays_on_stderr(fleet: Fleet) -> None:
    code, out, err = cli("scan", "--adb-port", port_of(fleet), "--policy", str(DEMO_POLICY), "--lang", "de",
                         "--timeout", AMPLE, "-s", fleet.serial_of("pixel8-a14-critical"))
    assert code == 1
    assert "kritisch" in out.lower()
    assert "höchster Schweregrad kritisch, Bewertungen: 1" in err and "Bewertungen: 1," not in out


def test_fail_on_and_not_audited_exit_codes(fleet: Fleet) -> None:
    port = port_of(fleet)
    ok_phone = fleet.serial_of("nokia61-a8-mdm")
    code, _, _ = cli("scan", "--adb-port", port, "--policy", str(DEMO_POLICY), "-s", ok_phone, "-q")
    assert code == 0
    code, _, _ = cli("scan", "--adb-port", port, "--policy", str(DEMO_POLICY), "-s", ok_phone,
                     "-s", fleet.serial_of("xperia-xz-a7-unauthorized"), "-q")
    assert code == 3
    medium = fleet.serial_of("galaxy-s7-a6-legacy")
    assert cli("scan", "--adb-port", port, "--policy", str(DEMO_POLICY), "-s", medium, "-q")[0] == 0
    assert cli("scan", "--adb-port", port, "--policy", str(DEMO_POLICY), "-s", medium, "-q",
               "--fail-on", "medium")[0] == 1
    env = {"CONTACT_AUDIT_FAIL_ON": "medium"}
    assert cli("scan", "--adb-port", port, "--policy", str(DEMO_POLICY), "-s", medium, "-q", env=env)[0] == 1


def test_unknown_serial_is_a_row_not_a_crash(fleet: Fleet) -> None:
    code, out, _ = cli("scan", "--adb-port", port_of(fleet), "-s", "no-such-phone", "-f", "csv", "-q")
    (row,) = rows_of(out)
    assert row["serial"] == "no-such-phone" and row["device_status"] == "not_attached"
    assert "not attached" in row["device_error"] and "contact-audit devices" in row["device_error"]
    assert row["severity"] == "unknown"
    assert code == 3


def test_output_file_is_written_and_stdout_stays_empty(fleet: Fleet, tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("old report\n", encoding="utf-8")
    code, out, _ = cli("scan", "--adb-port", port_of(fleet), "-s", fleet.serial_of("nokia61-a8-mdm"),
                       "-f", "csv", "--excel", "-o", str(target), "-q")
    assert code == 0 and out == ""
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data.splitlines()[0]
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"], "no temporary file may be left"


def test_bad_policy_is_one_line_and_exit_2(fleet: Fleet, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[organization]\nphone_prefixes = ['not a number']\n", encoding="utf-8")
    code, out, err = cli("scan", "--adb-port", port_of(fleet), "--policy", str(bad))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "phone_prefixes" in err and "Traceback" not in err


def test_devices_lists_every_state_with_hints(fleet: Fleet) -> None:
    code, out, _ = cli("devices", "--adb-port", port_of(fleet))
    assert code == 0
    line = next(x for x in out.splitlines() if fleet.serial_of("xperia-xz-a7-unauthorized") in x)
    assert "unauthorized" in line and "RSA" in line
    assert "Pixel_8" in out or "Pixel 8" in out


def test_faulty_phones_never_stop_the_healthy_ones(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = (bundled_profiles()[0]).read_text(encoding="utf-8")
    variants = {
        "frozen": "freeze_after_bytes = 3000",
        "garbage": 'garbage_command = "dumpsys"',
        "silent": "no_answer = true",
    }
    paths = []
    for name, fault in variants.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(base + f"\n[faults]\n{fault}\n", encoding="utf-8")
        paths.append(path)
    fleet = start_fleet("pixel8-a14-critical", "motog8-a10-colleagues", "xperia-xz-a7-unauthorized",
                        "lgg7-a9-dropped", *paths)
    # the deadline is every phone's and must expire for the frozen one: 60 s leaves the healthy
    # ones 4x what they took when a loaded machine ran this niced (up to 16 s per phone)
    code, out, _ = cli("scan", "--adb-port", port_of(fleet), "-f", "csv", "--timeout", "60")
    rows = rows_of(out)
    status = {}
    for row in rows:
        status.setdefault(row["serial"], set()).add(row["device_status"])
    assert status[fleet.serial_of("pixel8-a14-critical")] == {"audited"}
    assert status[fleet.serial_of("motog8-a10-colleagues")] == {"audited"}
    assert status[fleet.serial_of("xperia-xz-a7-unauthorized")] == {"unauthorized"}
    assert status[fleet.serial_of("lgg7-a9-dropped")] <= {"error", "timeout"}
    assert status[fleet.serial_of("frozen")] == {"timeout"}
    assert status[fleet.serial_of("silent")] == {"offline"}
    garbage = [r for r in rows if r["serial"] == fleet.serial_of("garbage")]
    assert {r["severity"] for r in garbage} == {"unknown"}, "garbage output must never read as ok"
    assert code == 1


def test_ctrl_c_writes_the_report_of_finished_phones(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = (bundled_profiles()[0]).read_text(encoding="utf-8")
    frozen = tmp_path / "frozen.toml"
    frozen.write_text(base + "\n[faults]\nfreeze_after_bytes = 3000\n", encoding="utf-8")
    fleet = start_fleet("nokia61-a8-mdm", frozen)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with child("scan", "--adb-port", port_of(fleet), "-f", "csv", "--timeout", "120",
               "-s", fleet.serial_of("nokia61-a8-mdm"), "-s", fleet.serial_of("frozen"),
               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as proc:
        assert proc.stderr is not None
        end = time.monotonic() + 200  # ends as soon as the healthy phone is done
        seen = ""
        while time.monotonic() < end and "verdict(s)" not in seen:  # wait until the healthy phone is done
            seen += proc.stderr.readline()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    rows = rows_of(out)
    assert {r["serial"]: r["device_status"] for r in rows} == {
        fleet.serial_of("nokia61-a8-mdm"): "audited", fleet.serial_of("frozen"): "interrupted"}
    assert "interrupted" in (seen + err)
    assert proc.returncode == 3


def test_explain_counts_rules_on_stderr_without_numbers(fleet: Fleet) -> None:
    serial = fleet.serial_of("pixel7-a15-workprofile")
    code, out, err = cli("scan", "--adb-port", port_of(fleet), "--policy", str(DEMO_POLICY), "-s", serial,
                         "--explain", "-f", "csv")
    assert code == 1
    explain = [line for line in err.splitlines() if line.startswith(serial)]
    assert any("user 10" in line for line in explain) and any("user 0" in line for line in explain)
    assert "colleague." in err and "business." in err and "personal.default" in err
    assert "personal.default" not in out, "the explanation goes to stderr; stdout carries only the report"
    numbers = _phone_numbers(fleet)
    assert not any(n in err for n in numbers)


@pytest.mark.adb  # starts its own adb server and phones
def test_demo_runs_end_to_end_on_a_private_server() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTACT_AUDIT_", "ANDROID_ADB"))}
    env["ANDROID_ADB_SERVER_PORT"] = "abc"  # the user's server setting plays no part in the demo
    proc = subprocess.run([sys.executable, "-m", "audit", "demo", "--timeout", AMPLE], capture_output=True,
                          text=True, timeout=300, env=env, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Phones: 14 seen, 12 audited, 2 not audited" in proc.stdout
    assert "critical" in proc.stdout and "stopped" in proc.stderr


def test_a_frozen_phone_frees_its_slot_with_jobs_1(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = (bundled_profiles()[0]).read_text(encoding="utf-8")
    frozen = tmp_path / "frozen.toml"
    frozen.write_text(base + "\n[faults]\nfreeze_after_bytes = 3000\n", encoding="utf-8")
    fleet = start_fleet(frozen, "nokia61-a8-mdm")
    code, out, _ = cli("scan", "--adb-port", port_of(fleet), "-f", "csv", "--jobs", "1", "--timeout", "40",
                       "-s", fleet.serial_of("frozen"), "-s", fleet.serial_of("nokia61-a8-mdm"))
    status = {r["serial"]: r["device_status"] for r in rows_of(out)}
    assert status == {fleet.serial_of("frozen"): "timeout", fleet.serial_of("nokia61-a8-mdm"): "audited"}
    assert code == 3


def test_a_scan_without_phones_is_not_a_clean_pass() -> None:
    from audit.simulator.harness import AdbServer

    with AdbServer() as server:  # an adb server of its own: nothing attached
        code, out, err = cli("scan", "--adb-port", str(server.port), "-f", "csv")
    assert code == 3
    assert rows_of(out) == []
    assert "nothing was audited" in err


def test_jobs_bounds_how_many_phones_run_at_once(start_fleet) -> None:  # type: ignore[no-untyped-def]
    from audit.adb import AdbHost
    from audit.policy import load_policy
    from audit.scan import ScanOptions, scan

    fleet = start_fleet("nokia61-a8-mdm", "motog8-a10-colleagues", "pixel8-a14-critical")
    running: set[str] = set()
    most = 0

    class Watch:
        def phones_found(self, devices: object) -> None:
            pass

        def phone_started(self, serial: str) -> None:
            nonlocal most
            running.add(serial)
            most = max(most, len(running))

        def phone_finished(self, result: Any) -> None:
            running.discard(result.serial)

    def run(jobs: int) -> int:
        nonlocal most
        most = 0
        report = scan(AdbHost(int(port_of(fleet))), load_policy(DEMO_POLICY),
                      ScanOptions(serials=tuple(fleet.serials), jobs=jobs, timeout=float(AMPLE)), Watch())
        assert [d.status.value for d in report.devices] == ["audited"] * 3
        return most

    assert run(1) == 1
    assert run(3) == 3


@pytest.mark.parametrize("columns", [80, 120, 250])
def test_table_width_follows_columns(fleet: Fleet, columns: int) -> None:
    """COLUMNS sets the table's width (issue 10: it used to be fixed at 120)."""
    serial = fleet.serial_of("galaxy-a54-a13-securefolder")
    code, out, _ = cli("scan", "--adb-port", port_of(fleet), "--policy", str(DEMO_POLICY), "-s", serial, "-q",
                       env={"COLUMNS": str(columns)})
    assert code == 1
    widest = max(len(line) for line in out.splitlines())
    assert widest <= columns
    assert widest > columns - 25  # the room is used
    lines = out.splitlines()
    head = next((line for line in lines if line.startswith("Severity")), None)
    if head is None:  # stacked (narrow): the facts are sentences
        assert "Third-party numbers: 25 (12 business, 7 personal, 6 invalid)" in " ".join(out.split())
        finding_column = " ".join(out.split())
    else:  # columns: the numbers cell is the total and one line per class, the finding is last
        assert re.search(r"^critical\s+95 clone\s+WhatsApp\s+granted\s+25\s", out, re.M)
        assert all(re.search(rf"\s{cell}\s", out) for cell in ("12 business", "7 personal", "6 invalid"))
        at = head.index("Finding")
        finding_column = " ".join(" ".join(line[at:] for line in lines).split())
    assert "the command below" in finding_column
    assert f"contact-audit fix -s {serial} --user 95 --package com.whatsapp" in [line.strip() for line in lines]
    assert "\x1b[" not in out


def test_table_has_colours_only_on_a_terminal(fleet: Fleet) -> None:
    """Through a pseudo-terminal the table is coloured; NO_COLOR turns that off."""
    import pty
    import select

    def run(extra_env: dict[str, str]) -> str:
        master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"COLUMNS": "120"} | extra_env
        proc = subprocess.Popen(
            [sys.executable, "-m", "audit", "scan", "--adb-port", port_of(fleet), "--policy", str(DEMO_POLICY),
             "-s", fleet.serial_of("nokia61-a8-mdm"), "-q"],
            stdout=slave, stderr=subprocess.DEVNULL, env=env)
        os.close(slave)
        chunks: list[bytes] = []
        try:
            while True:
                ready, _, _ = select.select([master], [], [], 60)
                if not ready:
                    break
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                chunks.append(data)
        finally:
            proc.wait(timeout=60)
            os.close(master)
        return b"".join(chunks).decode("utf-8", "replace")

    coloured = run({})
    assert "\x1b[" in coloured and "Nokia 6.1" in coloured
    plain = run({"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "Nokia 6.1" in plain
