"""Split the collector's output into tagged sections (pure; see docs/collect-format.md).

Kept apart from collect.py (which talks to adb) so that the parse stage and its tests depend
on nothing but text. The nonce makes marker lines unforgeable by device output; the terminator
with the section count makes truncation (a phone unplugged mid-scan) detectable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ATTR = re.compile(r"([a-z]+)=([A-Za-z0-9_.]+)")  # fullmatch
_NAME = re.compile(r"[a-z][a-z-]*")  # fullmatch


@dataclass(frozen=True)
class Section:
    """One command's output. ``rc`` is None when the section never ended (truncated run)."""

    name: str
    attrs: tuple[tuple[str, str], ...] = ()
    body: str = field(default="", repr=False)
    rc: int | None = None

    def attr(self, key: str) -> str | None:
        for k, v in self.attrs:
            if k == key:
                return v
        return None

    @property
    def ok(self) -> bool:
        return self.rc == 0


@dataclass(frozen=True)
class Collection:
    """The split output of one collector run.

    ``complete`` is True only when the terminator was seen and its section count matches:
    anything else means the output was cut off and no fact may be read as final from it.
    """

    sections: tuple[Section, ...]
    complete: bool
    problem: str | None = None

    def find(self, name: str, **attrs: str) -> tuple[Section, ...]:
        want = set(attrs.items())
        return tuple(s for s in self.sections if s.name == name and want <= set(s.attrs))

    def first(self, name: str, **attrs: str) -> Section | None:
        found = self.find(name, **attrs)
        return found[0] if found else None


# Why a collection is not complete; audit/collect.py maps each to a catalogue message.
NO_HEADER = "the phone's output is not the collector's (no header)"
CUT_OFF = "output ended early (connection dropped or cut off)"
COUNT_MISMATCH = "section count does not match the terminator"


def split_sections(text: str, nonce: str) -> Collection:
    """Split collector output; never raises, whatever the text."""
    if "\r\n" in text:
        # Android < 7 runs `adb shell CMD` on a pty, which turns every \n into \r\n.
        text = text.replace("\r\n", "\n")
    marker = f"@@{nonce} "
    lines = text.split("\n")
    sections: list[Section] = []
    saw_header = False
    current: tuple[str, tuple[tuple[str, str], ...]] | None = None
    body: list[str] = []
    done_count: int | None = None
    problem: str | None = None

    for line in lines:
        if not line.startswith(marker):
            if current is not None:
                body.append(line)
            continue
        words = line[len(marker):].split()
        if not words:
            continue
        if words[0] == "collect":
            saw_header = True
        elif words[0] == "begin" and len(words) >= 2:
            if current is not None:  # a begin without end: keep what we have, unfinished
                sections.append(Section(current[0], current[1], "\n".join(body), None))
            name = words[1]
            attrs = tuple(_split_attr(w) for w in words[2:])
            if not _NAME.fullmatch(name) or any(a is None for a in attrs):
                current = None
                problem = problem or "malformed section header"
                continue
            current = (name, tuple(a for a in attrs if a is not None))
            body = []
        elif words[0] == "end" and current is not None:
            rc = _parse_rc(words[1:])
            # end() prints a newline before the marker: drop exactly that one line break.
            if body and body[-1] == "":
                body.pop()
            sections.append(Section(current[0], current[1], "\n".join(body), rc))
            current = None
            body = []
        elif words[0] == "done":
            done_count = _parse_count(words[1:])
            break

    if current is not None:
        sections.append(Section(current[0], current[1], "\n".join(body), None))

    if not saw_header:
        return Collection(tuple(sections), False, NO_HEADER)
    if done_count is None:
        return Collection(tuple(sections), False, CUT_OFF)
    if done_count != len(sections) or any(s.rc is None for s in sections):
        return Collection(tuple(sections), False, COUNT_MISMATCH)
    return Collection(tuple(sections), True, problem)


def _split_attr(word: str) -> tuple[str, str] | None:
    m = _ATTR.fullmatch(word)
    return (m.group(1), m.group(2)) if m else None


def _parse_rc(words: list[str]) -> int | None:
    for w in words:
        if w.startswith("rc="):
            try:
                return int(w[3:])
            except ValueError:
                return None
    return None


def _parse_count(words: list[str]) -> int | None:
    for w in words:
        if w.startswith("sections="):
            try:
                return int(w[len("sections="):])
            except ValueError:
                return None
    return None
