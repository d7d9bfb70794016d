"""The scan history: one JSON report per scan, read back robustly (no adb needed)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from test_report_builders import fleet

from audit.history import load, record, render


def test_record_then_load_and_render(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    report = fleet()
    path = record(report, folder)
    assert path.parent == folder and path.suffix == ".json"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    (folder / "other.json").write_text('{"schema_version": 7}', encoding="utf-8")
    records, problems = load(folder)
    assert [r.scan_id for r in records] == [report.scan_id]
    assert sorted(p.split(":")[0] for p in problems) == ["broken.json", "other.json"]
    (scan,) = records
    assert {p.serial for p in scan.phones} == {d.serial for d in report.devices}
    worst = {p.serial: p.worst for p in scan.phones}
    assert worst == {"SIMA0001": "critical", "SIMB0002": "high", "SIMC0003": "unknown", "SIMD0004": "unknown",
                     "SIME0005": "ok"}
    assert report.scan_id in render(records)
    serial = report.devices[0].serial
    timeline = render(records, serial)
    assert report.scan_id in timeline
    assert report.scan_id not in render(records, "no-such-serial")


def test_missing_directory_is_an_empty_history(tmp_path: Path) -> None:
    assert load(tmp_path / "nothing") == ([], [])
