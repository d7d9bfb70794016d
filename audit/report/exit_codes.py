"""The process exit code a scan ends with, so scripts and CI can act on a fleet scan.

Fail closed: an unknown severity counts as high (``Severity.rank``), and a phone that could not
be audited is never silently "fine" -- it gets its own code when nothing else is wrong.
"""

from __future__ import annotations

from audit.results import DeviceStatus, ScanReport, Severity

OK = 0  # every phone audited, no verdict at or above the threshold
FINDINGS = 1  # some verdict at or above the threshold
USAGE = 2  # bad command line or policy (decided by the CLI, never here)
NOT_AUDITED = 3  # some phone could not be audited, none was scanned, or interrupted; no finding


def exit_code(report: ScanReport, fail_on: Severity | None) -> int:
    """0, 1 or 3 for ``report`` against the ``fail_on`` threshold (see the constants above).

    ``fail_on=None`` ("never") means no verdict fails the run; a phone that could not be audited
    still gives 3, because that is not a finding but a gap in the audit.
    """
    if fail_on is not None and any(v.severity.at_least(fail_on) for d in report.devices for v in d.verdicts):
        return FINDINGS
    if report.interrupted or any(d.status is not DeviceStatus.AUDITED for d in report.devices):
        return NOT_AUDITED
    if not report.devices:  # nothing attached: a scan that checked nothing must not pass as clean
        return NOT_AUDITED
    return OK
