"""Fleet summary figures and the exit code a scan ends with."""

from __future__ import annotations

import pytest
from test_report_builders import counts, device, fleet, scan, verdict

from audit.report import exit_code, summarize
from audit.results import DeviceStatus, Severity, Upload


def test_fleet_summary_counts() -> None:
    summary = summarize(fleet())
    assert (summary.phones, summary.audited, summary.not_audited) == (5, 3, 2)
    assert summary.not_audited_count(DeviceStatus.UNAUTHORIZED) == 1
    assert summary.not_audited_count(DeviceStatus.OFFLINE) == 1
    assert summary.not_audited_count(DeviceStatus.TIMEOUT) == 0
    assert summary.verdicts == 5
    assert [summary.severity_count(s) for s in Severity] == [1, 1, 0, 0, 2, 1]
    assert summary.worst is Severity.CRITICAL
    assert summary.phones_exposing == 2


def test_a_phone_not_audited_makes_the_worst_severity_unknown_or_worse() -> None:
    ok_phone = device("SIMA0001", verdict(0, severity=Severity.OK))
    lost = device("SIMB0002", status=DeviceStatus.OFFLINE, error="gone")
    assert summarize(scan(ok_phone)).worst is Severity.OK
    assert summarize(scan(ok_phone, lost)).worst is Severity.UNKNOWN
    assert summarize(scan(lost)).worst is Severity.UNKNOWN
    critical = device("SIMC0003", verdict(0, severity=Severity.CRITICAL))
    assert summarize(scan(ok_phone, lost, critical)).worst is Severity.CRITICAL


def test_exposed_numbers_are_deduplicated_across_phones_and_users() -> None:
    # Phone A: user 0 exposes 0..5, phone B: user 0 exposes 0, 1, 50, 51 -> 8 distinct.
    summary = summarize(fleet())
    assert summary.exposed_numbers == 8
    assert summary.exposed_complete


def test_the_same_number_on_two_phones_counts_once() -> None:
    report = scan(
        device("SIMA0001", verdict(0, number_counts=counts(0, personal=1, exposed=(7,)))),
        device("SIMB0002", verdict(0, upload=Upload.POSSIBLE, number_counts=counts(0, personal=1, exposed=(7,)))),
    )
    assert summarize(report).exposed_numbers == 1


def test_two_apps_of_one_user_count_its_numbers_once() -> None:
    book = counts(0, business=3)
    dev = device("SIMA0001", verdict(0, number_counts=book), verdict(0, package="com.whatsapp.w4b", number_counts=book))
    summary = summarize(scan(dev))
    assert (summary.exposed_numbers, summary.phones_exposing) == (3, 1)


def test_users_that_do_not_upload_are_not_counted() -> None:
    report = scan(
        device("SIMA0001", verdict(0, upload=Upload.NO, severity=Severity.OK, number_counts=counts(0, personal=4))),
        device(
            "SIMB0002",
            verdict(
                0,
                upload=Upload.UNKNOWN,
                severity=Severity.UNKNOWN,
                number_counts=counts(0, personal=2, exposed=(10, 11)),
            ),
        ),
    )
    summary = summarize(report)
    assert (summary.exposed_numbers, summary.phones_exposing) == (0, 0)


def test_unknown_counts_make_the_figure_a_lower_bound() -> None:
    report = scan(device("SIMA0001", verdict(0, number_counts=counts(0, known=False))))
    summary = summarize(report)
    assert (summary.exposed_numbers, summary.exposed_complete) == (0, False)


def test_missing_digests_make_the_figure_a_lower_bound() -> None:
    report = scan(device("SIMA0001", verdict(0, number_counts=counts(0, personal=5, exposed=(1, 2)))))
    summary = summarize(report)
    assert (summary.exposed_numbers, summary.exposed_complete) == (2, False)


def test_empty_scan() -> None:
    summary = summarize(scan())
    assert (summary.phones, summary.verdicts, summary.worst, summary.exposed_numbers) == (0, 0, None, 0)


@pytest.mark.parametrize(
    ("severities", "statuses", "fail_on", "expected"),
    [
        ((Severity.OK,), (), Severity.HIGH, 0),
        ((Severity.MEDIUM,), (), Severity.HIGH, 0),
        ((Severity.HIGH,), (), Severity.HIGH, 1),
        ((Severity.CRITICAL,), (), Severity.HIGH, 1),
        ((Severity.UNKNOWN,), (), Severity.HIGH, 1),
        ((Severity.UNKNOWN,), (), Severity.CRITICAL, 0),
        ((Severity.MEDIUM,), (), Severity.MEDIUM, 1),
        ((Severity.LOW,), (), Severity.OK, 1),
        ((Severity.OK,), (DeviceStatus.UNAUTHORIZED,), Severity.HIGH, 3),
        ((Severity.MEDIUM,), (DeviceStatus.TIMEOUT,), Severity.HIGH, 3),
        ((Severity.CRITICAL,), (DeviceStatus.OFFLINE,), Severity.HIGH, 1),
        ((Severity.CRITICAL,), (), None, 0),
        ((Severity.CRITICAL,), (DeviceStatus.ERROR,), None, 3),
        ((), (), Severity.HIGH, 3),  # no phone at all: nothing was checked, not a clean pass
    ],
)
def test_exit_codes(
    severities: tuple[Severity, ...],
    statuses: tuple[DeviceStatus, ...],
    fail_on: Severity | None,
    expected: int,
) -> None:
    devices = [device(f"SIMA{i:04d}", verdict(0, severity=s)) for i, s in enumerate(severities)]
    devices += [device(f"SIMS{i:04d}", status=s, error="x") for i, s in enumerate(statuses)]
    assert exit_code(scan(*devices), fail_on) == expected


def test_interrupted_scan_is_not_a_clean_pass() -> None:
    report = scan(device("SIMA0001", verdict(0, severity=Severity.OK)), interrupted=True)
    assert exit_code(report, Severity.HIGH) == 3
    assert exit_code(scan(device("SIMA0001", verdict(0, severity=Severity.OK))), Severity.HIGH) == 0
