"""The whole judgement pipeline on damaged phone output: it never raises, and a garbled
permission dump never comes out as "ok" for that app (uncertain means not compliant)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from test_parse_snapshot import NONCE, PACKAGES, collection, collector_output
from test_report_json import schema, validate

from audit.assess import audit_snapshot
from audit.parse import build_snapshot
from audit.policy import default_policy
from audit.report import render
from audit.report.csv_report import COLUMNS
from audit.results import ScanReport, Severity
from audit.sections import Collection, split_sections

PHONES = ("a06_generic", "a08_nokia", "a10_samsung", "a11_xiaomi", "a14_workprofile", "a16_pixel", "a17_pixel")


def _report(coll: Collection, phone: str) -> ScanReport:
    result = audit_snapshot(build_snapshot(f"serial-{phone}", coll, PACKAGES), default_policy())
    return ScanReport("scan", "2026-11-28T00:00:00Z", "test", "0", None, None, (result,))


@settings(max_examples=150, deadline=None)
@given(phone=st.sampled_from(PHONES), pick=st.integers(min_value=0), junk=st.text(max_size=400),
       cut=st.integers(min_value=0, max_value=2000))
def test_damaged_sections_never_break_the_pipeline(phone: str, pick: int, junk: str, cut: int) -> None:
    coll = collection(phone)
    sections = list(coll.sections)
    index = pick % len(sections)
    target = sections[index]
    damaged = junk if cut % 2 else target.body[: cut % (len(target.body) + 1)] + junk
    sections[index] = replace(target, body=damaged)
    report = _report(Collection(tuple(sections), True), phone)

    doc = json.loads(render(report, "json"))
    assert validate(doc, schema()) == []
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert rows and tuple(rows[0]) == COLUMNS
    render(report, "table", lang="de")

    if target.name == "dumpsys-package" and cut % 2:  # the whole dump replaced by junk
        package = target.attr("pkg")
        for verdict in report.devices[0].verdicts:
            if verdict.package == package:
                assert verdict.rule.startswith("unknown."), verdict.rule
                assert verdict.severity is Severity.UNKNOWN


@settings(max_examples=60, deadline=None)
@given(phone=st.sampled_from(PHONES), junk=st.text(max_size=300))
def test_a_garbled_permission_dump_is_unknown_for_that_app(phone: str, junk: str) -> None:
    coll = collection(phone)
    dumps = [s for s in coll.sections if s.name == "dumpsys-package"]
    assert dumps, "every phone in PHONES has an audited app"
    target = dumps[0]
    sections = tuple(replace(s, body=junk) if s is target else s for s in coll.sections)
    report = _report(Collection(sections, True), phone)
    mine = [v for v in report.devices[0].verdicts if v.package == target.attr("pkg")]
    assert mine, "the app is still listed as installed, so it must still get a verdict"
    for verdict in mine:
        assert verdict.rule.startswith("unknown.") and verdict.severity is Severity.UNKNOWN, verdict.rule


def test_android_17_output_cut_in_the_picker_apps_block_is_never_ok() -> None:
    """What if the output stopped here? The collector's stream is cut at every line of the
    picker-only app's dump (Android 17, with its blank line inside the package block). "Not
    requested" needs a package block known to be whole (issue 8): the whole read says "picker
    only" (ok); every cut before a heading the format prints after the package's block (here
    `Queries:`) leaves the app unknown, even after its requested-permissions list was seen to end."""
    phone, package = "a17_pixel", "com.whatsapp.w4b"
    text = collector_output(phone)
    start = text.index(f"begin dumpsys-package pkg={package}\n")
    end = text.index("@@", start + 1)
    whole = audit_snapshot(build_snapshot("s", split_sections(text, NONCE), PACKAGES), default_policy())
    assert [v.rule for v in whole.verdicts if v.package == package] == ["not_requested.picker"]
    block_ended = text.index("\nQueries:\n", start) + len("\nQueries:\n")
    cuts = [start + n + 1 for n, ch in enumerate(text[start:end]) if ch == "\n"]
    assert len([c for c in cuts if c < block_ended]) > 90
    for cut in cuts:
        result = audit_snapshot(build_snapshot("s", split_sections(text[:cut], NONCE), PACKAGES), default_policy())
        rules = [v.rule for v in result.verdicts if v.package == package]
        assert len(rules) == 1, (cut, rules)
        if cut < block_ended:
            assert rules[0].startswith("unknown."), (cut, rules)
        else:
            assert rules == ["not_requested.picker"], (cut, rules)
