"""Benchmark: the history with 5,000 phones x 20 scans, SQLite and PostgreSQL side by side.

Run:  nice .venv/bin/python bench/bench_history.py [--phones 5000] [--scans 20] [--import-scans 4]

For each backend, in one run: record the scans (``History.record``, as `scan` does; phone
audits per second), then time `history phones` three ways: the view in process (open, query the
latest state, render the table; median of 5), the whole CLI command as a subprocess (interpreter
start included; median of 3), and `history diff` in process (last two audits of every phone,
median of 3); then import JSON reports written by the report renderer (`history import`'s code
path: read, validate, store; phone audits per second). PostgreSQL is a throwaway server started
from this machine's binaries with its default durability (fsync on), on loopback. Absolute times
on a shared 2-core machine are noisy: compare the two columns of one run, and read the CPU time
of this process (on SQLite it includes the database's own work) when the load average is high.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from audit.history.importer import read_report
from audit.history.store import open_history
from audit.history.target import parse_target
from audit.history.views import diff, render_diff, render_phones
from audit.report.json_report import render_json
from audit.results import DeviceResult, DeviceStatus, Message, NumberCounts, ScanReport, Severity, Tri, Upload, Verdict
from audit.snapshot import DeviceInfo, DeviceSnapshot, PermissionStatus, UserKind

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pg_server import PgServer, find_bin_dir


def verdict(user: int, kind: UserKind, granted: bool, third: int) -> Verdict:
    counts = NumberCounts(user, True, contacts=third + 40, phone_numbers=third + 45, distinct_numbers=third + 30,
                          colleague=30, business=third // 2, personal=third - third // 2, invalid=0)
    severity = Severity.CRITICAL if granted else Severity.OK
    return Verdict(
        user_id=user, user_kind=kind, package="com.whatsapp", app="WhatsApp", app_version="2.24.1.6",
        app_enabled=True, contacts_permission=PermissionStatus.GRANTED if granted else PermissionStatus.DENIED,
        permission_flags=("USER_SET",) if granted else ("USER_SET", "USER_FIXED"), appop_mode="allow",
        last_contacts_access="2026-05-01T09:00:00Z", synced_contacts=12, past_upload=Tri.YES if granted else Tri.NO,
        counts=counts, uploads_third_party=Upload.YES if granted else Upload.NO, severity=severity,
        rule="upload.granted" if granted else "denied.fixed",
        finding=Message("bench.finding", (("app", "WhatsApp"), ("numbers", third))),
        remediation=Message("bench.remediation", (("package", "com.whatsapp"),)),
    )


def report(scan: int, phones: int) -> ScanReport:
    """One scan of the whole fleet; each scan some phones change (permission, numbers), 2% offline."""
    devices = []
    for p in range(phones):
        serial = f"BENCH{p:05d}"
        if (p + scan) % 50 == 0:
            devices.append(DeviceResult(serial, DeviceStatus.OFFLINE, "device offline"))
            continue
        granted = (p + scan) % 7 == 0
        verdicts = (verdict(0, UserKind.OWNER, granted, 20 + (p + scan) % 13),
                    verdict(10, UserKind.WORK_PROFILE, False, 5 + scan % 3))
        info = DeviceInfo(manufacturer="Google", model=f"Pixel {p % 9}", android_release="14", sdk=34)
        devices.append(DeviceResult(serial, DeviceStatus.AUDITED, None, DeviceSnapshot(serial, info, (), (), ()),
                                    verdicts=verdicts, duration_s=1.5))
    return ScanReport(f"bench-{scan:03d}", f"2026-05-{1 + scan // 24:02d}T{scan % 24:02d}:00:00Z", "bench-station",
                      "bench", "bench-policy", "ab" * 32, tuple(devices))


def median_time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (on SQLite that includes the
    database's work; on PostgreSQL only the client's): CPU time says more than wall time when
    other work loads the machine."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def run_backend(target: str, reports: list[ScanReport], import_files: list[Path]) -> dict[str, float]:
    out: dict[str, float] = {}
    audits = sum(len(r.devices) for r in reports)
    start, cpu = time.perf_counter(), time.process_time()
    with open_history(parse_target(target), create=True) as store:
        for r in reports:
            store.record(r, "scan")
    out["record_s"] = time.perf_counter() - start
    out["record_rate"] = audits / out["record_s"]
    out["record_cpu_rate"] = audits / (time.process_time() - cpu)

    def phones_view() -> None:
        with open_history(parse_target(target), create=False) as store:
            render_phones(store.latest())

    def diff_view() -> None:
        with open_history(parse_target(target), create=False) as store:
            latest = {p.latest.serial: p.latest for p in store.latest().phones}
            render_diff(diff(store.nth_latest(2), latest, new_phones=False))

    out["phones_s"], out["phones_cpu_s"] = median_time(phones_view, 5)
    cli = [sys.executable, "-m", "audit", "history", "phones", "--history", target]
    out["phones_cli_s"] = median_time(lambda: subprocess.run(cli, check=True, capture_output=True), 3)[0]
    out["diff_s"], out["diff_cpu_s"] = median_time(diff_view, 3)

    imported = 0
    start, cpu = time.perf_counter(), time.process_time()
    with open_history(parse_target(target), create=True) as store:
        for path in import_files:
            row = read_report(path)
            assert store.store(row)
            imported += len(row.audits)
    out["import_s"] = time.perf_counter() - start
    out["import_rate"] = imported / out["import_s"] if imported else 0.0
    out["import_cpu_rate"] = imported / (time.process_time() - cpu) if imported else 0.0
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--phones", type=int, default=5000)
    ap.add_argument("--scans", type=int, default=20)
    ap.add_argument("--import-scans", type=int, default=4, help="JSON reports of the whole fleet to import")
    ap.add_argument("--no-postgresql", action="store_true")
    args = ap.parse_args()

    load_before = os.getloadavg()[0]
    reports = [report(i, args.phones) for i in range(args.scans)]
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        folder = Path(tmp)
        files = []
        for i in range(args.import_scans):  # new scan ids, so they are imported on top of the recorded ones
            path = folder / f"import-{i}.json"
            extra = dataclasses.replace(report(args.scans + i, args.phones), scan_id=f"import-{i:03d}")
            path.write_text(render_json(extra), encoding="utf-8")
            files.append(path)
        size = sum(f.stat().st_size for f in files) / 2**20
        results = {"SQLite": run_backend(str(folder / "history.sqlite3"), reports, files)}
        db_size = (folder / "history.sqlite3").stat().st_size / 2**20
        bin_dir = None if args.no_postgresql else find_bin_dir()
        if bin_dir is not None:
            server = PgServer(bin_dir, durable=True)
            try:
                server.start()
                results["PostgreSQL"] = run_backend(server.new_database(), reports, files)
            finally:
                server.stop()
        elif not args.no_postgresql:
            print("PostgreSQL: no server binary on this machine, skipped", file=sys.stderr)

    audits = args.phones * args.scans
    print(f"history: {args.phones} phones x {args.scans} scans = {audits} phone audits "
          f"({audits * 2 - audits // 50 * 2} app rows); SQLite file {db_size:.0f} MiB; "
          f"import: {args.import_scans} JSON reports, {size:.0f} MiB; python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs; load average {load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end")
    names = list(results)
    print(f"{'':36}" + "".join(f"{n:>14}" for n in names))
    rows = [("record (phone audits/s, wall)", "record_rate", "{:14.0f}"),
            ("record (phone audits/CPU-s here)", "record_cpu_rate", "{:14.0f}"),
            ("`history phones` in process (s)", "phones_s", "{:14.2f}"),
            ("  its CPU time here (s)", "phones_cpu_s", "{:14.2f}"),
            ("`history phones` CLI, whole (s)", "phones_cli_s", "{:14.2f}"),
            ("`history diff` in process (s)", "diff_s", "{:14.2f}"),
            ("  its CPU time here (s)", "diff_cpu_s", "{:14.2f}"),
            ("import (phone audits/s, wall)", "import_rate", "{:14.0f}"),
            ("import (phone audits/CPU-s here)", "import_cpu_rate", "{:14.0f}")]
    for label, key, fmt in rows:
        print(f"{label:36}" + "".join(fmt.format(results[n][key]) for n in names))
    if len(names) == 2:
        a, b = (results[n] for n in names)
        print(f"wall-time ratios PostgreSQL/SQLite (same run): `history phones` {b['phones_s'] / a['phones_s']:.2f}, "
              f"diff {b['diff_s'] / a['diff_s']:.2f}, record {a['record_rate'] / b['record_rate']:.2f}, "
              f"import {a['import_rate'] / b['import_rate']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
