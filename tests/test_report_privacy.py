"""No raw number, e-mail address or organisation from an address book reaches any report."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_builders import counts, device, scan, snapshot, verdict

from audit.report import FORMATS, render
from audit.results import ScanReport, Upload
from audit.snapshot import AndroidUser, UserKind


def digit_forms(number: str) -> set[str]:
    """The number's digits as E.164 (without +) and in national form."""
    digits = "".join(ch for ch in number if ch.isdigit())
    national = "0" + digits[2:] if digits.startswith("49") else digits
    return {digits, national}


def digit_runs(output: str) -> list[str]:
    """Every number-like run in the output, reduced to its digits (any grouping or punctuation)."""
    return [re.sub(r"\D", "", run) for run in re.findall(r"\+?\d[\d \-/().]*\d", output)]


def all_outputs(report: ScanReport) -> str:
    return "\n".join(
        render(report, fmt, lang=lang, excel=excel)
        for fmt in FORMATS
        for lang in ("en", "de")
        for excel in (False, True)
    )


def leaks(output: str, values: list[str]) -> list[str]:
    runs = digit_runs(output)
    found = []
    for value in values:
        if value in output:
            found.append(value)
        elif any(c.isdigit() for c in value) and "@" not in value:
            found += [form for form in digit_forms(value) if any(form in run for run in runs)]
    return found


FORMATS_OF_NUMBER = ("+49 30 901820{:02d}", "030 901820{:02d}", "+4930901820{:02d}", "(030) 901820-{:02d}")

number = st.builds(
    lambda fmt, n: fmt.format(n), st.sampled_from(FORMATS_OF_NUMBER), st.integers(min_value=0, max_value=99)
)
email = st.builds(lambda user: f"{user}@example.de", st.from_regex(r"[a-z]{3,10}\.[a-z]{3,10}", fullmatch=True))
organization = st.builds(lambda w: f"{w} Beispiel GmbH", st.from_regex(r"[A-Z][a-z]{4,9}", fullmatch=True))


def report_with(numbers: list[str], emails: list[str], orgs: list[str]) -> ScanReport:
    users = (AndroidUser(0, "Owner", 0, UserKind.OWNER), AndroidUser(10, "Work", 0, UserKind.WORK_PROFILE))
    snap = snapshot(
        "SIMP0001",
        users=users,
        numbers=tuple(numbers),
        emails=tuple(emails),
        organizations=tuple(orgs),
        problems=tuple(f"could not parse row {n}" for n in numbers[:2]),
    )
    dev = device(
        "SIMP0001",
        verdict(0, number_counts=counts(0, business=2, personal=len(numbers))),
        verdict(10, kind=UserKind.WORK_PROFILE, upload=Upload.POSSIBLE, number_counts=counts(10, known=False)),
        users=users,
    )
    return scan(replace(dev, snapshot=snap))


@settings(max_examples=40, deadline=None)
@given(
    numbers=st.lists(number, min_size=1, max_size=6),
    emails=st.lists(email, min_size=1, max_size=3),
    orgs=st.lists(organization, max_size=2),
)
def test_no_address_book_value_appears_in_any_output(numbers: list[str], emails: list[str], orgs: list[str]) -> None:
    output = all_outputs(report_with(numbers, emails, orgs))
    assert leaks(output, numbers + emails + orgs) == []


def test_the_leak_detector_finds_a_planted_number() -> None:
    """Control: the check above can fail -- a number put where reports do print it is found."""
    planted = "+49 30 90182042"
    report = report_with([planted], ["erika.muster@example.de"], ["Muster Beispiel GmbH"])
    assert leaks(all_outputs(report), [planted]) == []
    assert leaks(all_outputs(replace(report, station="030 9018-2042")), [planted]) != []
    assert leaks(all_outputs(replace(report, station="+4930901820 42")), [planted]) != []
    assert leaks(all_outputs(replace(report, station="+49 30 90182043")), [planted]) == []
    assert leaks(all_outputs(replace(report, station="erika.muster@example.de")), ["erika.muster@example.de"]) != []


def test_a_number_in_a_phones_error_line_is_masked_in_every_format_and_the_history() -> None:
    """The error line of a phone not audited is the tool's, but may quote what adb or the phone
    printed: every format masks number- and address-like runs in it, as the HTML page did."""
    from audit.history.rows import audit_row
    from audit.results import DeviceResult, DeviceStatus

    planted = "+49 30 90182042"
    failed = DeviceResult("SIMP0002", DeviceStatus.ERROR, f"unexpected output: call {planted} or erika@example.de")
    report = replace(report_with(["030 90182011"], ["a.b@example.de"], []), devices=(failed,))
    output = all_outputs(report)
    assert leaks(output, [planted, "erika@example.de"]) == []
    assert "unexpected output: call [redacted]" in output
    assert audit_row(failed).error == "unexpected output: call [redacted] or [redacted]"
