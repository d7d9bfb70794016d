"""Device text never reaches the operator's terminal raw (issue 8, item 10).

A phone (or a fake one on the network) controls serials, models, user names and the text of its
error answers. Printed raw, an ESC sequence can clear the screen and write "ALL PHONES COMPLIANT"
over a critical finding; a bidi override can reverse what an administrator reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

from audit.cli.common import EXIT_NOT_AUDITED, guard
from audit.errors import DeviceError
from audit.textsafe import json_safe

HOSTILE = "\x1b[2J\x1b[HALL PHONES COMPLIANT\x9b31m\u202eevil\u2066\x07"
_RAW = ("\x1b", "\x9b", "\u202e", "\u2066", "\x07")


def test_an_error_line_from_device_text_is_one_clean_line(capsys: pytest.CaptureFixture[str]) -> None:
    def body() -> None:
        raise DeviceError("error", f"push refused: {HOSTILE}\nsecond line")

    with pytest.raises(typer.Exit) as exit_info:
        guard(body)
    assert exit_info.value.exit_code == EXIT_NOT_AUDITED
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    for char in _RAW:
        assert char not in err
    assert "push refused" in err and "second line" in err


def test_json_safe_keeps_the_value_and_drops_every_terminal_control() -> None:
    value = {"model": HOSTILE + "Überall\n", "n": [1, "ä"]}
    text = json_safe(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(text) == value
    for char in _RAW:
        assert char not in text
    assert "Überall" in text  # umlauts stay readable


_HOSTILE_PHONE = """
description = "a phone whose model and user name carry terminal controls"
[device]
manufacturer = "Evil"
model = "Pixel\\u001b[2J\\u009b31m\\u202eX"
product = "evil"
device = "evil"
android_release = "14"
sdk = 34

[[users]]
id = 0
name = "Owner\\u001b]0;pwned\\u0007"
kind = "owner"

[[packages]]
package = "com.whatsapp"
[[packages.users]]
user = 0
"""


def test_collect_raw_and_summary_print_no_terminal_control(start_fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from audit.cli import app

    path = tmp_path / "hostile.toml"
    path.write_text(_HOSTILE_PHONE, encoding="utf-8")
    fleet = start_fleet(path)
    args = ["collect", "-s", fleet.serials[0], "--adb-port", str(fleet.client().port)]
    runner = CliRunner()
    raw = runner.invoke(app, [*args, "--raw"])
    summary = runner.invoke(app, args)
    assert raw.exit_code == 0 and summary.exit_code == 0, raw.stderr + summary.stderr
    doc = json.loads(raw.stdout)
    assert "\u202e" in doc["info"]["model"], "the JSON keeps the phone's value, escaped"
    for out in (raw.stdout, summary.stdout):
        for char in _RAW:
            assert char not in out
