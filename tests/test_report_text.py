"""The sanitisers each report format relies on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.report.text import cell_width, redact_free_text, terminal_text, truncate, valid_unicode


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Pixel 7", "Pixel 7"),
        ("\x1b[31mRed\x1b[0m", "Red"),
        ("\x1b]0;title\x07Model", "Model"),
        ("\x1b]8;;http://example.com\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("a\nb\rc\td", "a b c d"),
        ("A\u202eB\u200bC", "ABC"),
        ("\x9b2JX", "X"),
        ("  padded  ", "padded"),
        ("Ünïcödé 小米", "Ünïcödé 小米"),
        (None, ""),
    ],
)
def test_terminal_text(raw: str | None, shown: str) -> None:
    assert terminal_text(raw) == shown


@given(st.text())
def test_terminal_text_never_emits_control_characters(raw: str) -> None:
    out = terminal_text(raw)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in out)
    out.encode("utf-8")


def test_valid_unicode_replaces_lone_surrogates() -> None:
    assert valid_unicode("a\udcffb") == "a\ufffdb"


@pytest.mark.parametrize(
    ("raw", "redacted"),
    [
        ("row 3: +49 30 90182011 bad", "row 3: [redacted] bad"),
        ("(030) 901820-11", "[redacted]"),
        ("from max.muster@example.de", "from [redacted]"),
        ("sdk 34, rc 255", "sdk 34, rc 255"),
    ],
)
def test_redact_free_text(raw: str, redacted: str) -> None:
    assert redact_free_text(raw) == redacted


def test_cell_width_and_truncate() -> None:
    assert cell_width("abc") == 3
    assert cell_width("小米") == 4
    assert cell_width("e\u0301") == 2  # over-counted on purpose: never less than len()
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abc", 4) == "abc"
    assert cell_width(truncate("小米小米小米", 5)) <= 5
    assert truncate("abc", 0) == ""
