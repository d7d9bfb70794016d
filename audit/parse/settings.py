"""``settings --user N get secure <key>`` -> the value, "unset", or unknown.

The command prints the value on one line, or ``null`` when the key was never written. Used for
``managed_profile_contact_remote_search`` of a work profile: ``1``/``0`` as stored. ``null`` is
kept apart from an error: the setting is absent (Android then applies its own default), which is
a fact, whereas an error (``Invalid user``, a SecurityException, several lines) is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

ALLOWED = frozenset({"0", "1"})


@dataclass(frozen=True)
class SettingValue:
    value: str | None  # "0" or "1"; None when unset or unknown
    unset: bool = False  # the phone said ``null``
    known: bool = False  # the output was a value or ``null``
    problem: str | None = None


def parse_setting(text: str, allowed: frozenset[str] = ALLOWED) -> SettingValue:
    """Never raises."""
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    if len(lines) != 1:
        return SettingValue(None, problem="the setting could not be read")
    value = lines[0]
    if value == "null":
        return SettingValue(None, unset=True, known=True)
    if value in allowed:
        return SettingValue(value, known=True)
    return SettingValue(None, problem="the setting has a value this tool does not know")
