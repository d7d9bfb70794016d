"""Fail closed on every incomplete read (issue 8): damage one section of a whole collector run in
every way a phone can, and the phone's worst verdict is never milder than the whole read's.

Exhaustive over every fixture phone (tests/fixtures/device/a*), every section of its run and
every line of that section: the section cut after the line with exit status 0 and the terminator
intact (with and without the line dumpsys prints when its 10 s timeout expires), dropped, or
ended with a non-zero exit status. "Never milder": the damaged phone's worst severity ranks at
least as high as the whole read's, or the phone has an ``unknown`` verdict (the operator must
look again). One NumberCache is shared so that phonenumbers parses each number once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from test_parse_snapshot import PACKAGES, PHONES, collection

from audit.assess import audit_snapshot
from audit.classify import NumberCache
from audit.parse import build_snapshot
from audit.policy import default_policy
from audit.results import Severity
from audit.sections import Collection, Section

TIMEOUT_LINE = "*** SERVICE 'package' DUMP TIMEOUT (10000ms) EXPIRED ***"
_CACHE = NumberCache()
_POLICY = default_policy()


def _worst(coll: Collection, phone: str) -> tuple[int, bool]:
    """(highest severity rank, whether any verdict is unknown)."""
    result = audit_snapshot(build_snapshot(f"serial-{phone}", coll, PACKAGES), _POLICY, _CACHE)
    severities = [v.severity for v in result.verdicts]
    return max(s.rank for s in severities), Severity.UNKNOWN in severities


def _damaged(sections: tuple[Section, ...]) -> Iterator[tuple[str, tuple[Section, ...]]]:
    for index, section in enumerate(sections):
        where = f"{section.name}{dict(section.attrs)}"
        rest = sections[:index], sections[index + 1:]
        yield f"{where} dropped", rest[0] + rest[1]
        for rc in (1, 255):
            yield f"{where} rc={rc}", rest[0] + (replace(section, rc=rc),) + rest[1]
        lines = section.body.split("\n")
        for cut in range(len(lines)):
            head = "\n".join(lines[:cut])
            yield f"{where} cut after line {cut}", rest[0] + (replace(section, body=head),) + rest[1]
            timed_out = f"{head}\n\n{TIMEOUT_LINE}\n" if cut else f"\n{TIMEOUT_LINE}\n"
            yield (
                f"{where} cut after line {cut} + timeout line",
                rest[0] + (replace(section, body=timed_out),) + rest[1],
            )


@pytest.mark.parametrize("phone", PHONES)
def test_no_damaged_section_makes_a_phone_milder(phone: str) -> None:
    whole = collection(phone)
    assert whole.complete
    full_rank, _ = _worst(whole, phone)
    milder: list[str] = []
    for what, sections in _damaged(whole.sections):
        rank, unknown = _worst(Collection(sections, True), phone)
        if rank < full_rank and not unknown:
            milder.append(what)
    assert milder == [], f"{len(milder)} damaged reads come out milder, e.g. {milder[:5]}"
