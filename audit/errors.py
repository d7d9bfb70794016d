"""The package's own exceptions.

Library errors (adbutils, OS errors, TOML errors) are wrapped into these at the boundary so
that the CLI can print one clear line for each and never a traceback. Messages must never
contain a raw phone number, contact name or e-mail address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audit.results import Message


class AuditError(Exception):
    """Base class: every error the CLI turns into a one-line message."""


class UsageError(AuditError):
    """Bad command-line input (exit code 2)."""


class PolicyError(AuditError):
    """The policy file is missing, malformed or inconsistent (exit code 2)."""


class AdbUnavailable(AuditError):
    """No adb server could be reached or started."""


class DeviceError(AuditError):
    """A phone could not be talked to; carries the device status for the report, and the reason
    as a catalogue message (``reason``) so that human reports can say it in their language."""

    def __init__(self, status: str, message: str, reason: Message | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class CollectionError(DeviceError):
    """The phone answered, but its output is incomplete or not ours (truncated, no terminator)."""

    def __init__(self, message: str, reason: Message | None = None) -> None:
        super().__init__("error", message, reason)


class ReportFileError(UsageError):
    """A saved report given as input is unreadable, damaged or not ours (exit code 2)."""
