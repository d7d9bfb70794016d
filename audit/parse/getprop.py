"""``getprop`` (no arguments): ``[key]: [value]`` per line -> DeviceInfo.

Values are untrusted display text and may hold ``]``, so a value runs to the *last* ``]`` of its
line. A value with an embedded newline (rare, e.g. OEM build descriptions) continues on the next
lines until one ends with ``]``; a continuation that never ends is dropped rather than guessed.
"""

from __future__ import annotations

import re

from audit.snapshot import DeviceInfo

_PROP = re.compile(r"^\[([^\]\[]*)\]: \[(.*)$")
_COUNTRY = re.compile(r"[A-Za-z]{2}")  # fullmatch
_LOCALE_PART = re.compile(r"[A-Za-z0-9-]{1,20}")  # fullmatch


def parse_properties(text: str) -> dict[str, str]:
    """Every property that could be read whole; the first occurrence of a key wins."""
    props: dict[str, str] = {}
    pending_key: str | None = None
    pending: list[str] = []
    for raw in text.split("\n"):
        line = raw[:-1] if raw.endswith("\r") else raw
        match = _PROP.match(line)
        if match is not None:
            pending_key = None  # an unfinished multi-line value before this one is dropped
            key, rest = match.group(1), match.group(2)
            if rest.endswith("]"):
                props.setdefault(key, rest[:-1])
            else:
                pending_key, pending = key, [rest]
            continue
        if pending_key is not None:
            if line.endswith("]"):
                pending.append(line[:-1])
                props.setdefault(pending_key, "\n".join(pending))
                pending_key = None
            else:
                pending.append(line)
    return props


def parse_getprop(text: str) -> DeviceInfo:
    """The identifying properties; anything missing or empty stays None. Never raises."""
    props = parse_properties(text)

    def get(key: str) -> str | None:
        value = props.get(key, "").strip()
        return value or None

    return DeviceInfo(
        manufacturer=get("ro.product.manufacturer"),
        model=get("ro.product.model"),
        android_release=get("ro.build.version.release"),
        sdk=_int(get("ro.build.version.sdk")),
        fingerprint=get("ro.build.fingerprint"),
        serialno=get("ro.serialno"),
        sim_country=sim_country(props.get("gsm.sim.operator.iso-country", "")),
        locale=_locale(props),
    )


def sim_country(value: str) -> str | None:
    """First SIM slot with a country (multi-SIM phones join slots with ',': ``",de"`` -> ``DE``)."""
    for part in value.split(","):
        part = part.strip()
        if part:
            return part.upper() if _COUNTRY.fullmatch(part) else None
    return None


def _locale(props: dict[str, str]) -> str | None:
    # persist.sys.locale is the user's choice (Android 7+); ro.product.locale the factory default
    # (6.0 has only that); very old builds split it into language and region.
    for key in ("persist.sys.locale", "ro.product.locale"):
        value = props.get(key, "").strip()
        if value:
            return value if _LOCALE_PART.fullmatch(value) else None
    language = props.get("ro.product.locale.language", "").strip()
    region = props.get("ro.product.locale.region", "").strip()
    if language and _LOCALE_PART.fullmatch(language):
        if region and _LOCALE_PART.fullmatch(region):
            return f"{language}-{region}"
        return language
    return None


def _int(value: str | None) -> int | None:
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    return int(value)
