"""Two processes recording into one history at once lose nothing, on SQLite and PostgreSQL.

Real processes (not threads): that is how two stations, or a station and a scan, share a
history. Both open the empty history at the same moment (racing to create the schema), then
record scans of the same phones, so they also contend for every phone's latest state.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from test_report_builders import fleet

from audit.history.store import open_history
from audit.history.target import parse_target

SCANS = 25
PHONES = 20
TESTS = Path(__file__).resolve().parent

WRITER = f"""
import dataclasses, os, sys, time
sys.path.insert(0, {str(TESTS)!r})
from test_report_builders import fleet
from test_report_builders import fleet

from audit.history.store import open_history
from audit.history.target import parse_target

target, tag, go = sys.argv[1:4]
while not os.path.exists(go):
    time.sleep(0.005)
base = fleet()
with open_history(parse_target(target), create=True) as store:
    for i in range({SCANS}):
        devices = tuple(dataclasses.replace(d, serial=f"PHONE{{j:03d}}")
                        for j, d in enumerate((base.devices * {PHONES})[:{PHONES}]))
        second = "00" if tag == "a" else "30"
        report = dataclasses.replace(base, scan_id=f"{{tag}}-{{i}}", station=tag, devices=devices,
                                     scanned_at=f"2026-05-01T10:{{i:02d}}:{{second}}Z")
        assert store.record(report, "scan"), i
print("done", tag)
"""


def test_two_writers_at_once_lose_nothing(history_target: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, history_target, tag, str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    try:
        time.sleep(1.0)  # both interpreters up and waiting
        go.touch()
        results = [p.communicate(timeout=240) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.startswith("done")
    with open_history(parse_target(history_target), create=False) as store:
        scans = store.scans()
        assert sorted(s.info.scan_id for s in scans) == sorted(f"{t}-{i}" for t in "ab" for i in range(SCANS))
        assert all(s.phones == PHONES for s in scans)
        devices = (fleet().devices * PHONES)[:PHONES]
        apps_per_scan = sum(len(d.verdicts) for d in devices)
        assert apps_per_scan > 0
        assert store.db.query("SELECT COUNT(*) FROM audits") == [(2 * SCANS * PHONES,)]
        assert store.db.query("SELECT COUNT(*) FROM app_rows") == [(2 * SCANS * apps_per_scan,)]
        state = store.latest()
        assert len(state.phones) == PHONES
        # the latest state is the latest scan of either writer: b's last one (same minute, :30)
        assert {p.latest.scan.scan_id for p in state.phones} == {f"b-{SCANS - 1}"}
        assert {p.first_seen for p in state.phones} == {"2026-05-01T10:00:00Z"}

