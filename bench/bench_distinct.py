"""Benchmark: the tool's own CPU and peak memory for address books whose numbers are all distinct.

Run:  .venv/bin/python bench/bench_distinct.py [--contacts 20000] [--repeat 3] [--baseline main]
                                              [--fleet 4] [--fleet-contacts 10000] [--workers 0,1,2,4]

Why: bench_classify.py measures a fleet where numbers repeat across phones, which is where the
per-scan memo pays; a real company phone's book is mostly numbers no other phone has, so every
number costs a full parse. This script scans, through the real adb server, one simulated phone
with ``--contacts`` contacts whose numbers are all distinct and one phone with an empty book,
each with ``contact-audit scan`` as a child process of its own. The cost of the book is the
difference between the two, so adb start-up, Python start-up, imports and the report of an
empty phone do not count. CPU is the child's user+system time and peak memory its ``ru_maxrss``
(``os.wait4``: the contact-audit process and any worker process it waited for); the simulated
phones run in another process (``contact-audit simulate``), so their work is not counted.

``--baseline REV`` also runs the scan of the git revision REV (exported with ``git archive`` into
a temporary directory) against the same phones, alternating with this tree's scan run by run,
so that both sides see the same machine load; quote the ratio. ``--fleet N`` adds a scan of N
phones with ``--fleet-contacts`` contacts each at once (every book distinct from the others)
with ``--workers`` 0, 1, 2, 4 and reports wall time and tool CPU (workers included) per count.

The numbers are random digits in German and foreign number plans, written the ways people
type them (national, +49, 0049, with separators, a share invalid or too short, some with
extensions or letters). They exist only in a temporary directory that is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "audit" / "data" / "demo-policy.toml"

_DE_MOBILE = ("151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174", "175", "176",
              "177", "178", "179")
_DE_AREA = ("30", "40", "69", "89", "221", "211", "711", "6221", "5232", "3641", "4121", "8031")
_FOREIGN = (("44", "7700", 6), ("44", "20", 8), ("43", "660", 7), ("41", "79", 7), ("33", "6", 8),
            ("1", "212", 7), ("31", "6", 8), ("39", "347", 7))


def _number(rng: random.Random, seen: set[str]) -> str:
    """One number not in ``seen`` (compared by its digits after the country code)."""
    while True:
        kind = rng.random()
        if kind < 0.45:
            cc, area, sub = "49", rng.choice(_DE_MOBILE), f"{rng.randrange(10**7):07d}"
        elif kind < 0.80:
            cc, area = "49", rng.choice(_DE_AREA)
            sub = str(rng.randrange(10 ** (9 - len(area) - 1), 10 ** (10 - len(area))))
        elif kind < 0.93:
            cc, area, width = rng.choice(_FOREIGN)
            sub = "".join(rng.choice("0123456789") for _ in range(width))
            sub = str(rng.randrange(2, 10)) + sub[1:] if cc == "1" else sub
        else:  # invalid or odd: too short, too long, unknown country, service codes
            cc, area = rng.choice((("49", "151"), ("49", "30"), ("999", "12"), ("49", "800")))
            sub = "".join(rng.choice("0123456789") for _ in range(rng.choice((2, 3, 4, 11, 12))))
        key = cc + area + sub
        if key in seen:
            continue
        seen.add(key)
        style = rng.random()
        if cc == "49" and style < 0.55:
            text = rng.choice((f"0{area} {sub}", f"0{area}{sub}", f"0{area}/{sub}", f"(0{area}) {sub[:3]} {sub[3:]}",
                               f"0{area}-{sub}"))
        elif style < 0.95:
            text = rng.choice((f"+{cc} {area} {sub}", f"+{cc}{area}{sub}", f"+{cc} ({area}) {sub}",
                               f"00{cc} {area} {sub}", f"+{cc}-{area}-{sub}"))
        else:
            text = rng.choice((f"+{cc} {area} {sub} ext. 12", f"+{cc} {area} {sub},,12", f"+{cc} {area} {sub};99",
                               f"+{cc} {area} {sub[:-2]}AB", f"+{cc}{area}{sub} x3"))
        return text


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def profile(name: str, contacts: int, seed: int) -> str:
    lines = [
        f'description = "bench phone {name}: {contacts} contacts, every number distinct"',
        "[device]", 'manufacturer = "Google"', f'model = "Distinct {name}"', f'product = "{name}"',
        'device = "bench"', 'android_release = "14"', "sdk = 34", 'sim_country = "de"', 'locale = "de-DE"',
        "[[users]]", "id = 0", 'name = "Owner"', 'kind = "owner"', "[users.book]", 'account_type = "com.google"',
    ]
    rng = random.Random(seed)
    seen: set[str] = set()
    for i in range(contacts):
        lines += ["[[users.book.contacts]]", f'name = "Person {i}"', f"phones = [{_toml(_number(rng, seen))}]"]
        roll = rng.random()
        if roll < 0.25:
            lines.append(f'organization = "Firma {i % 97}"')
        if roll > 0.7:
            lines.append(f'emails = ["person{i}@{rng.choice(("example.com", "example.org", "example.de"))}"]')
    lines += [
        "[[packages]]", 'package = "com.whatsapp"', "[[packages.users]]", "user = 0",
        'permissions = { READ_CONTACTS = { granted = true, flags = ["USER_SET"] } }',
        'appops = { READ_CONTACTS = { mode = "allow", access = "3m1s" } }',
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Run:
    cpu_s: float
    wall_s: float
    maxrss_mib: float
    code: int


def run_scan(src: Path, port: int, serials: list[str], extra: list[str]) -> Run:
    """``contact-audit scan`` of ``src`` as a child; its own CPU and peak RSS from wait4."""
    env = dict(os.environ, PYTHONPATH=str(src))
    cmd = [sys.executable, "-m", "audit", "scan", "--adb-port", str(port), "--policy", str(POLICY),
           "--format", "json", "--quiet", "--fail-on", "never", "--timeout", "600", *extra]
    for serial in serials:
        cmd += ["--serial", serial]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, cwd=src, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        report = json.loads(out.read() or b"{}")
        audited = sum(1 for d in report.get("devices", ()) if d.get("status") == "audited")
        if proc.returncode not in (0, 1) or audited != len(serials):
            text = err.read().decode(errors="replace").strip()[-800:]
            raise SystemExit(f"scan of {src}: exit {proc.returncode}, {audited} of {len(serials)} audited: {text}")
    return Run(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024, proc.returncode)


def export(rev: str, into: Path) -> Path:
    """The tree of git revision ``rev`` as plain files (the baseline's code, not this tree's)."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", metavar="REV", help="also measure this git revision, side by side")
    ap.add_argument("--fleet", type=int, default=0, help="phones in the worker-scaling scan (0: skip it)")
    ap.add_argument("--fleet-contacts", type=int, default=10000, help="contacts per phone of that fleet")
    ap.add_argument("--workers", default="0,1,2,4", help="classification workers to try in the fleet scan")
    args = ap.parse_args()

    from audit.adb import AdbHost
    from audit.simulator.harness import AdbServer

    with tempfile.TemporaryDirectory() as tmp, AdbServer() as server:
        sides: list[tuple[str, Path]] = [("this tree", ROOT)]
        if args.baseline:
            sides.insert(0, (f"baseline {args.baseline}", export(args.baseline, Path(tmp) / "baseline")))
        names = ["empty", "distinct", *(f"fleet{i}" for i in range(args.fleet))]
        paths = []
        for i, name in enumerate(names):
            path = Path(tmp) / f"{name}.toml"
            size = 0 if name == "empty" else args.contacts if name == "distinct" else args.fleet_contacts
            path.write_text(profile(name, size, 100 + i), encoding="utf-8")
            paths.append(str(path))
        sim = subprocess.Popen(
            [sys.executable, "-m", "audit", "simulate", "--adb-port", str(server.port), *paths],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        )
        try:
            assert sim.stdout is not None
            serials = [sim.stdout.readline().split("\t")[0].strip() for _ in paths]
            if not all(serials):
                print("the simulated phones did not start", file=sys.stderr)
                return 1
            by_name = dict(zip(names, serials, strict=True))
            host = AdbHost(server.port)
            deadline = time.monotonic() + 300
            while sum(d.status is None for d in host.devices()) < len(names) and time.monotonic() < deadline:
                time.sleep(0.2)
            results: dict[tuple[str, str], list[Run]] = {}
            for _ in range(args.repeat):
                for label, src in sides:
                    for phone in ("empty", "distinct"):
                        results.setdefault((label, phone), []).append(run_scan(src, server.port, [by_name[phone]], []))
            fleet: dict[str, list[Run]] = {}
            if args.fleet:
                fleet_serials = [by_name[n] for n in names[2:]]
                variants: list[tuple[str, Path, list[str]]] = []
                if args.baseline:
                    variants.append((f"baseline {args.baseline} (threads)", sides[0][1], []))
                variants += [(f"--workers {w}", ROOT, ["--workers", w])
                             for w in args.workers.split(",")]
                for _ in range(args.repeat):
                    for label, src, extra in variants:
                        fleet.setdefault(label, []).append(run_scan(src, server.port, fleet_serials, extra))
        finally:
            sim.send_signal(signal.SIGINT)
            try:
                sim.wait(timeout=60)
            except subprocess.TimeoutExpired:
                sim.kill()

    load = os.getloadavg()
    print(f"{args.contacts:,} contacts, every number distinct, vs an empty book; {args.repeat} runs per side, "
          f"alternating; {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print("book CPU = CPU of the full scan - CPU of the empty scan; median and min over the runs (load only adds)")
    print("side                      book CPU median (per 1,000)   min (per 1,000)   peak RSS  runs: CPU full/empty")
    per_side: dict[str, tuple[float, float]] = {}
    for label, _ in sides:
        full, empty = results[(label, "distinct")], results[(label, "empty")]
        med = statistics.median(r.cpu_s for r in full) - statistics.median(r.cpu_s for r in empty)
        low = min(r.cpu_s for r in full) - min(r.cpu_s for r in empty)
        per_side[label] = (med, low)
        rss = max(r.maxrss_mib for r in full)
        runs = " ".join(f"{f.cpu_s:.2f}/{e.cpu_s:.2f}" for f, e in zip(full, empty, strict=True))
        print(f"{label:<26}{med:>8.2f} s ({med / args.contacts * 1e6:3.0f} ms) {low:>8.2f} s ({low / args.contacts * 1e6:3.0f} ms)"
              f" {rss:>6.0f} MiB  {runs}")
    if args.baseline:
        before, after = per_side[sides[0][0]], per_side[sides[1][0]]
        print(f"book CPU, baseline / this tree: {before[0] / after[0]:.1f}x (medians), {before[1] / after[1]:.1f}x (mins)")
    if fleet:
        print(f"fleet: {args.fleet} phones x {args.fleet_contacts:,} distinct numbers, scanned at once")
        for label, runs in fleet.items():
            wall = statistics.median(r.wall_s for r in runs)
            cpu = statistics.median(r.cpu_s for r in runs)
            rss = max(r.maxrss_mib for r in runs)
            print(f"  {label:<32} wall {wall:6.2f} s (median; runs {' '.join(f'{r.wall_s:.2f}' for r in runs)}), "
                  f"tool CPU {cpu:6.2f} s, peak RSS {rss:.0f} MiB")
    print(f"this process's own CPU: {resource.getrusage(resource.RUSAGE_SELF).ru_utime:.1f} s (not counted above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
