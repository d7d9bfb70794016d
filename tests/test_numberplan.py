"""The fast path (audit/numberplan.py) gives exactly plain phonenumbers' answer, or none at all.

Every classification depends on (E.164, valid) of a number's canonical text, so equal answers
for every text mean no classification changes. The reference below calls phonenumbers directly
(parse, format E.164, is_valid_number; any exception is "unparseable", as classify treats it).
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from judgement_fixtures import C, book, policy

from audit import numberplan
from audit.classify import NumberCache, canonical, classify_book, normalise, normalise_plain
from audit.parse.content import parse_contacts
from audit.simulator.android.book import generate
from audit.simulator.profile import bundled_profiles, load_profile
from audit.snapshot import DataKind

FIXTURES = Path(__file__).parent / "fixtures" / "device"
REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
CALLING_CODES = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
SOME_REGIONS = (None, "DE", "AT", "CH", "GB", "US", "FR", "IT", "AR", "BR", "MX", "IN", "JP", "AU", "RU", "CN")


def reference(text: str, region: str | None) -> tuple[str | None, bool]:
    """What plain phonenumbers says."""
    try:
        number = phonenumbers.parse(text, region)
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return str(e164), bool(phonenumbers.is_valid_number(number))
    except Exception:
        return None, False


def same(raw: str, region: str | None) -> bool | None:
    """Check one written number; True when the fast path answered, False when it handed back."""
    text = canonical(raw)
    if not text or text == "+":
        return None  # classify never asks: not a number
    fast = numberplan.read(text, region)
    want = reference(text, region)
    if fast is not None:
        assert fast == want, f"{text!r} in {region}: fast {fast}, phonenumbers {want}"
    parsed = normalise(text, region)
    assert (parsed.e164, parsed.valid) == want, f"{text!r} in {region}"
    plain = normalise_plain(text, region)
    assert (plain.e164, plain.valid) == want
    return fast is not None


# --- generated numbers ----------------------------------------------------------------------

_separators = st.sampled_from(["", " ", "-", "/", ".", "  ", " - "])
_digits = st.text(alphabet="0123456789", min_size=0, max_size=18)


@st.composite
def written_numbers(draw: st.DrawFn) -> str:
    """Numbers as people type them: national, +cc, 00/011 + cc, cc without '+', trunk prefix,
    separators and brackets, extensions, pauses, vanity letters, short codes, garbage."""
    kind = draw(st.sampled_from(["plus", "idd", "bare_cc", "national", "short", "vanity", "random"]))
    body = draw(_digits)
    cc = str(draw(st.sampled_from(CALLING_CODES)))
    if kind == "plus":
        text = "+" + cc + draw(_separators) + body
    elif kind == "idd":
        text = draw(st.sampled_from(["00", "011", "0011", "010", "8~10", "810", "001", "000"])) + cc + body
    elif kind == "bare_cc":
        text = cc + body
    elif kind == "national":
        text = draw(st.sampled_from(["0", "(0", "8", "1", "06", "", "0 0"])) + body
    elif kind == "short":
        text = draw(st.sampled_from(["112", "110", "116 117", "*100#", "911", "999", "19222", "+1", "+49", "1", "00"]))
    elif kind == "vanity":
        text = draw(st.sampled_from(["+1 800 FLOWERS", "0800 GOLDSTAR", "1-800-MICROSOFT", "+49 800 CALL NOW",
                                     "0180 5 TAXI", "+44 800 ABCD"])) + body[:2]
    else:
        text = draw(st.text(alphabet="0123456789+ -()/.#*,;xXeEtT\uff0b\u0660\u0661\uff10", max_size=24))
    if len(body) > 4 and draw(st.booleans()):  # separators inside the digits
        cut = draw(st.integers(1, len(body) - 1))
        text = text.replace(body, body[:cut] + draw(_separators) + body[cut:], 1)
    text += draw(st.sampled_from(["", "", "", " ext. 12", " x3", ",,123", ";99", "#", " (mobil)", "\u00a0"]))
    return text


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=written_numbers(), region=st.sampled_from([None, *REGIONS]))
@example(raw="+0049 30 90182011", region="DE")  # '+' then an IDD: parse retries without the plus
@example(raw="4930 90182011", region="DE")  # own country code without '+'
@example(raw="030 90182011", region=None)  # national number without a region
@example(raw="0011 49 30 90182011", region="AU")
@example(raw="+39 06 6988 1234", region="DE")  # Italian leading zero
@example(raw="+1 684 733 1234", region="US")  # NANPA: the region from leading digits
@example(raw="+44 1624 456789", region="GB")  # Isle of Man inside +44
@example(raw="+800 1234 5678", region=None)  # non-geographic calling code
@example(raw="011 54 9 11 1234 5678", region="US")  # Argentina's mobile transform rule
@example(raw="0 11 15 1234 5678", region="AR")
def test_fast_path_equals_phonenumbers_on_generated_numbers(raw: str, region: str | None) -> None:
    same(raw, region)


@settings(max_examples=500, deadline=None)
@given(region=st.sampled_from(REGIONS), data=st.data())
def test_fast_path_equals_phonenumbers_on_every_region_example_and_its_mutations(region: str, data: st.DataObject) -> None:
    """Real-shaped numbers of every region and type in every spelling, then one digit off."""
    numbers = [
        n for t in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE,
                    phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.PREMIUM_RATE,
                    phonenumbers.PhoneNumberType.VOIP, phonenumbers.PhoneNumberType.UAN)
        if (n := phonenumbers.example_number_for_type(region, t)) is not None
    ]
    if not numbers:
        return
    number = data.draw(st.sampled_from(numbers))
    fmt = data.draw(st.sampled_from([phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.NATIONAL,
                                     phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                                     phonenumbers.PhoneNumberFormat.RFC3966]))
    text = phonenumbers.format_number(number, fmt)
    change = data.draw(st.sampled_from(["none", "digit", "drop", "add", "idd", "bare"]))
    digits = canonical(text)
    at = data.draw(st.integers(1, max(1, len(digits) - 1)))
    if change == "digit":
        text = digits[:at] + data.draw(st.sampled_from("0123456789")) + digits[at + 1:]
    elif change == "drop":
        text = digits[:at] + digits[at + 1:]
    elif change == "add":
        text = digits[:at] + data.draw(st.sampled_from("0123456789")) + digits[at:]
    elif change == "idd":
        text = data.draw(st.sampled_from(["00", "011", "0011", "810"])) + digits.lstrip("+")
    elif change == "bare":
        text = digits.lstrip("+")
    for reader in (region, None, data.draw(st.sampled_from(REGIONS))):
        same(text, reader)


def test_fast_path_equals_phonenumbers_on_many_random_numbers_of_every_region() -> None:
    """A seeded sweep wider than hypothesis' budget: every region reads numbers of every country."""
    rng = random.Random(13)
    answered = asked = 0
    for region in REGIONS:
        for _ in range(25):
            cc = str(rng.choice(CALLING_CODES))
            body = "".join(rng.choice("0123456789") for _ in range(rng.randrange(2, 15)))
            prefix = rng.choice(["+" + cc, "00" + cc, "011" + cc, cc, "0", "", "8", "1"])
            for reader in (region, None):
                result = same(prefix + body, reader)
                asked += result is not None
                answered += bool(result)
    assert answered > 0.8 * asked  # the fast path answers plain numbers; else it speeds nothing up


# --- fixture numbers ------------------------------------------------------------------------


def fixture_numbers() -> list[str]:
    found: list[str] = []
    for path in sorted(FIXTURES.glob("*/contacts*.txt")):
        rows = parse_contacts(path.read_text(encoding="utf-8", errors="replace"))
        found += [r.value for r in rows.data if r.kind is DataKind.PHONE]
    for path in bundled_profiles():
        profile = load_profile(path)
        country = profile.sim_country or "de"
        for user in profile.users:
            for contact in user.book.contacts:
                found += list(contact.phones)
            for block in user.book.generate:
                for contact in generate(replace(block, count=min(block.count, 300)), country):
                    found += list(contact.phones)
    return found


def test_fast_path_equals_phonenumbers_on_fixture_and_bundled_fleet_numbers() -> None:
    numbers = fixture_numbers()
    assert len(numbers) > 500
    answered = 0
    for raw in dict.fromkeys(numbers):
        for region in SOME_REGIONS:
            answered += bool(same(raw, region))
    assert answered > 0


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+49 30 90182011", "DE", ("+493090182011", True)),
        ("030 90182011", "DE", ("+493090182011", True)),
        ("0049 30 90182011", "DE", ("+493090182011", True)),
        ("030 90182011", None, (None, False)),  # a national number needs a region
        ("+49 3", "DE", (None, False)),  # too short after the calling code
        ("0049", "DE", (None, False)),  # an IDD and a calling code, nothing after
        ("0151 23456789", "DE", ("+4915123456789", True)),
        ("0151 2345678", "DE", ("+491512345678", False)),  # a digit short
        ("07700 900123", "GB", ("+447700900123", False)),  # Ofcom drama range: not valid
        ("112", "DE", ("+49112", False)),  # service codes parse but are not valid numbers
    ],
)
def test_fast_path_answers_plain_numbers_itself(raw: str, region: str | None, expected: tuple[str | None, bool]) -> None:
    """The fast path must not quietly hand everything back to phonenumbers."""
    text = canonical(raw)
    want = reference(text, region)
    assert want == expected
    assert numberplan.read(text, region) == want


@pytest.mark.parametrize("raw", ["+1 800 FLOWERS", "030 9018 2011 ext. 12", "\u0660\u0661\u0662\u0663\u0664\u0665",
                                 "+0049 30 90182011", "12"])
def test_fast_path_hands_back_what_it_does_not_read(raw: str) -> None:
    assert numberplan.read(canonical(raw), "DE") is None
    same(raw, "DE")


def test_unsupported_region_is_handed_back() -> None:
    assert numberplan.read("03090182011", "XX") is None
    assert numberplan.read("+493090182011", "de") is None


# --- whole classifications ------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    numbers=st.lists(written_numbers(), min_size=1, max_size=12),
    region=st.sampled_from(SOME_REGIONS),
    org=st.booleans(),
)
def test_classifications_with_and_without_the_fast_path_are_identical(
    numbers: list[str], region: str | None, org: bool
) -> None:
    contacts = [C([n], orgs=("Firma",) if org and i % 2 else ()) for i, n in enumerate(numbers)]
    contacts += [C(["+49 30 90182091"]), C(["030 90182011"])]
    address_book = book(0, contacts)
    rules = policy()
    fast = classify_book(address_book, 0, rules, region, cache=NumberCache())
    original = numberplan.read
    numberplan.read = lambda text, region: None  # type: ignore[assignment]  # plain phonenumbers only
    try:
        plain = classify_book(address_book, 0, rules, region, cache=NumberCache())
    finally:
        numberplan.read = original
    assert fast == plain


def _canonical_by_regex(raw: str) -> str:
    """canonical() without its shortcut for plain ASCII rows: the meaning it must keep."""
    import re

    text = raw.split(",", 1)[0].split(";", 1)[0].strip()
    if re.search(r"[^\W\d_]", text):
        return text
    # the '+' counts when only separators come before it ("(+49) 30 ...")
    return ("+" if text.lstrip(" -()/.").startswith(("+", "\uff0b")) else "") + re.sub(r"[^\d]", "", text)


@settings(max_examples=1000, deadline=None)
@given(raw=st.one_of(written_numbers(), st.text(alphabet="0123456789+ -()/.#*,;xA\uff0b\u0660\u00a0\t", max_size=20)))
def test_canonical_shortcut_keeps_the_meaning(raw: str) -> None:
    assert canonical(raw) == _canonical_by_regex(raw)
