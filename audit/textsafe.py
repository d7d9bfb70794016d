"""Make untrusted device text safe to show on a terminal.

Serials, model and user names come from the phone and may hold anything, including ANSI escape
sequences that would rewrite the operator's screen. Reports keep the data; display strips it.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
# json.dumps escapes every C0 control inside strings, so a raw newline in its output is layout.
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def clean(text: str, limit: int = 120) -> str:
    """Printable, single-line, bounded."""
    out = _CONTROL.sub("?", text)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def json_safe(text: str) -> str:
    """JSON text (made with ``ensure_ascii=False``) with every character ``clean`` would replace
    written as a ``\\uXXXX`` escape: the same JSON value, but nothing a phone printed can steer
    the terminal (C1 controls, bidi overrides), while umlauts stay readable."""
    return _CONTROL_BUT_NEWLINE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
