"""A history of scans: each report kept as JSON (schema v1) in one directory.

Why JSON reports and not a database: the report is already the documented, privacy-safe record
(counts only, never a number, contact name or e-mail), it can be read by any script, and one
file per scan means a crash can never corrupt earlier scans. The directory is created private
(0700): device serials and models are still company data.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.errors import UsageError
from audit.report.json_report import render_json
from audit.report.output import write_atomic
from audit.results import ScanReport, Severity
from audit.textsafe import clean

_SAFE = re.compile(r"[^0-9A-Za-z]")


def default_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "contact-audit" / "history"


def record(report: ScanReport, directory: Path) -> Path:
    """Store one report; the file name sorts by time."""
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise UsageError(f"cannot create the history directory '{directory}': {exc.strerror or exc}") from None
    stamp = _SAFE.sub("", report.scanned_at)
    path = directory / f"{stamp}-{_SAFE.sub('', report.scan_id)}.json"
    write_atomic(path, render_json(report))
    return path


@dataclass(frozen=True)
class PhoneRecord:
    serial: str
    model: str
    status: str
    worst: str  # worst severity; "unknown" when the phone was not audited


@dataclass(frozen=True)
class ScanRecord:
    file: str
    scan_id: str
    scanned_at: str
    station: str
    phones: tuple[PhoneRecord, ...]


def load(directory: Path) -> tuple[list[ScanRecord], list[str]]:
    """Every readable scan, oldest first, and one line per file that could not be read."""
    if not directory.is_dir():
        return [], []
    records: list[ScanRecord] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            records.append(_scan(path.name, doc))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            problems.append(f"{path.name}: not a contact-audit report ({type(exc).__name__})")
    records.sort(key=lambda r: (r.scanned_at, r.file))
    return records, problems


def _scan(name: str, doc: dict[str, Any]) -> ScanRecord:
    if doc.get("schema_version") != 1:
        raise ValueError("unknown schema")
    phones = []
    for device in doc["devices"]:
        severities = [Severity(v["severity"]) for v in device.get("verdicts") or ()]
        if device["status"] != "audited" or not severities:
            severities = [Severity.UNKNOWN]  # as devices[].severity says; older reports lack that key
        worst = max(severities, key=lambda s: s.rank).value
        info = device.get("info") or {}
        phones.append(PhoneRecord(str(device["serial"]), str(info.get("model") or ""), str(device["status"]), worst))
    return ScanRecord(name, str(doc["scan_id"]), str(doc["scanned_at"]), str(doc.get("station") or ""), tuple(phones))


def render(records: list[ScanRecord], serial: str | None = None) -> str:
    """One line per scan, or with ``serial`` one line per scan of that phone (its timeline)."""
    from tabulate import tabulate

    if serial is None:
        rows = []
        for r in records:
            audited = sum(1 for p in r.phones if p.status == "audited")
            worst = max((Severity(p.worst) for p in r.phones if p.worst), key=lambda s: s.rank, default=None)
            rows.append([r.scanned_at, clean(r.station, 30), r.scan_id, len(r.phones), audited,
                         worst.value if worst else "-"])
        return tabulate(rows, headers=["scanned at (UTC)", "station", "scan", "phones", "audited", "worst"])
    rows = [
        [r.scanned_at, clean(r.station, 30), r.scan_id, clean(p.model, 30), p.status, p.worst or "-"]
        for r in records for p in r.phones if p.serial == serial
    ]
    return tabulate(rows, headers=["scanned at (UTC)", "station", "scan", "model", "status", "worst"])
