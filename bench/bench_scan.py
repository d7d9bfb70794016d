"""Benchmark: a fleet scan, concurrent vs one phone after another, through the real adb server.

Run:  .venv/bin/python bench/bench_scan.py [--phones 50] [--contacts 2000] [--latency-ms 20]

The simulated phones run in a separate process (`contact-audit simulate`), so this process's
CPU time (time.process_time, all threads) is the tool's own work: adb I/O, splitting, parsing,
classification, verdicts and the report. Both scans run side by side in one run against the
same phones: ``--jobs 16`` (the default maximum) and ``--jobs 1``. Peak memory is Python's
(tracemalloc) during the concurrent scan. Absolute times on shared 2-core machines are noisy:
quote the ratio.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from audit.adb import AdbHost
from audit.policy import load_policy
from audit.report import render
from audit.scan import ScanOptions, scan
from audit.simulator.harness import AdbServer

POLICY = Path(__file__).resolve().parent.parent / "audit" / "data" / "demo-policy.toml"


def profile(i: int, contacts: int, latency_ms: int) -> str:
    return f"""
description = "bench phone {i}"
[device]
manufacturer = "Google"
model = "Bench {i}"
product = "bench{i}"
device = "bench"
android_release = "14"
sdk = 34
sim_country = "de"
locale = "de-DE"

[faults]
latency_ms = {latency_ms}

[[users]]
id = 0
name = "Owner"
kind = "owner"
[users.book]
account_type = "com.google"
[[users.book.generate]]
count = {contacts}
seed = {i % 5}
mix = {{ private = 0.5, business = 0.3, colleague = 0.2 }}
whatsapp = 0.3

[[packages]]
package = "com.whatsapp"
[[packages.users]]
user = 0
permissions = {{ READ_CONTACTS = {{ granted = true, flags = ["USER_SET"] }} }}
appops = {{ READ_CONTACTS = {{ mode = "allow", access = "3m1s" }} }}
"""


def timed_scan(host: AdbHost, jobs: int, trace: bool = False) -> tuple[float, float, int, int]:
    policy = load_policy(POLICY)
    if trace:
        tracemalloc.start()
    cpu, wall = time.process_time(), time.perf_counter()
    report = scan(host, policy, ScanOptions(jobs=jobs, timeout=600))
    render(report, "csv")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    audited = sum(1 for d in report.devices if d.status.value == "audited")
    return wall, cpu, peak, audited


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--phones", type=int, default=50)
    ap.add_argument("--contacts", type=int, default=2000)
    ap.add_argument("--latency-ms", type=int, default=20)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp, AdbServer() as server:
        paths = []
        for i in range(args.phones):
            path = Path(tmp) / f"bench{i:03}.toml"
            path.write_text(profile(i, args.contacts, args.latency_ms), encoding="utf-8")
            paths.append(str(path))
        sim = subprocess.Popen(
            [sys.executable, "-m", "audit", "simulate", "--adb-port", str(server.port), *paths],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        try:
            assert sim.stdout is not None
            serials = [sim.stdout.readline() for _ in paths]
            if not all(serials):
                print("the simulated fleet did not start", file=sys.stderr)
                return 1
            host = AdbHost(server.port)
            deadline = time.monotonic() + 120
            while sum(d.status is None for d in host.devices()) < args.phones and time.monotonic() < deadline:
                time.sleep(0.2)
            conc_wall, conc_cpu, _, conc_ok = timed_scan(host, 16)
            seq_wall, seq_cpu, _, seq_ok = timed_scan(host, 1)
            _, _, peak, _ = timed_scan(host, 16, trace=True)  # tracemalloc slows the scan: a run of its own
        finally:
            sim.send_signal(signal.SIGINT)
            try:
                sim.wait(timeout=60)
            except subprocess.TimeoutExpired:
                sim.kill()

    per_phone_ms = seq_cpu / max(seq_ok, 1) * 1000
    per_1000 = seq_cpu / max(seq_ok * args.contacts, 1) * 1000 * 1000
    print(f"fleet: {args.phones} phones x {args.contacts} contacts, {args.latency_ms} ms latency per command, "
          f"{os.cpu_count()} cores")
    print(f"concurrent (--jobs 16): {conc_wall:6.2f}s wall, {conc_ok} audited, tool CPU {conc_cpu:.2f}s")
    print(f"sequential (--jobs 1) : {seq_wall:6.2f}s wall, {seq_ok} audited, tool CPU {seq_cpu:.2f}s")
    print(f"speed-up: {seq_wall / conc_wall:.1f}x")
    print(f"tool CPU per phone (sequential run): {per_phone_ms:.0f} ms; per 1,000 contacts: {per_1000:.0f} ms")
    print(f"peak Python memory (concurrent scan): {peak / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
