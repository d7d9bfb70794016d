"""Classification: one class per distinct number, first match wins, counts add up."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from judgement_fixtures import (
    COLLEAGUE_1,
    COLLEAGUE_2,
    CUSTOMER_1,
    CUSTOMER_2,
    OWNER,
    PRIVATE_1,
    PRIVATE_2,
    WORK,
    C,
    book,
    policy,
    snapshot,
)

from audit.classify import (
    RULES,
    NumberCache,
    canonical,
    classify_book,
    classify_device,
    digest,
    email_domain,
    explain_lines,
    number_region,
    readable_by_clone,
)
from audit.results import NumberCounts
from audit.snapshot import AndroidUser, UserKind


def classify_one(*contacts: C, work: bool = False, region: str | None = "DE", **policy_changes: object) -> NumberCounts:
    return classify_book(book(0, contacts), 0, policy(**policy_changes), region, work_profile=work)


def rules(counts: NumberCounts) -> dict[str, int]:
    return dict(counts.by_rule)


def assert_consistent(counts: NumberCounts) -> None:
    total = counts.colleague + counts.business + counts.personal + counts.invalid
    assert total == counts.distinct_numbers == sum(n for _, n in counts.by_rule)
    assert len(counts.exposed_keys) == counts.third_party


def test_one_number_in_every_common_spelling_is_one_number() -> None:
    counts = classify_one(
        C(["+49 30 90182011"]),
        C(["030 90182011"]),
        C(["0049-30-90182011"]),
        C(["(030) 901820-11"]),
        C(["+49 (0)30 90182011"]),
    )
    assert counts.phone_numbers == 5
    assert counts.distinct_numbers == 1
    assert rules(counts) == {"personal.default": 1}
    assert counts.contacts == 5
    assert_consistent(counts)


def test_short_and_service_codes_are_invalid_and_deduplicated_by_digits() -> None:
    counts = classify_one(C(["112"]), C(["1 1 2"]), C(["*100#"]), C(["+49 30 90182011"]))
    assert counts.invalid == 2
    assert rules(counts) == {"invalid.unparseable": 2, "personal.default": 1}
    assert counts.third_party == 3
    assert_consistent(counts)


def test_pause_and_wait_suffixes_are_not_part_of_the_number() -> None:
    assert canonical("+49 30 90182011,,123") == canonical("+49 30 90182011") == "+493090182011"
    assert canonical("030 90182011;4711") == "03090182011"
    counts = classify_one(C(["+49 30 90182011,,123"]), C(["030 90182011"]))
    assert counts.distinct_numbers == 1


def test_rows_without_digits_are_no_numbers() -> None:
    counts = classify_one(C(["  ", "-"]), C([PRIVATE_1]))
    assert counts.phone_numbers == 3
    assert counts.distinct_numbers == 1


@pytest.mark.parametrize(
    ("contact", "changes", "work", "rule"),
    [
        (C([COLLEAGUE_1]), {"phone_prefixes": (), "colleague_numbers": frozenset({"+493090182091"})}, False,
         "colleague.file"),
        (C([COLLEAGUE_1]), {}, False, "colleague.prefix"),
        (C([CUSTOMER_1], emails=["a.example@example.de"]), {}, False, "colleague.email_domain"),
        (C([CUSTOMER_1], emails=["a.example@Mail.Example.DE"]), {}, False, "colleague.email_domain"),
        (C(["0800 12"]), {}, False, "invalid.unparseable"),
        (C([CUSTOMER_1], orgs=["Example Kunden AG"]), {}, False, "business.organization"),
        (C([CUSTOMER_1], emails=["info@example.com"]), {}, False, "business.email_domain"),
        (C([CUSTOMER_1], account="com.google.android.gm.exchange"), {}, False, "business.account_type"),
        (C([CUSTOMER_1], account="com.example.crm"), {"business_account_types": frozenset({"com.example.crm"})},
         False, "business.account_type"),
        (C([PRIVATE_1]), {}, True, "business.work_profile"),
        (C([PRIVATE_1], emails=["someone@gmail.com"]), {}, False, "personal.default"),
        (C([PRIVATE_1], emails=["someone@example.org"]), {"freemail_domains": frozenset({"example.org"})},
         False, "personal.default"),
        (C([PRIVATE_1], orgs=["   "]), {}, False, "personal.default"),
    ],
)
def test_each_rule(contact: C, changes: dict[str, object], work: bool, rule: str) -> None:
    counts = classify_one(contact, work=work, **changes)
    assert rules(counts) == {rule: 1}
    assert_consistent(counts)


def test_no_region_makes_national_numbers_invalid_but_international_ones_classifiable() -> None:
    counts = classify_one(C(["030 90182011"]), C(["+49 30 90182012"]), region=None)
    assert rules(counts) == {"invalid.no_region": 1, "personal.default": 1}


@pytest.mark.parametrize(
    ("contact", "changes", "rule"),
    [
        # colleague file beats company prefix
        (C([COLLEAGUE_1]), {"colleague_numbers": frozenset({"+493090182091"})}, "colleague.file"),
        # company prefix beats business evidence
        (C([COLLEAGUE_1], orgs=["Example GmbH"]), {}, "colleague.prefix"),
        # a company e-mail beats an invalid number
        (C(["4711"], emails=["it@example.de"]), {}, "colleague.email_domain"),
        # invalid beats business
        (C(["4711"], orgs=["Example Kunden AG"]), {}, "invalid.unparseable"),
        # organisation beats e-mail domain and account type
        (C([CUSTOMER_1], orgs=["X"], emails=["a@example.com"], account="com.android.exchange"), {},
         "business.organization"),
        # e-mail domain beats account type
        (C([CUSTOMER_1], emails=["a@example.com"], account="com.android.exchange"), {}, "business.email_domain"),
    ],
)
def test_first_match_wins(contact: C, changes: dict[str, object], rule: str) -> None:
    assert rules(classify_one(contact, **changes)) == {rule: 1}


def test_order_of_rules_is_the_documented_one() -> None:
    assert [rule for rule, _ in RULES] == [
        "colleague.file", "colleague.prefix", "colleague.email_domain", "invalid.no_region",
        "invalid.unparseable", "business.organization", "business.email_domain", "business.account_type",
        "business.work_profile", "personal.default",
    ]


def test_evidence_from_any_contact_holding_the_number_counts() -> None:
    # the same customer saved twice: privately, and with the company name
    counts = classify_one(C(["030 90182011"]), C(["+49 30 90182011"], orgs=["Example Kunden AG"]))
    assert rules(counts) == {"business.organization": 1}
    # a private number that a colleague's contact card also holds: colleague wins for the number
    counts = classify_one(C([PRIVATE_1]), C([PRIVATE_1], emails=["b.example@example.de"]))
    assert rules(counts) == {"colleague.email_domain": 1}


def test_a_mixed_book_adds_up() -> None:
    counts = classify_one(
        C([COLLEAGUE_1, COLLEAGUE_2]),
        C([CUSTOMER_1], orgs=["Example Kunden AG"]),
        C([CUSTOMER_2], emails=["einkauf@example.com"]),
        C([PRIVATE_1, PRIVATE_2], emails=["p@web.de"]),
        C(["112"]),
        C(["030 90182011"]),  # the customer again, other spelling
    )
    assert (counts.colleague, counts.business, counts.personal, counts.invalid) == (2, 2, 2, 1)
    assert counts.third_party == 5
    assert counts.phone_numbers == 8
    assert counts.distinct_numbers == 7
    assert counts.contacts == 6
    assert_consistent(counts)


def test_messenger_synced_contacts_are_counted_apart_and_excluded() -> None:
    b = book(
        0,
        [
            C([PRIVATE_1]),
            C([PRIVATE_2], account=None),
            C([CUSTOMER_1], account="com.whatsapp"),  # WhatsApp's own copy of a matched contact
            C([CUSTOMER_2], account="org.telegram.messenger"),
        ],
        synced={"com.whatsapp": 40, "com.whatsapp.w4b": 0},
    )
    counts = classify_book(b, 0, policy(), "DE")
    assert counts.distinct_numbers == 2
    assert counts.phone_numbers == 2
    assert counts.contacts == 2
    assert dict(counts.by_account_type) == {"": 1, "com.google": 1}
    assert dict(counts.synced_by_package) == {"com.whatsapp": 41, "org.telegram.messenger": 1}


def test_contacts_fall_back_to_rows_when_raw_contact_counts_are_unknown() -> None:
    b = book(0, [C([PRIVATE_1], emails=["x@web.de"]), C([PRIVATE_2]), C([CUSTOMER_1], account="com.whatsapp")],
             raw_known=False)
    counts = classify_book(b, 0, policy(), "DE")
    assert counts.contacts == 2
    assert counts.synced_by_package == ()


def test_unknown_address_book_is_not_an_empty_one() -> None:
    incomplete = classify_book(book(0, [C([PRIVATE_1])], complete=False), 0, policy(), "DE")
    assert incomplete == NumberCounts(user_id=0, known=False)
    assert classify_book(None, 3, policy(), "DE") == NumberCounts(user_id=3, known=False)


def test_empty_known_book_is_known_and_empty() -> None:
    counts = classify_book(book(0, []), 0, policy(), "DE")
    assert counts.known and counts.distinct_numbers == 0 and counts.third_party == 0


# --------------------------------------------------------------------------- regions


def test_region_policy_first() -> None:
    assert number_region(snapshot(sim="GB", locale="en-GB"), policy(default_region="AT")) == "AT"


def test_region_sim_then_locale() -> None:
    no_region = policy(default_region=None)
    assert number_region(snapshot(sim="GB", locale="de-DE"), no_region) == "GB"
    assert number_region(snapshot(sim=None, locale="de-AT"), no_region) == "AT"
    assert number_region(snapshot(sim="", locale="en_GB"), no_region) == "GB"
    assert number_region(snapshot(sim="zz", locale="zh-Hans-CN"), no_region) == "CN"
    assert number_region(snapshot(sim=None, locale="de"), no_region) is None
    assert number_region(snapshot(sim=None, locale=None), no_region) is None
    # Android's pseudo-locales (en-XA, ar-XB) name no region phonenumbers knows
    assert number_region(snapshot(sim=None, locale="en-XA"), no_region) is None
    # a dual-SIM phone reports one country per SIM: the first one counts
    assert number_region(snapshot(sim="at,de", locale="en-GB"), no_region) == "AT"


def test_region_fallback_changes_the_reading_of_national_numbers() -> None:
    uk_book = book(0, [C(["020 7946 0123"])])
    no_region = policy(default_region=None)
    gb = classify_device(snapshot(books=[uk_book], sim="GB", locale="de-DE"), no_region)[0]
    assert rules(gb) == {"personal.default": 1}
    by_locale = classify_device(snapshot(books=[uk_book], sim=None, locale="en-GB"), no_region)[0]
    assert rules(by_locale) == {"personal.default": 1}
    nothing = classify_device(snapshot(books=[uk_book], sim=None, locale=None), no_region)[0]
    assert rules(nothing) == {"invalid.no_region": 1}
    # the policy's region wins over the SIM: read as German, the digits are no valid number
    de = classify_device(snapshot(books=[uk_book], sim="GB"), policy(default_region="DE"))[0]
    assert rules(de) == {"invalid.unparseable": 1}


# --------------------------------------------------------------------------- device level


def test_classify_device_gives_one_count_per_user_and_marks_the_work_profile() -> None:
    snap = snapshot(
        users=[OWNER, WORK, AndroidUser(11, "Guest", 4, UserKind.GUEST)],
        books=[book(0, [C([PRIVATE_1])]), book(10, [C([PRIVATE_1])])],
    )
    counts = classify_device(snap, policy())
    assert [c.user_id for c in counts] == [0, 10, 11]
    assert rules(counts[0]) == {"personal.default": 1}
    assert rules(counts[1]) == {"business.work_profile": 1}
    assert not counts[2].known


def test_exposed_keys_deduplicate_across_phones_and_skip_colleagues() -> None:
    a = classify_device(snapshot(books=[book(0, [C([PRIVATE_1, COLLEAGUE_1])])]), policy())[0]
    b = classify_device(snapshot(books=[book(0, [C(["030 90182021"]), C([PRIVATE_2])])]), policy())[0]
    assert len(a.exposed_keys) == 1
    assert len(a.exposed_keys | b.exposed_keys) == 2
    assert a.exposed_keys <= b.exposed_keys


def test_shared_cache_parses_repeated_numbers_once() -> None:
    cache = NumberCache()
    snap = snapshot(books=[book(0, [C([PRIVATE_1, CUSTOMER_1]), C([PRIVATE_1])])])
    first = classify_device(snap, policy(), cache)
    misses = cache.misses
    second = classify_device(replace(snap, serial="other"), policy(), cache)
    assert first == second
    assert misses == 2
    assert cache.misses == misses  # the second phone is served from the cache
    assert cache.hits >= 4
    assert "90182021" not in repr(cache)


def test_cache_shares_one_parse_between_spellings_with_the_same_digits() -> None:
    cache = NumberCache()
    counts = classify_book(book(0, [C(["030 90182011"]), C(["030-901820-11"]), C(["(030) 90182011"])]), 0,
                           policy(), "DE", cache=cache)
    assert counts.distinct_numbers == 1
    assert cache.misses == 1 and cache.hits == 2
    # the same digits read in another region are another reading
    classify_book(book(0, [C(["030 90182011"])]), 0, policy(), "AT", cache=cache)
    assert cache.misses == 2


def test_cache_is_bounded() -> None:
    cache = NumberCache(max_entries=2)
    counts = classify_book(book(0, [C([PRIVATE_1, PRIVATE_2, CUSTOMER_1, CUSTOMER_2])]), 0, policy(), "DE",
                           cache=cache)
    assert counts.distinct_numbers == 4
    assert len(cache) <= 2


def test_email_domain_extraction() -> None:
    assert email_domain("A.Example@Example.DE") == "example.de"
    assert email_domain("Name <a@example.com>") == "example.com"
    assert email_domain("no address") is None
    assert email_domain("a@localhost") is None


# --------------------------------------------------------------------------- explain


def test_explain_lines_name_rules_and_counts_in_both_languages() -> None:
    counts = classify_one(C([COLLEAGUE_1]), C([CUSTOMER_1], orgs=["X"]), C([PRIVATE_1]), C(["112"]))
    en = explain_lines(counts, "en")
    de = explain_lines(counts, "de")
    assert "distinct numbers: 4" in en[0] and "third parties: 3" in en[0]
    assert "verschiedene Rufnummern: 4" in de[0] and "Rufnummern Dritter: 3" in de[0]
    assert len(en) == len(de) == 1 + 4
    assert any(line.strip().startswith("colleague.prefix: 1 (") for line in en)
    assert any(line.strip().endswith(": 1 [business.organization]") for line in de)
    for line in en + de:
        assert "{" not in line and "90182" not in line


def test_edge_spellings_several_waits_a_lone_plus_and_an_invalid_international_number() -> None:
    assert canonical("030 90182011;4711;1") == "03090182011", "everything from the first wait on goes"
    assert rules(classify_one(C(["+"]), C([PRIVATE_1]))) == {"personal.default": 1}, "a lone + is no number"
    # without a region, a national spelling cannot be read, but one written with + can: invalid
    # as such, not for want of a region
    assert rules(classify_one(C(["+49 12"]), C(["030 12"]), region=None)) == {
        "invalid.unparseable": 1, "invalid.no_region": 1,
    }


def test_invalid_numbers_are_one_number_by_their_digits_not_by_phonenumbers_guess() -> None:
    """An invalid number has no E.164 form to trust (phonenumbers still formats one): it is one
    number per digit string, whatever notes surround it, and a national and an international
    spelling of it stay two (they are only the same number if the number is real)."""
    notes = classify_one(C(["110 (Polizei)"]), C(["110 Polizei"]), C(["Notruf 110"]))
    assert notes.distinct_numbers == 1 and rules(notes) == {"invalid.unparseable": 1}
    spellings = classify_one(C(["030 12"]), C(["+49 30 12"]))
    assert spellings.distinct_numbers == 2 and rules(spellings) == {"invalid.unparseable": 2}


def test_pauses_and_odd_e_mail_addresses() -> None:
    # every pause and what follows it goes, not just the last one
    assert canonical("030 90182011,4711,1") == "03090182011"
    # a '+' after an opening bracket or a doubled one is still the country-code sign
    assert canonical("(+49) 30 90182011") == canonical("++49 30 90182011") == "+493090182011"
    # the domain is what follows the last @ (a quoted local part may hold one), a trailing dot
    # is the root; letters at its ends are the domain's own (an upper-case look-alike stays one)
    assert email_domain('"sales@home"@example.de') == "example.de"
    assert email_domain("it@example.de.") == "example.de"
    assert email_domain("info@XEXAMPLE.DE") == "xexample.de"
    assert email_domain("info@EXAMPLE.DEX") == "example.dex"


def test_numbers_only_phonenumbers_reads_count_like_any_other() -> None:
    """Arabic-Indic digits and letters (vanity numbers) go past the fast path to phonenumbers: a
    colleague written so is still a colleague, and the same number in two scripts is one."""
    counts = classify_one(C(["٠٣٠ ٩٠١٨٢٠٩١"]), C([COLLEAGUE_1]), C(["0800 FLOWERS"]), C(["0800 3569377"]))
    assert counts.distinct_numbers == 2
    assert rules(counts) == {"colleague.prefix": 1, "personal.default": 1}


def test_evidence_adds_up_and_an_odd_row_skips_only_itself() -> None:
    # a company e-mail then a company name: still the colleague the e-mail makes it
    both = classify_one(C([CUSTOMER_1], emails=["a.b@example.de"], orgs=["Example GmbH"]))
    assert rules(both) == {"colleague.email_domain": 1}
    # an e-mail field that is no address skips that row only, not the rest of the book
    rest = classify_one(C([PRIVATE_1], emails=["n/a"]), C([PRIVATE_2]), C([CUSTOMER_1], orgs=["X"]))
    assert rules(rest) == {"business.organization": 1, "personal.default": 2}


def test_raw_contacts_per_account_without_the_raw_contact_list() -> None:
    """When the raw-contacts query failed, contacts are counted from their data rows, per account."""
    contacts = [C([PRIVATE_1]), C([PRIVATE_2]), C([CUSTOMER_1], account=None)]
    counts = classify_book(book(0, contacts, raw_known=False), 0, policy(), "DE")
    assert counts.contacts == 3
    assert counts.by_account_type == (("", 1), ("com.google", 2))


def test_one_cache_for_phones_of_different_regions() -> None:
    """A scan shares one NumberCache across phones: a national number is read in each phone's region."""
    cache = NumberCache()
    uk = book(0, [C(["020 7946 0123"])])
    assert rules(classify_book(uk, 0, policy(), "GB", cache=cache)) == {"personal.default": 1}
    assert rules(classify_book(uk, 0, policy(), "DE", cache=cache)) == {"invalid.unparseable": 1}


def test_the_number_cache_stays_bounded_and_counts_what_it_saves() -> None:
    """The cache starts afresh when full instead of growing with the fleet (memory on a large
    scan), and its hit and miss counts are what the benchmarks report."""
    cache = NumberCache(max_entries=3)
    for n in range(10):
        cache.read(f"030 901820{n:02d}", "DE")
    assert len(cache) <= 3 and len(cache.texts("DE")) <= 3
    assert (cache.hits, cache.misses) == (0, 10)
    cache.read("030 90182009", "DE")  # the same text again: the exact-text level
    cache.read("03090182009", "DE")  # another spelling of it: the digits level
    assert (cache.hits, cache.misses) == (2, 10)


def test_a_worker_adopts_the_scans_digest_key() -> None:
    """Workers must key digests like the scanning process, or one number counts once per worker."""
    from audit.classify import digest_key, use_digest_key

    original = digest_key()
    try:
        use_digest_key(b"k" * 16)
        first = digest("+493090182021")
        use_digest_key(b"j" * 16)
        assert digest("+493090182021") != first
        use_digest_key(bytearray(b"k" * 16))
        assert digest_key() == b"k" * 16 and digest("+493090182021") == first
    finally:
        use_digest_key(original)


def test_number_digests_are_keyed() -> None:
    """A plain hash of a phone number is reversed by trying every number; a per-run key is not."""
    import hashlib

    number = "+493090182021"
    assert digest(number) == digest(number) != digest("+493090182022")
    assert digest(number) != hashlib.blake2b(number.encode("utf-8"), digest_size=16).digest()


def test_explain_lines_in_full() -> None:
    """Every count in its own place, each rule with its text, synced contacts per app, in order
    (counts chosen to differ, so a count shown in the wrong place shows)."""
    counts = classify_one(
        C([COLLEAGUE_1, "+49 30 90182011"]),
        C(["030 90182011", "+49 30 90182012"], orgs=["X"]),
        C(["112", "*100#", "110"]),
        C([PRIVATE_1, "+49 30 90182022", "+49 30 90182023", "+49 30 90182024"]),
    )
    assert explain_lines(counts) == explain_lines(counts, "en") == [
        "contacts: 4, phone entries: 11, distinct numbers: 10 (colleagues 1, business 2, personal 4, "
        "invalid 3; third parties: 9)",
        "  colleague.prefix: 1 (starts with a company number prefix)",
        "  invalid.unparseable: 3 (not a valid phone number (emergency or short code, typo or service code))",
        "  business.organization: 2 (a contact with this number has a company name)",
        "  personal.default: 4 (no sign of a business contact: counted as personal)",
    ]
    assert explain_lines(counts, "de")[1] == "  beginnt mit einer Stammnummer des Unternehmens: 1 [colleague.prefix]"
    synced = classify_book(
        book(0, [C([PRIVATE_1])], synced={"com.whatsapp": 7, "org.thoughtcrime.securesms": 2}), 0, policy(), "DE"
    )
    assert explain_lines(synced)[2:] == [
        "  contacts written by WhatsApp itself: 7 (not part of the address book; a strong sign that WhatsApp "
        "has matched the address book)",
        "  contacts written by Signal itself: 2 (not part of the address book; a strong sign that Signal has "
        "matched the address book)",
    ]
    assert explain_lines(synced, "de")[2].startswith("  von WhatsApp selbst angelegte Kontakte: 7 (")
    assert explain_lines(NumberCounts(user_id=3, known=False)) == [
        "address book could not be read: numbers unknown (counts as not compliant)"
    ]


def test_a_clone_reads_its_own_book_and_the_owners_and_missing_books_stay_unknown() -> None:
    own, owner = book(11, [C([PRIVATE_1])]), book(0, [C([CUSTOMER_1])])
    assert readable_by_clone(None, None) is None
    assert readable_by_clone(None, owner) is None, "the clone's own book unread: nothing to judge on"
    alone = readable_by_clone(own, None)
    assert alone is not None and alone.complete is False and alone.rows == own.rows, "owner's book unread"
    both = readable_by_clone(own, owner)
    assert both is not None and len(both.rows) == len(own.rows) + len(owner.rows)
    assert both.raw_contacts_known
    for unknown_own, unknown_owner in ((True, False), (False, True)):
        merged = readable_by_clone(
            replace(own, raw_contacts_known=not unknown_own), replace(owner, raw_contacts_known=not unknown_owner)
        )
        assert merged is not None and merged.raw_contacts_known is False, "one book's accounts unread: unknown"
    # the owner's contacts keep their identity, apart from the clone's (never merged by id)
    assert [r.raw_contact_id for r in both.rows[len(own.rows):]] == [-1 - r.raw_contact_id for r in owner.rows]


def test_explain_unknown_and_synced() -> None:
    assert "could not be read" in explain_lines(NumberCounts(user_id=0, known=False), "en")[0]
    assert "nicht lesbar" in explain_lines(NumberCounts(user_id=0, known=False), "de")[0]
    counts = classify_book(book(0, [C([PRIVATE_1])], synced={"com.whatsapp": 7}), 0, policy(), "DE")
    assert any("WhatsApp" in line and ": 7" in line for line in explain_lines(counts, "en"))


# --------------------------------------------------------------------------- robustness (property-based)


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.text(max_size=30), max_size=8),
    emails=st.lists(st.text(max_size=20), max_size=3),
    region=st.sampled_from([None, "DE", "GB", "US"]),
)
def test_any_text_from_a_phone_classifies_without_raising_and_adds_up(
    values: list[str], emails: list[str], region: str | None
) -> None:
    counts = classify_book(book(0, [C(values, emails=emails, orgs=emails)]), 0, policy(), region)
    assert counts.known
    assert counts.phone_numbers == len(values)
    assert_consistent(counts)


def test_a_clone_user_is_judged_on_the_owners_book_too() -> None:
    """Dual Messenger / XSpace / Android 14 clones read the owner's contacts by default."""
    from judgement_fixtures import PRIVATE_1, PRIVATE_2, C, book, policy, snapshot

    from audit.assess import audit_snapshot
    from audit.classify import classify_device
    from audit.snapshot import AndroidUser, UserKind

    clone = AndroidUser(95, "DUAL_APP", 0x20001010, UserKind.CLONE, True)
    owner_book = book(0, [C(phones=[PRIVATE_1], id=1), C(phones=[PRIVATE_2], orgs=["Acme AG"], id=2)])
    # the clone's own book: one contact whose raw id collides with the owner's id 1
    clone_book = book(95, [C(phones=[PRIVATE_1], emails=["x@example.de"], id=1)])
    snap = snapshot(users=(snapshot().users[0], clone), books=(owner_book, clone_book))
    counts = {c.user_id: c for c in classify_device(snap, policy())}
    assert (counts[0].personal, counts[0].business) == (1, 1)
    # PRIVATE_1 is a colleague through the clone's own contact's company e-mail; PRIVATE_2 is the
    # owner's business contact: ids from the two books must not merge their evidence
    assert (counts[95].colleague, counts[95].business, counts[95].personal) == (1, 1, 0)
    assert counts[95].contacts == 3

    from judgement_fixtures import app as make_app

    granted = snapshot(apps=(make_app(user_id=95),), users=(snapshot().users[0], clone),
                       books=(owner_book, book(95, [])))
    (verdict,) = [v for v in audit_snapshot(granted, policy()).verdicts if v.user_id == 95]
    assert verdict.severity.value == "critical", "an empty clone book must not hide the owner's book"

    locked_owner = snapshot(users=(snapshot().users[0], clone), books=(book(0, [], complete=False), book(95, [])))
    assert {c.user_id: c.known for c in classify_device(locked_owner, policy())}[95] is False


@pytest.mark.parametrize(("address", "rule"), [
    ("x@notexample.de", "business.email_domain"),  # a look-alike is a third party, not a colleague
    ("x@example.de.evil.test", "business.email_domain"),
    ("x@sub.example.de", "colleague.email_domain"),
])
def test_company_domain_matches_whole_labels_only(address: str, rule: str) -> None:
    assert rules(classify_one(C([CUSTOMER_1], emails=[address]))) == {rule: 1}


def test_freemail_domain_matches_whole_labels_only() -> None:
    """``notgmail.com`` is somebody's own domain: business evidence, not a private address."""
    counts = classify_one(C([PRIVATE_1], emails=["x@notgmail.com"]), C([PRIVATE_2], emails=["x@mail.gmail.com"]))
    assert rules(counts) == {"business.email_domain": 1, "personal.default": 1}
