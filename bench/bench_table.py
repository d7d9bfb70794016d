"""Benchmark: rendering the human table for a large fleet, at 80, 120 and 250 columns.

Run:  .venv/bin/python bench/bench_table.py [--phones 500] [--repeat 3]

The table is laid out by rich, which measures and wraps every cell; this shows what that costs
per phone next to the CSV report of the same ScanReport (which only serialises). Synthetic
phones, two verdicts each with the catalogue's real sentences (the longest the table shows), in
English and German. Absolute times on shared 2-core machines are noisy: quote per-phone figures
and the ratio to CSV.
"""

from __future__ import annotations

import argparse
import statistics
import time

from audit.report import render
from audit.results import DeviceResult, DeviceStatus, Message, NumberCounts, ScanReport, Severity, Tri, Upload, Verdict
from audit.snapshot import DeviceInfo, DeviceSnapshot, PermissionStatus, UserKind


def verdict(user_id: int, kind: UserKind, serial: str) -> Verdict:
    counts = NumberCounts(user_id=user_id, known=True, contacts=60, phone_numbers=70, distinct_numbers=53,
                          business=20, personal=29, invalid=4)
    params: tuple[tuple[str, str | int], ...] = (
        ("app", "WhatsApp"), ("package", "com.whatsapp"), ("user", user_id), ("third_party", 53),
        ("business", 20), ("personal", 29), ("invalid", 4), ("colleague", 0), ("serial", serial))
    return Verdict(
        user_id=user_id, user_kind=kind, package="com.whatsapp", app="WhatsApp", app_version="2.24",
        app_enabled=True, contacts_permission=PermissionStatus.GRANTED, permission_flags=(), appop_mode="allow",
        last_contacts_access=None, synced_contacts=4, past_upload=Tri.YES, counts=counts,
        uploads_third_party=Upload.YES, severity=Severity.CRITICAL, rule="reads.third_party",
        finding=Message("finding.reads_third_party", params), remediation=Message("fix.deny_lock.past", params),
    )


def fleet(phones: int) -> ScanReport:
    devices = []
    for i in range(phones):
        serial = f"R58M{i:06d}"
        snap = DeviceSnapshot(serial=serial, info=DeviceInfo(model=f"SM-A{i % 900:03d}B", android_release="14",
                                                             sdk=34), users=(), apps=(), address_books=())
        devices.append(DeviceResult(serial, DeviceStatus.AUDITED, snapshot=snap, verdicts=(
            verdict(0, UserKind.OWNER, serial), verdict(10, UserKind.WORK_PROFILE, serial))))
    return ScanReport("bench", "2026-12-03T10:00:00Z", "bench", "0", "bench", "ab" * 32, tuple(devices))


def timed(func: object, repeat: int) -> float:
    assert callable(func)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report = fleet(args.phones)
    csv_s = timed(lambda: render(report, "csv"), args.repeat)
    print(f"{args.phones} phones x 2 verdicts; median of {args.repeat}")
    print(f"csv                 {csv_s:6.2f} s  ({csv_s / args.phones * 1000:5.1f} ms/phone)")
    for lang in ("en", "de"):
        for width in (80, 120, 250):
            s = timed(lambda lang=lang, width=width: render(report, "table", lang, width=width), args.repeat)
            print(f"table {lang} {width:3d} cols  {s:6.2f} s  ({s / args.phones * 1000:5.1f} ms/phone, "
                  f"{s / csv_s:4.1f}x csv)")


if __name__ == "__main__":
    main()
