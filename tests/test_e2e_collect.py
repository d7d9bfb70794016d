"""Collect every bundled simulated phone through the real adb server and check the snapshot.

The expected values come from the phone's own state (built from its profile), never from the
code under test: users and their kinds, each audited app's READ_CONTACTS grant and flags per
user, the enforced app-op mode, address-book row counts and WhatsApp's synced raw contacts.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from audit.adb import AdbHost
from audit.collect import collect
from audit.errors import CollectionError, DeviceError
from audit.parse import build_snapshot
from audit.simulator.harness import Fleet
from audit.simulator.profile import bundled_profiles, load_profile
from audit.snapshot import MIMETYPES, READ_CONTACTS, DataKind, DeviceSnapshot, PermissionStatus

PACKAGES = ("com.whatsapp", "com.whatsapp.w4b", "ch.threema.app", "ch.threema.app.work")
BUNDLED = {p.stem: load_profile(p) for p in bundled_profiles()}
HEALTHY = sorted(
    name for name, prof in BUNDLED.items()
    if not (prof.faults.unauthorized or prof.faults.no_answer or prof.faults.drop_after_bytes
            or prof.faults.freeze_after_bytes or prof.faults.garbage_command)
)


@pytest.fixture(scope="module")
def fleet(module_fleet):  # type: ignore[no-untyped-def]
    return module_fleet(*sorted(BUNDLED))


def _collect(fleet: Fleet, name: str, timeout: float = 120.0) -> tuple[DeviceSnapshot, int]:
    serial = fleet.serial_of(name)
    server = fleet.server(serial)
    before = server.opens
    host = AdbHost(fleet.adb_port)
    collection = collect(host, serial, PACKAGES, timeout=timeout)
    return build_snapshot(serial, collection, PACKAGES), server.opens - before


def _book_rows(db: Path, user: int) -> dict[DataKind, int]:
    """Ground truth from the phone's database: non-deleted rows of the three kinds we read."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        rows = conn.execute(
            f"SELECT d.mimetype, COUNT(*) FROM u{user}_data d JOIN u{user}_raw_contacts r "
            "ON r._id = d.raw_contact_id WHERE r.deleted = 0 GROUP BY d.mimetype"
        ).fetchall()
    return {MIMETYPES[m]: n for m, n in rows if m in MIMETYPES}


def test_the_fleet_covers_what_the_issue_asks() -> None:
    releases = {p.android_release.split(".")[0] for p in BUNDLED.values()}
    assert {"6", "8", "10", "11", "12", "13", "14", "15", "16", "17"} <= releases
    assert len(BUNDLED) >= 10


@pytest.mark.parametrize("name", HEALTHY)
def test_snapshot_matches_the_phone(fleet: Fleet, name: str) -> None:
    profile = BUNDLED[name]
    snapshot, opens = _collect(fleet, name)
    phone = fleet.phone(fleet.serial_of(name))
    state = phone.state  # type: ignore[attr-defined]

    assert opens == 2, "collection must cost exactly two ADB round trips (push + one shell)"
    assert snapshot.problems == ()
    assert snapshot.info.model == profile.model
    assert snapshot.info.manufacturer == profile.manufacturer
    assert snapshot.info.sdk == profile.sdk
    assert snapshot.info.android_release == profile.android_release

    assert [u.id for u in snapshot.users] == list(state.users())
    assert {u.id: u.kind.value for u in snapshot.users} == {u.id: u.kind for u in profile.users}

    for user in profile.users:
        for package in PACKAGES:
            app = next((a for a in snapshot.apps if a.user_id == user.id and a.package == package), None)
            if not state.installed(package, user.id):
                assert app is None or app.installed is False, (package, user.id)
                continue
            assert app is not None and app.installed is True, (package, user.id)
            grant = state.permission(package, user.id, READ_CONTACTS)
            if grant is None:
                assert app.read_contacts in (PermissionStatus.NOT_REQUESTED, PermissionStatus.DENIED), (package, user.id)
            else:
                want = PermissionStatus.GRANTED if grant.granted else PermissionStatus.DENIED
                assert app.read_contacts is want, (package, user.id)
                assert set(app.read_contacts_flags) == set(grant.flags), (package, user.id)
            if app.appops_known:
                mode = state.uid_mode(package, user.id, "READ_CONTACTS")
                mode = mode if mode not in (None, "default") else state.appop(package, user.id, "READ_CONTACTS")
                op = app.appop("READ_CONTACTS")
                assert (op.effective_mode if op else None) in ({mode, None} if mode in (None, "default") else {mode})

        book = snapshot.address_book(user.id)
        assert book is not None
        if user.locked:
            assert not book.complete, f"user {user.id} is locked: its book must be unknown, not empty"
            continue
        assert book.complete, (user.id, book.problems)
        got: dict[DataKind, int] = {}
        for row in book.rows:
            got[row.kind] = got.get(row.kind, 0) + 1
        assert got == _book_rows(phone.db_path, user.id)  # type: ignore[attr-defined]
        assert sum(n for _, n in book.raw_contacts_by_account) == state.raw_contacts(user.id)
        assert book.raw_contacts_of("com.whatsapp") == state.raw_contacts(user.id, "com.whatsapp")


def test_unauthorized_phone_is_a_device_error_with_its_status(fleet: Fleet) -> None:
    name = next(n for n, p in BUNDLED.items() if p.faults.unauthorized)
    with pytest.raises(DeviceError) as err:
        _collect(fleet, name)
    assert err.value.status == "unauthorized"


def test_dropped_connection_is_detected_not_parsed(fleet: Fleet) -> None:
    name = next(n for n, p in BUNDLED.items() if p.faults.drop_after_bytes)
    with pytest.raises(CollectionError, match="ended early"):
        _collect(fleet, name)


def test_frozen_phone_hits_the_wall_clock_deadline(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = Path(str(bundled_profiles()[0])).read_text(encoding="utf-8")
    frozen = tmp_path / "frozen.toml"
    frozen.write_text(source + "\n[faults]\nfreeze_after_bytes = 3000\n", encoding="utf-8")
    fleet = start_fleet(frozen)
    serial = fleet.serials[0]
    with pytest.raises(DeviceError) as err:
        collect(AdbHost(fleet.adb_port), serial, PACKAGES, timeout=3)
    assert err.value.status == "timeout"


def test_collect_command_hides_numbers_unless_asked(fleet: Fleet) -> None:
    import json
    import re

    from typer.testing import CliRunner

    from audit.cli import app

    serial = fleet.serial_of("pixel8-a14-critical")
    port = str(fleet.adb_port)
    runner = CliRunner()
    summary = runner.invoke(app, ["collect", "-s", serial, "--adb-port", port])
    assert summary.exit_code == 0, summary.stderr
    assert "READ_CONTACTS=granted" in summary.stdout
    raw = runner.invoke(app, ["collect", "-s", serial, "--adb-port", port, "--raw"])
    shown = runner.invoke(app, ["collect", "-s", serial, "--adb-port", port, "--raw", "--show-numbers"])
    assert raw.exit_code == shown.exit_code == 0
    doc, full = json.loads(raw.stdout), json.loads(shown.stdout)
    values = [v["value"] for b in full["address_books"] for v in b.get("values", [])]
    numbers = [v for v in values if re.search(r"\d{6}", v)]
    assert numbers, "the phone has numbers: --show-numbers must show them"
    assert doc["address_books"][0]["rows"] == len(full["address_books"][0]["values"])
    for value in values:
        assert value not in raw.stdout and value not in summary.stdout
    bad = runner.invoke(app, ["collect", "-s", serial, "--adb-port", port, "--show-numbers"])
    assert bad.exit_code == 2 and "--raw" in bad.stderr


def test_collect_command_on_an_unauthorized_phone_is_one_line_exit_3(fleet: Fleet) -> None:
    from typer.testing import CliRunner

    from audit.cli import app

    name = next(n for n, p in BUNDLED.items() if p.faults.unauthorized)
    result = CliRunner().invoke(app, ["collect", "-s", fleet.serial_of(name), "--adb-port", str(fleet.adb_port)])
    assert result.exit_code == 3
    assert len(result.stderr.strip().splitlines()) == 1 and "unauthorized" in result.stderr


_PIXEL_CLONE = """
description = "Pixel, Android 14, AOSP app cloning: a clone profile user 11 (flags say only PROFILE)"
[device]
manufacturer = "Google"
model = "Pixel 8a"
product = "akita"
device = "akita"
android_release = "14"
sdk = 34

[[users]]
id = 0
name = "Owner"
kind = "owner"

[[users]]
id = 11
name = "Clone apps"
kind = "clone"
flags = 0x1010

[[packages]]
package = "com.whatsapp"
[[packages.users]]
user = 0
[[packages.users]]
user = 11
"""


def test_typed_user_list_recognises_an_aosp_clone_profile(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from audit.snapshot import UserKind

    path = tmp_path / "pixel-clone.toml"
    path.write_text(_PIXEL_CLONE, encoding="utf-8")
    fleet = start_fleet(path)
    serial = fleet.serials[0]
    collection = collect(AdbHost(fleet.adb_port), serial, PACKAGES, timeout=120)
    kinds = {u.id: u.kind for u in build_snapshot(serial, collection, PACKAGES).users}
    assert kinds == {0: UserKind.OWNER, 11: UserKind.CLONE}
    # `pm list users` alone (flags PROFILE|INITIALIZED) cannot tell: without the typed list it is "other".
    from audit.sections import Collection

    untyped = Collection(tuple(s for s in collection.sections if s.name != "user-types"), True)
    assert {u.id: u.kind for u in build_snapshot(serial, untyped, PACKAGES).users}[11] is UserKind.OTHER
