"""The phone's clock and app-op durations -> UTC times: exact where readable, None (unknown) otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_parse_snapshot import _with, collection

from audit.parse import build_snapshot
from audit.parse.clock import access_time, parse_ago, parse_clock
from audit.sections import Collection
from audit.simulator.android.text import format_duration

CLOCK = 1741948200  # 2025-03-14T10:30:00Z


@pytest.mark.parametrize(("text", "expected"), [
    ("+3h0m4s5ms ago", timedelta(hours=3, seconds=4, milliseconds=5)),
    ("+1d2h3m4s5ms", timedelta(days=1, hours=2, minutes=3, seconds=4, milliseconds=5)),
    ("+12ms ago", timedelta(milliseconds=12)),
    ("+1d3h ago", timedelta(days=1, hours=3)),
    ("+5m ago", timedelta(minutes=5)),
    ("0", timedelta(0)),
])
def test_durations_in_format_duration_form(text: str, expected: timedelta) -> None:
    assert parse_ago(text) == expected


@pytest.mark.parametrize("text", ["-4h50m23s772ms ago", "+ ago", "", "yesterday", "+3x ago", "2019-01-01 12:00:00",
                                  "+1h2h ago", "+99999999d ago"])
def test_anything_else_is_unknown(text: str) -> None:
    assert parse_ago(text) is None


@given(st.integers(min_value=0, max_value=3650 * 86_400_000))
def test_every_duration_the_phone_prints_reads_back(ms: int) -> None:
    assert parse_ago(format_duration(ms) + " ago") == timedelta(milliseconds=ms)


def test_access_time_is_the_clock_minus_the_duration_in_utc() -> None:
    assert access_time("+3h0m4s5ms ago", CLOCK) == "2025-03-14T07:29:55Z"
    assert access_time("+3h0m4s5ms ago", None) is None  # no clock: unknown, never the host's time
    assert access_time("-1h ago", CLOCK) is None
    assert access_time(None, CLOCK) is None


@pytest.mark.parametrize(("text", "expected"), [("1741948200\n", CLOCK), ("  1741948200 ", CLOCK),
                                                ("date: bad format\n", None), ("", None), ("17419482001", None),
                                                ("1741948200\n1741948201\n", None), ("0x67d40528", None)])
def test_clock_output(text: str, expected: int | None) -> None:
    assert parse_clock(text) == expected


def _without_clock(body: str | None) -> Collection:
    coll = collection("a13_pixel")
    sections = tuple(s for s in coll.sections if s.name != "clock" or body is not None)
    if body is not None:
        sections = tuple(s.__class__(s.name, s.attrs, body, s.rc) if s.name == "clock" else s for s in sections)
    return Collection(sections, True)


@pytest.mark.parametrize("body", [None, "date: unknown option -u\n"])
def test_an_unreadable_clock_makes_every_access_time_unknown_with_a_problem(body: str | None) -> None:
    snap = build_snapshot("s", _without_clock(body), ("com.whatsapp",))
    ops = [op for a in snap.apps for op in a.appops if op.last_access]
    assert ops and all(op.last_access_utc is None for op in ops)
    assert snap.clock is None
    assert any("clock" in p and "unknown" in p for p in snap.problems)


def test_a_readable_clock_dates_every_access() -> None:
    snap = build_snapshot("s", collection("a13_pixel"), ("com.whatsapp",))
    assert snap.clock == CLOCK
    ops = [op for a in snap.apps for op in a.appops if op.last_access]
    assert ops and all(op.last_access_utc and op.last_access_utc.endswith("Z") for op in ops)


@pytest.mark.parametrize(
    ("body", "rc", "problem"),
    [
        (None, 0, "reading the phone clock was not collected: app-op access times are unknown"),
        ("", 1, "reading the phone clock failed (exit status 1): app-op access times are unknown"),
        ("17419", None, "reading the phone clock was cut off: app-op access times are unknown"),
        ("date: unknown option -u\n", 0, "the phone's clock could not be read: app-op access times are unknown"),
    ],
)
def test_why_the_access_times_are_unknown_is_said(body: str | None, rc: int | None, problem: str) -> None:
    snap = build_snapshot("s", _with(collection("a13_pixel"), "clock", {}, body, rc), ("com.whatsapp",))
    assert [p for p in snap.problems if "clock" in p] == [problem]
