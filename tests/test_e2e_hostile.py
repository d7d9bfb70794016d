"""Hostile device strings through the CLI: nothing a phone (or a pasted serial) holds reaches the terminal raw.

A simulated phone reports a model full of terminal escapes, bidi overrides and rich markup; a
serial typed on the command line carries the same. The progress lines, the error lines and the
``devices`` table must show them defused (``textsafe.clean``), through the real adb server.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from typer.testing import CliRunner

from audit.cli import app
from audit.simulator.harness import Fleet
from audit.simulator.profile import load_profile

HOSTILE_MODEL = "Pixel\x1b[2J\x1b]0;owned\x07[red]X[/red]\u202eevil\x9b31m" + "W" * 150
HOSTILE_SERIAL = "ghost\x1b[31m\u202e\x07[bold]x"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def raw_in(text: str) -> list[str]:
    return [c for c in RAW if c in text]


@pytest.fixture(scope="module")
def fleet(module_fleet):  # type: ignore[no-untyped-def]
    return module_fleet(replace(load_profile("pixel8-a14-critical"), name="hostile", model=HOSTILE_MODEL))


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_progress_lines_defuse_a_hostile_model_and_serial(fleet: Fleet) -> None:
    serial = fleet.serial_of("hostile")
    code, out, err = cli("scan", "--adb-port", str(fleet.adb_port), "-f", "csv", "--timeout", "180",
                         "-s", serial, "-s", HOSTILE_SERIAL)
    assert code == 1, err
    assert raw_in(err) == []
    phone_line = next(line for line in err.splitlines() if serial in line)
    assert "Pixel?[2J?]0;owned?[red]X[/red]?evil?31m" in phone_line  # markup shown as text, not applied
    assert "W" * 150 not in phone_line and "…" in phone_line  # bounded
    ghost_line = next(line for line in err.splitlines() if "ghost" in line)
    assert "ghost?[31m??[bold]x" in ghost_line and "not attached" in ghost_line
    # the report keeps the data as it is (CSV defuses formulas, not escapes): it is data, not display
    assert HOSTILE_MODEL in out


def test_error_lines_defuse_a_hostile_serial(fleet: Fleet) -> None:
    code, out, err = cli("collect", "--adb-port", str(fleet.adb_port), "-s", HOSTILE_SERIAL)
    assert code != 0 and out == ""
    assert raw_in(err) == [], err
    assert len(err.strip().splitlines()) == 1


def test_devices_table_defuses_what_adb_reports(fleet: Fleet) -> None:
    code, out, err = cli("devices", "--adb-port", str(fleet.adb_port))
    assert code == 0, err
    assert raw_in(out + err) == []
    row = next(line for line in out.splitlines() if fleet.serial_of("hostile") in line)
    assert "Pixel" in row and "device" in row
