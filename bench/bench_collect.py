"""Benchmark: one-round-trip collection vs one shell call per command, on one simulated phone.

Run:  .venv/bin/python bench/bench_collect.py [--contacts 20000] [--repeat 3]

Both collectors talk to the same simulated phone (3 Android users, ``--contacts`` contacts in
the owner's book, WhatsApp in two users) through the same private adb server, side by side in
one run, and both results go through the same parser, so the comparison isolates how the phone
is asked:

- ``one-shot``: contact-audit's collector: push adb_scripts/collect.sh, run it once (2 OPENs),
  stream the output into memory.
- ``naive``: what MVT's check-adb style tools do: one ``adbutils`` ``d.shell()`` call per Android
  command (the same commands the script runs), output read by adbutils' own reader.

It also times the parser alone on the one-shot output (target: 20,000 contacts < 0.5 s) and
reports peak Python memory (tracemalloc) for collect+parse. Simulated command stubs cost the
same in both collectors; absolute times on these machines are noisy: quote the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from adbutils import AdbDevice

from audit.adb import AdbHost
from audit.collect import collect
from audit.parse import build_snapshot
from audit.sections import Collection, Section
from audit.simulator.harness import AdbServer, Fleet

PACKAGES = ("com.whatsapp", "com.whatsapp.w4b", "ch.threema.app", "ch.threema.app.work")
WHERE = ("deleted=0 AND mimetype IN ('vnd.android.cursor.item/phone_v2','vnd.android.cursor.item/email_v2',"
         "'vnd.android.cursor.item/organization')")


def profile_text(contacts: int) -> str:
    return f"""
description = "benchmark phone: 3 users, {contacts} contacts"
[device]
manufacturer = "Google"
model = "Bench 1"
product = "bench"
device = "bench"
android_release = "14"
sdk = 34
sim_country = "de"
locale = "de-DE"

[[users]]
id = 0
name = "Owner"
kind = "owner"
[users.book]
account_type = "com.google"
[[users.book.generate]]
count = {contacts}
seed = 1
mix = {{ private = 0.5, business = 0.3, colleague = 0.2 }}
whatsapp = 0.3

[[users]]
id = 10
name = "Work profile"
kind = "work_profile"
[users.book]
account_type = "com.google.android.gm.exchange"
[[users.book.generate]]
count = 50
seed = 2
mix = {{ business = 1.0 }}

[[users]]
id = 95
name = "DUAL_APP"
kind = "clone"

[[packages]]
package = "com.whatsapp"
[[packages.users]]
user = 0
permissions = {{ READ_CONTACTS = {{ granted = true, flags = ["USER_SET"] }} }}
appops = {{ READ_CONTACTS = {{ mode = "allow", access = "3m1s" }} }}
[[packages.users]]
user = 95
permissions = {{ READ_CONTACTS = {{ granted = true }} }}
"""


def naive_collect(device: AdbDevice) -> Collection:
    """The same commands as collect.sh, one adb shell call each (adbutils' reader)."""
    sections: list[Section] = []

    def run(name: str, cmd: str, **attrs: str) -> str:
        out = device.shell(cmd, timeout=120)
        text = out if isinstance(out, str) else str(out)
        sections.append(Section(name, tuple(attrs.items()), text, 0))
        return text

    run("getprop", "getprop")
    users = run("users", "pm list users")
    ids = [line.split("{", 1)[1].split(":", 1)[0] for line in users.splitlines() if "UserInfo{" in line]
    installed: list[tuple[str, str]] = []
    for u in ids:
        listing = run("packages", f"pm list packages --user {u}", user=u).splitlines()
        installed += [(u, p) for p in PACKAGES if f"package:{p}" in listing]
    for p in dict.fromkeys(p for _, p in installed):
        run("dumpsys-package", f"dumpsys package {p}", pkg=p)
    for u, p in installed:
        run("appops", f"appops get --user {u} {p}", user=u, pkg=p)
    for u in ids:
        run("contacts", f"content query --user {u} --uri content://com.android.contacts/data "
            f"--projection raw_contact_id:mimetype:account_type:data1 --where \"{WHERE}\"", user=u)
        run("raw-contacts", f"content query --user {u} --uri content://com.android.contacts/raw_contacts "
            "--projection account_type --where deleted=0", user=u)
        if u != "0":
            run("cross-profile", f"settings --user {u} get secure managed_profile_contact_remote_search", user=u)
    return Collection(tuple(sections), True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "bench.toml"
        profile.write_text(profile_text(args.contacts), encoding="utf-8")
        with AdbServer() as server, Fleet([profile], Path(tmp) / "phones", server.port) as fleet:
            serial = fleet.serials[0]
            host = AdbHost(server.port)
            device = AdbDevice(server.client(), serial=serial)
            phone_server = fleet.server(serial)

            one_shot, naive, parse_s = [], [], []
            opens_one = opens_naive = 0
            rows = 0
            for _ in range(args.repeat):
                before = phone_server.opens
                t = time.perf_counter()
                collection = collect(host, serial, PACKAGES, timeout=300)
                snap = build_snapshot(serial, collection, PACKAGES)
                one_shot.append(time.perf_counter() - t)
                opens_one = phone_server.opens - before

                t = time.perf_counter()
                build_snapshot(serial, collection, PACKAGES)
                parse_s.append(time.perf_counter() - t)
                rows = sum(len(b.rows) for b in snap.address_books)

                before = phone_server.opens
                t = time.perf_counter()
                build_snapshot(serial, naive_collect(device), PACKAGES)
                naive.append(time.perf_counter() - t)
                opens_naive = phone_server.opens - before

            tracemalloc.start()
            collection = collect(host, serial, PACKAGES, timeout=300)
            build_snapshot(serial, collection, PACKAGES)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()

    med_one, med_naive = statistics.median(one_shot), statistics.median(naive)
    print(f"phone: 3 users, {args.contacts} generated contacts, {rows} address-book rows parsed")
    print(f"one-shot collector : median {med_one:.3f}s over {args.repeat} runs, {opens_one} ADB OPENs")
    print(f"naive (1 call/cmd) : median {med_naive:.3f}s over {args.repeat} runs, {opens_naive} ADB OPENs")
    print(f"ratio naive/one-shot: {med_naive / med_one:.1f}x")
    print(f"parse only         : median {statistics.median(parse_s):.3f}s")
    print(f"peak Python memory, collect+parse: {peak / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
