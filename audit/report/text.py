"""Making untrusted text safe for each output, without losing what it says.

A phone chooses its own serial, model and user names, and the parse stage keeps them verbatim.
Each report format has a different way to be attacked by such a string (a terminal by escape
sequences, a spreadsheet by formulas, a UTF-8 file by lone surrogates), so each format applies
the helper that fits it right where it serialises, and only there.
"""

from __future__ import annotations

import re
import unicodedata

# ECMA-48 escape sequences: CSI (ESC [ ... final), OSC/DCS/PM/APC strings (ESC ] ... BEL or ST),
# and two-character escapes. Whole sequences go, so no stray "[31m" is left behind.
_ANSI_RE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]               # CSI
    | \x9b[0-?]*[ -/]*[@-~]               # 8-bit CSI
    | [\x1b][\]PX^_].*?(?:\x07|\x1b\\|\x9c|$)  # OSC, DCS, SOS, PM, APC up to BEL/ST
    | [\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x1b\\|\x9c|$)  # their 8-bit forms
    | \x1b[ -/]*[0-~]?                    # other escapes (and a lone ESC)
    """,
    re.VERBOSE | re.DOTALL,
)
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_SPACE_LIKE = {"\t", "\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"}

# Things that look like a phone number or an e-mail address inside free text (problem notes).
_PHONE_LIKE_RE = re.compile(r"[+(]*\d[\d \t()./-]{5,}\d")
_EMAIL_LIKE_RE = re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+\.[^\s@<>\"']+")
REDACTED = "[redacted]"


def valid_unicode(text: str) -> str:
    """Replace lone surrogates (from surrogateescape decoding) so the text can be UTF-8 encoded."""
    return _SURROGATE_RE.sub("\ufffd", text)


def terminal_text(text: str | None) -> str:
    """``text`` as inert single-line terminal text.

    Escape sequences could recolour, retitle or rewrite the operator's terminal; bidi overrides
    and zero-width characters could make one phone look like another. Line breaks become spaces
    so that one device string cannot fake extra table rows.
    """
    if not text:
        return ""
    text = _ANSI_RE.sub("", valid_unicode(text))
    out = []
    for char in text:
        if char in _SPACE_LIKE:
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(char)
    return "".join(out).strip()


def redact_free_text(text: str) -> str:
    """Mask number- and address-like runs in notes written by other stages.

    Problem notes are meant to be reasons, not data, but they are built from device output; this
    is the last line of defence against a raw number or e-mail address reaching a report.
    """
    return _PHONE_LIKE_RE.sub(REDACTED, _EMAIL_LIKE_RE.sub(REDACTED, valid_unicode(text)))


def cell_width(text: str) -> int:
    """Columns ``text`` may occupy: wide characters count two, every other character one.

    Never less than the terminal width nor than ``len``: tabulate pads by ``len`` when wcwidth
    is not installed, so over-counting combining marks keeps every row inside the table width.
    """
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def truncate(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, marking the cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_width(text) <= width:
        return text
    out = []
    used = 0
    for char in text:
        w = cell_width(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out).rstrip() + "…"
