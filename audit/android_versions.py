"""The Android releases contact-audit has been checked against, and what a newer one means.

Why this exists: every Android release may change what ``dumpsys package``, ``appops get``,
``pm list users`` or ``content query`` print. The parsers fail closed on shapes they do not know
(a fact they cannot read is unknown, never "denied"), so a phone on a newer release is still
audited and judged by the same table. But nobody has compared that release's output with the
parsers, so every report says, per phone, when its Android is newer than the range below: the
administrator then knows to update contact-audit (docs/android-versions.md lists what was checked
for each release).
"""

from __future__ import annotations

OLDEST_SUPPORTED_SDK = 23  # Android 6.0
NEWEST_VERIFIED_SDK = 37  # Android 17, checked against its sources (docs/android-versions.md)
NEWEST_VERIFIED_RELEASE = "17"
# Android 17 brought the system Contact Picker (ContactsPickerSessionContract.ACTION_PICK_CONTACTS).
CONTACT_PICKER_SDK = 37


def newer_than_verified(sdk: int | None) -> bool | None:
    """Whether ``sdk`` is above the newest verified one; None when the phone's SDK is unknown."""
    if sdk is None:
        return None
    return sdk > NEWEST_VERIFIED_SDK


def has_contact_picker(sdk: int | None) -> bool:
    """Whether the phone's Android has the system Contact Picker (unknown SDK: not claimed)."""
    return sdk is not None and sdk >= CONTACT_PICKER_SDK
