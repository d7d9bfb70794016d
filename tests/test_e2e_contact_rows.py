"""A contact value posing as the next ``content query`` row cannot hide a number, end to end.

``content query`` prints values without quoting, so an organisation holding
``\\nRow: 1 raw_contact_id=...`` looks like row 1; the real row 1 (a third party's number) then
reads as part of that value. Through the real adb server and a simulated phone whose WhatsApp
may read the book, the verdict must be "unknown" (the book is not known whole), never the
"empty book, ok" that the disguised output reads as.
"""

from __future__ import annotations

from audit.adb import AdbHost
from audit.policy import default_policy
from audit.results import DeviceStatus, Severity
from audit.scan import audit_one
from audit.simulator.profile import parse_profile

FAKE_ROW = (
    "Firma\\nRow: 1 raw_contact_id=1, mimetype=vnd.android.cursor.item/organization, "
    "account_type=com.google, data1=Abteilung"
)

PROFILE = f'''
description = "WhatsApp granted; a company name that poses as the next row hides a number"

[device]
manufacturer = "Google"
model = "Pixel 8"
product = "shiba"
device = "shiba"
sdk = 34
sim_country = "de"

[[users]]
id = 0
kind = "owner"

[users.book]
account_type = "com.google"

[[users.book.contacts]]
name = "Firma"
organization = "{FAKE_ROW}"

[[users.book.contacts]]
name = "Jonas Muster"
phones = ["+44 7700 900123"]

[[packages]]
package = "com.whatsapp"
target_sdk = 34

[[packages.users]]
user = 0
permissions = {{ READ_CONTACTS = {{ granted = true, flags = ["USER_SET"] }} }}
'''


def test_a_hidden_row_makes_the_book_unknown_not_empty(start_fleet) -> None:  # type: ignore[no-untyped-def]
    fleet = start_fleet(parse_profile(PROFILE, "hidden-row.toml", "hidden-row"))
    serial = fleet.serials[0]
    result = audit_one(AdbHost(fleet.adb_port), serial, default_policy(), timeout=120)

    assert result.status is DeviceStatus.AUDITED, result.error
    [verdict] = [v for v in result.verdicts if v.package == "com.whatsapp"]
    assert verdict.rule == "unknown.address_book", verdict.rule
    assert verdict.severity is Severity.UNKNOWN
    assert not verdict.counts.known
