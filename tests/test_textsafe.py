"""``textsafe.clean``: what a phone sends never rewrites the operator's terminal."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.textsafe import clean


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b[2JPixel", "?[2JPixel"),  # ESC: the start of every terminal escape sequence
    ("\x1b]0;owned\x07", "?]0;owned?"),  # OSC title change, ended by BEL
    ("\x9b31m", "?31m"),  # the one-byte CSI (C1)
    ("a\nFAKE line\rb", "a?FAKE line?b"),  # one line, no overwriting the line start
    ("a\tb\x00c\x7fd", "a?b?c?d"),
    ("\u202eevil\u2066x\u2069", "?evil?x?"),  # bidi overrides and isolates
    ("zero\u200bwidth\u200f", "zero?width?"),
    ("line\u2028para\u2029", "line?para?"),
    ("Pixel 8 Pro – Ü", "Pixel 8 Pro – Ü"),  # printable text is kept as it is
])
def test_control_and_invisible_characters_are_replaced(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_truncation_keeps_exactly_limit_characters() -> None:
    assert clean("a" * 120) == "a" * 120
    assert clean("a" * 121) == "a" * 119 + "…"
    assert clean("abcdef", limit=5) == "abcd…"
    assert clean("abcde", limit=5) == "abcde"
    assert clean("\x1b" * 10, limit=4) == "???…"


@given(st.text(), st.integers(min_value=1, max_value=300))
def test_any_text_comes_out_printable_and_bounded(raw: str, limit: int) -> None:
    out = clean(raw, limit)
    assert len(out) <= limit
    assert not any(unicodedata.category(c) == "Cc" for c in out)  # C0, DEL, C1: ESC, CSI, newlines
    assert not any(c in out for c in "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
