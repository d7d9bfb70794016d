"""Issue 8 end to end: a phone that answers only in part never comes out milder than its whole read.

Each faulty phone runs next to the same phone without the fault, in one fleet behind the real adb
server, and both are scanned by the CLI. The whole read fixes what the phone really allows
(critical or high here); the faulty read must give that, or unknown, never less: no verdict of
the faulty user or app says ``ok``, the phone's worst severity ranks at least as high, and
``scan --fail-on high`` exits 1 for it alone, as for the whole read. The faults come from the
profiles (``[faults]`` and user names, docs/simulator.md): ``dumpsys package`` ending early with
its timeout line and exit 0, a work profile's name spanning lines or very long, and
``appops get`` refused with a SecurityException (exit 255).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit.cli import app
from audit.report.csv_report import COLUMNS
from audit.results import Severity
from audit.simulator.harness import Fleet
from audit.simulator.profile import DumpsysTimeout, Faults, Profile, load_profile, parse_profile

DEMO_POLICY = Path(__file__).resolve().parent.parent / "audit" / "data" / "demo-policy.toml"

# A company phone whose work profile (user 10) has WhatsApp Business granted over an address book
# of customers: the "work profile with WhatsApp Business granted over 20 contacts". The
# owner has no audited app, so a work profile that goes missing leaves only "no_audited_app ok".
WORK_TOML = """
description = "work profile with WhatsApp Business granted over customers' numbers"
[device]
manufacturer = "Google"
model = "Pixel 7"
product = "panther"
device = "panther"
sdk = 35

[[users]]
id = 0
name = "Owner"
kind = "owner"

[[users]]
id = 10
name = {name}
kind = "work_profile"

[users.book]
account_type = "com.google.android.gm.exchange"
account_name = "mitarbeiter@example.de"

[[users.book.contacts]]
name = "Kundin Eins"
phones = ["+44 7700 900123"]
organization = "Kunde Ltd"

[[users.book.generate]]
count = 24
seed = 81
mix = {{ business = 0.7, private = 0.3 }}

[[packages]]
package = "com.whatsapp.w4b"
target_sdk = 34

[[packages.users]]
user = 10
permissions = {{ READ_CONTACTS = {{ granted = true, flags = ["USER_SET"] }} }}
appops = {{ READ_CONTACTS = {{ mode = "allow", access = "2h3m4s5ms" }} }}
"""

# WhatsApp denied but not locked (it can ask again), after it read the book: the app-op shows
# the access, and WhatsApp kept no raw contacts of its own, so only the app-op tells of the upload.
DORMANT_TOML = """
description = "WhatsApp denied (USER_SET), read the book before: only appops shows it"
[device]
manufacturer = "Google"
model = "Pixel 8"
product = "shiba"
device = "shiba"
sdk = 34

[[users]]
id = 0
name = "Owner"

[[users.book.contacts]]
name = "Kunde Zwei"
phones = ["+44 7700 900124", "+33 6 12 34 56 78"]
organization = "Client SARL"

[[packages]]
package = "com.whatsapp"
target_sdk = 34

[[packages.users]]
user = 0
permissions = {{ READ_CONTACTS = {{ granted = false, flags = ["USER_SET"] }} }}
appops = {{ READ_CONTACTS = {{ mode = "allow", access = "12d3h" }} }}
"""


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def work_phone(name: str, user_name: str) -> Profile:
    return parse_profile(WORK_TOML.format(name=_toml_string(user_name)), default_name=name)


def dormant_phone(name: str) -> Profile:
    return parse_profile(DORMANT_TOML.format(), default_name=name)


def faulty(profile: Profile, name: str, faults: Faults) -> Profile:
    return dataclasses.replace(profile, name=name, faults=faults)


CRITICAL = load_profile("pixel8-a14-critical")
WORK_NAME = "Work: Example GmbH"
# (faulty phone, the phone whose whole read it must not undercut, the user and app to look at)
CASES: dict[str, tuple[Profile, str, int, str]] = {
    "cut-after-requested": (
        faulty(CRITICAL, "cut-after-requested",
               Faults(dumpsys_timeout=DumpsysTimeout(after="requested permissions:"))),
        "pixel8-a14-critical", 0, "com.whatsapp",
    ),
    "cut-in-runtime-list": (
        faulty(CRITICAL, "cut-in-runtime-list",
               Faults(dumpsys_timeout=DumpsysTimeout(after="runtime permissions:", package="com.whatsapp"))),
        "pixel8-a14-critical", 0, "com.whatsapp",
    ),
    "critical-appops-refused": (
        faulty(CRITICAL, "critical-appops-refused", Faults(appops_refused=("*",))),
        "pixel8-a14-critical", 0, "com.whatsapp",
    ),
    "work-name-line-break": (work_phone("work-name-line-break", "Work\nExample GmbH"), "work-whole", 10,
                             "com.whatsapp.w4b"),
    "work-name-long": (work_phone("work-name-long", "Work " + "Example GmbH " * 300), "work-whole", 10,
                       "com.whatsapp.w4b"),
    # longer than the parser reads as one record: the user must end up as unknown.users
    "work-name-huge": (work_phone("work-name-huge", "W" * 20_000), "work-whole", 10, "com.whatsapp.w4b"),
    "work-cut-after-requested": (
        faulty(work_phone("x", WORK_NAME), "work-cut-after-requested",
               Faults(dumpsys_timeout=DumpsysTimeout(after="requested permissions:", package="com.whatsapp.w4b"))),
        "work-whole", 10, "com.whatsapp.w4b",
    ),
    "dormant-appops-refused": (
        faulty(dormant_phone("x"), "dormant-appops-refused", Faults(appops_refused=("com.whatsapp",))),
        "dormant-whole", 0, "com.whatsapp",
    ),
}
WHOLE = (CRITICAL, work_phone("work-whole", WORK_NAME), dormant_phone("dormant-whole"))
# What the whole reads are, written from the profiles' stories; the faulty reads are judged by them.
WHOLE_WORST = {"pixel8-a14-critical": Severity.CRITICAL, "work-whole": Severity.CRITICAL,
               "dormant-whole": Severity.HIGH}


@pytest.fixture(scope="module")
def fleet(module_fleet):  # type: ignore[no-untyped-def]
    return module_fleet(*WHOLE, *(case[0] for case in CASES.values()))


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def rows(fleet: Fleet) -> dict[str, list[dict[str, str]]]:
    """Every phone's CSV rows from one scan of the fleet, by profile name."""
    serials = [fleet.serial_of(p.name) for p in (*WHOLE, *(case[0] for case in CASES.values()))]
    args = ["scan", "--adb-port", str(fleet.adb_port), "--policy", str(DEMO_POLICY), "-f", "csv",
            "--timeout", "90", "-q"]
    for serial in serials:
        args += ["-s", serial]
    code, out, err = cli(*args)
    assert code == 1, err
    reader = csv.DictReader(io.StringIO(out))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    by_serial: dict[str, list[dict[str, str]]] = {}
    for row in reader:
        by_serial.setdefault(row["serial"], []).append(row)
    names = [p.name for p in (*WHOLE, *(case[0] for case in CASES.values()))]
    return {name: by_serial.get(serial, []) for name, serial in zip(names, serials, strict=True)}


def worst(rows: list[dict[str, str]]) -> Severity:
    return max((Severity(r["severity"]) for r in rows), key=lambda s: s.rank)


@pytest.mark.parametrize("whole", sorted(WHOLE_WORST))
def test_the_whole_reads_are_what_the_phones_allow(rows: dict[str, list[dict[str, str]]], whole: str) -> None:
    """The yardstick: without faults, each phone is read whole and judged as its story says."""
    assert all(r["device_status"] == "audited" for r in rows[whole]), rows[whole]
    assert worst(rows[whole]) is WHOLE_WORST[whole], rows[whole]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_faulty_read_is_never_milder_than_the_whole_read(
    fleet: Fleet, rows: dict[str, list[dict[str, str]]], case: str
) -> None:
    profile, whole, user, package = CASES[case]
    mine = rows[case]
    assert mine and all(r["device_status"] == "audited" for r in mine), mine
    got = worst(mine)
    assert got is Severity.UNKNOWN or got.rank >= WHOLE_WORST[whole].rank, mine
    # nothing about the faulty user says ok, and its audited app is not lost
    about_user = [r for r in mine if r["user_id"] == str(user) or r["rule"] == "unknown.users"]
    assert about_user, mine
    assert [r["rule"] for r in about_user if r["severity"] == "ok"] == [], about_user
    covered = any(r["package"] == package for r in about_user) or any(
        r["rule"] == "unknown.users" for r in about_user
    )
    assert covered, about_user
    code, _, err = cli("scan", "--adb-port", str(fleet.adb_port), "--policy", str(DEMO_POLICY),
                       "-s", fleet.serial_of(profile.name), "--fail-on", "high", "-f", "csv", "-q")
    assert code == 1, err


def test_a_cut_right_after_requested_permissions_is_unknown_not_not_requested(
    rows: dict[str, list[dict[str, str]]],
) -> None:
    """The issue's first example: on main this phone was ``not_requested`` -> ok, exit 0."""
    for case in ("cut-after-requested", "work-cut-after-requested"):
        _, _, user, package = CASES[case]
        [row] = [r for r in rows[case] if r["user_id"] == str(user) and r["package"] == package]
        assert (row["rule"], row["severity"]) == ("unknown.permission", "unknown"), row


def test_a_cut_inside_the_runtime_list_is_not_a_denial(rows: dict[str, list[dict[str, str]]]) -> None:
    [row] = [r for r in rows["cut-in-runtime-list"] if r["package"] == "com.whatsapp"]
    assert row["severity"] == "unknown" and not row["rule"].startswith("dormant"), row


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("work-name-line-break", ("reads.third_party", "critical")),  # the record is read over its lines
        ("work-name-long", ("reads.third_party", "critical")),
        ("work-name-huge", ("unknown.users", "unknown")),  # past the parser's bound: seen, not read
    ],
)
def test_a_work_profile_with_an_odd_name_is_not_no_audited_app_ok(
    rows: dict[str, list[dict[str, str]]], case: str, expected: tuple[str, str]
) -> None:
    """The issue's second example: the work profile vanished and the phone read ``no_audited_app ok``."""
    work = [(r["rule"], r["severity"]) for r in rows[case] if r["user_id"] == "10"]
    assert work == [expected], rows[case]


def test_appops_refused_keeps_a_dormant_app_with_a_past_upload_high(rows: dict[str, list[dict[str, str]]]) -> None:
    """The issue's third example: refused app-ops made a past upload "no" -> medium, exit 0."""
    [whole] = [r for r in rows["dormant-whole"] if r["package"] == "com.whatsapp"]
    assert (whole["rule"], whole["severity"], whole["past_upload"]) == (
        "dormant.third_party.past_upload", "high", "yes"), whole
    [row] = [r for r in rows["dormant-appops-refused"] if r["package"] == "com.whatsapp"]
    assert row["severity"] == "high" and row["past_upload"] == "unknown", row
    assert row["rule"] == "dormant.third_party.past_unknown", row


def test_appops_refused_on_a_critical_phone_is_unknown(rows: dict[str, list[dict[str, str]]]) -> None:
    [row] = [r for r in rows["critical-appops-refused"] if r["package"] == "com.whatsapp"]
    assert (row["rule"], row["severity"]) == ("unknown.appops", "unknown"), row
