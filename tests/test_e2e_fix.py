"""`contact-audit fix` changes a phone only when asked, and reports what the phone then says.

Checked against the simulated phone's own state after each run (the simulator's `pm` and
`appops` change it as Android does).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from audit.cli import app
from audit.fix import parse_steps, plan_fix, step_script
from audit.simulator.harness import Fleet


def cli(fleet: Fleet, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["fix", "--adb-port", str(fleet.adb_port), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def fleet(start_fleet):  # type: ignore[no-untyped-def]
    return start_fleet("pixel8-a14-critical", "galaxy-s7-a6-legacy", "nokia61-a8-mdm")


def test_plan_depends_on_the_android_release() -> None:
    old = [s.command for s in plan_fix(23, 0, "com.whatsapp")]
    new = [s.command for s in plan_fix(34, 10, "com.whatsapp.w4b")]
    assert old == ["pm revoke --user 0 com.whatsapp android.permission.READ_CONTACTS",
                   "appops set --user 0 com.whatsapp READ_CONTACTS ignore"]
    assert "pm set-permission-flags --user 10 com.whatsapp.w4b android.permission.READ_CONTACTS user-set user-fixed" in new


def test_step_markers_carry_each_exit_status() -> None:
    steps = plan_fix(34, 0, "com.whatsapp")
    script = step_script(steps, "ab12")
    assert script.count("@@ab12 step") == len(steps)
    out = "@@ab12 step 0 rc=0\nException: nope\n@@ab12 step 1 rc=255\n"
    results = parse_steps(out, steps, "ab12")
    assert [r.rc for r in results] == [0, 255, None]
    assert results[1].output == "Exception: nope"


def test_dry_run_and_missing_confirmation_change_nothing(fleet: Fleet) -> None:
    serial = fleet.serial_of("pixel8-a14-critical")
    state = fleet.phone(serial).state  # type: ignore[attr-defined]
    code, out, _ = cli(fleet, "-s", serial, "--user", "0", "--package", "com.whatsapp", "--dry-run")
    assert code == 0 and "would run: pm revoke" in out
    code, _, err = cli(fleet, "-s", serial, "--user", "0", "--package", "com.whatsapp")
    assert code == 2 and "--yes" in err
    assert state.permission("com.whatsapp", 0, "READ_CONTACTS").granted is True


def test_fix_denies_and_locks_on_android_12_plus(fleet: Fleet) -> None:
    serial = fleet.serial_of("pixel8-a14-critical")
    code, out, _ = cli(fleet, "-s", serial, "--user", "0", "--package", "com.whatsapp", "--yes")
    assert code == 0
    grant = fleet.phone(serial).state.permission("com.whatsapp", 0, "READ_CONTACTS")  # type: ignore[attr-defined]
    assert grant.granted is False and "USER_FIXED" in grant.flags
    assert "after: ok (locked)" in out and "denied and locked" in out


def test_fix_on_android_6_denies_but_says_it_cannot_lock(fleet: Fleet) -> None:
    serial = fleet.serial_of("galaxy-s7-a6-legacy")
    code, out, _ = cli(fleet, "-s", serial, "--user", "0", "--package", "com.whatsapp", "--yes")
    assert code == 0
    grant = fleet.phone(serial).state.permission("com.whatsapp", 0, "READ_CONTACTS")  # type: ignore[attr-defined]
    assert grant.granted is False and "USER_FIXED" not in grant.flags
    assert "cannot lock" in out and "not locked" in out


def test_policy_locked_permission_is_left_alone(fleet: Fleet) -> None:
    serial = fleet.serial_of("nokia61-a8-mdm")
    code, out, _ = cli(fleet, "-s", serial, "--user", "0", "--package", "com.whatsapp", "--yes")
    assert code == 0 and "nothing to do" in out


@pytest.mark.parametrize(("args", "needle"), [
    (("--user", "0", "--package", "com.x;reboot"), "package name"),
    (("--user", "7", "--package", "com.whatsapp"), "no Android user 7"),
    (("--user", "0", "--package", "com.whatsapp.w4b"), "not installed"),
])
def test_bad_targets_are_one_line_errors(fleet: Fleet, args: tuple[str, ...], needle: str) -> None:
    code, _, err = cli(fleet, "-s", fleet.serial_of("pixel8-a14-critical"), *args, "--yes")
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


def test_fix_speaks_german_with_lang_de(fleet: Fleet) -> None:
    from test_i18n import english_words

    serial = fleet.serial_of("galaxy-s7-a6-legacy")
    code, out, _ = cli(fleet, "-s", serial, "--user", "0", "--package", "com.whatsapp", "--dry-run", "--lang", "de")
    assert code == 0
    assert "jetzt: mittel (" in out and "würde ausführen: pm revoke" in out and "# Kontakte-Berechtigung verweigern" in out
    assert "Hinweis: Unter Android < 12 lässt sich die Verweigerung nicht per Shell sperren" in out
    code, out, err = cli(fleet, "-s", serial, "--user", "0", "--package", "com.whatsapp", "--yes", "--lang", "de")
    assert code == 0
    assert "danach: " in out and "verweigert, aber nicht gesperrt" in out and "-> OK" in err
    for line in (out + err).splitlines():
        assert english_words(line) == [], line
