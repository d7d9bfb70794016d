"""The phone's clock and the app-ops' relative times -> absolute UTC times (ISO 8601).

``appops get`` prints when an op was last used as a duration back from the phone's own clock
(``time=+3h0m4s5ms ago``, android.util.TimeUtils.formatDuration). That text alone is useless in
a report read next week. The collector therefore reads the phone's clock (``date -u +%s``) in
the same run, just before the app-ops, and the access time is that clock minus the duration:
the duration is measured on the phone's clock too, so the result is the phone's own timestamp
of the access.

Never a guess: an unreadable clock, a duration that is not in formatDuration's form, or a
negative one (the clock was set back after the access) gives None, which reports show as
unknown. Pure: text in, values out.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# formatDuration: sign, then days/hours/minutes/seconds from the first non-zero one, then ms
# (older and OEM builds also print shortened forms such as ``+1d3h``)
_DURATION = re.compile(
    r"(?P<sign>[+-])(?:(?P<d>\d{1,6})d)?(?:(?P<h>\d{1,2})h)?(?:(?P<m>\d{1,2})m(?!s))?(?:(?P<s>\d{1,2})s)?"
    r"(?:(?P<ms>\d{1,3})ms)?"
)
# 2001-09-09 .. 2286-11-20: ten digits; anything else is not a clock we can use
_EPOCH = re.compile(r"[0-9]{10}")


def parse_clock(text: str) -> int | None:
    """Seconds since the epoch from ``date -u +%s`` output, None unless it is exactly one such number."""
    value = text.strip()
    return int(value) if _EPOCH.fullmatch(value) else None


def parse_ago(text: str) -> timedelta | None:
    """``+1d2h3m4s5ms ago`` (or ``0``) as a duration; None when it is anything else or negative."""
    value = text.strip()
    if value.endswith(" ago"):
        value = value[: -len(" ago")].strip()
    if value == "0":
        return timedelta(0)
    match = _DURATION.fullmatch(value)
    if match is None or match["sign"] == "-":
        return None
    part = {k: int(v) for k, v in match.groupdict().items() if k != "sign" and v is not None}
    if not part:  # a sign alone
        return None
    return timedelta(days=part.get("d", 0), hours=part.get("h", 0), minutes=part.get("m", 0),
                     seconds=part.get("s", 0), milliseconds=part.get("ms", 0))


def access_time(relative: str | None, clock: int | None) -> str | None:
    """The absolute UTC time (``2026-05-01T07:29:55Z``) of a relative app-op time, or None when
    either the text or the phone's clock cannot be read (never a guess)."""
    if relative is None or clock is None:
        return None
    ago = parse_ago(relative)
    if ago is None:
        return None
    try:
        when = datetime.fromtimestamp(clock, UTC) - ago
    except (OverflowError, OSError, ValueError):
        return None
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")
