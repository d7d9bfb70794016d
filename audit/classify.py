"""Classify an address book's numbers against the policy: colleague, invalid, business, personal.

Why it works this way:
- Numbers are compared in E.164, so "030 ...", "+49 30 ..." and "0049-30-..." are one number.
  Parsing with ``phonenumbers`` is the expensive step and a fleet repeats the same numbers
  (colleagues, common customers) on many phones, so results are memoised by the number's
  digits and the region it was read in (``NumberCache``, one per scan).
- A number gets exactly one class, first match wins, so every number is counted once and the
  ``--explain`` output adds up. Colleague rules come first because a colleague is the one
  person whose upload the organisation has covered; everything else is a third party.
- Raw numbers never leave this module: the results hold counts and keyed digests
  (``exposed_keys``) whose key is random per process, so they cannot be reversed or joined
  with another run.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import phonenumbers

from audit import numberplan
from audit.apps import display_name, messenger_packages
from audit.messages import render
from audit.policy import Policy
from audit.results import Message, NumberClass, NumberCounts
from audit.snapshot import AddressBook, DataKind, DeviceSnapshot, UserKind

# Rule ids in first-match-wins order (stable: reports and docs/verdicts.md refer to them).
RULES: tuple[tuple[str, NumberClass], ...] = (
    ("colleague.file", NumberClass.COLLEAGUE),
    ("colleague.prefix", NumberClass.COLLEAGUE),
    ("colleague.email_domain", NumberClass.COLLEAGUE),
    ("invalid.no_region", NumberClass.INVALID),
    ("invalid.unparseable", NumberClass.INVALID),
    ("business.organization", NumberClass.BUSINESS),
    ("business.email_domain", NumberClass.BUSINESS),
    ("business.account_type", NumberClass.BUSINESS),
    ("business.work_profile", NumberClass.BUSINESS),
    ("personal.default", NumberClass.PERSONAL),
)
RULE_CLASS: dict[str, NumberClass] = dict(RULES)

_DIGEST_KEY = secrets.token_bytes(32)
_NON_DIGIT = re.compile(r"[^\d]")
_LETTER = re.compile(r"[^\W\d_]")
_PLUS = ("+", "\uff0b")  # ASCII and full-width plus
_SEPARATOR_CHARS = " -()/."
_SEPARATORS = str.maketrans("", "", _SEPARATOR_CHARS)


def digest_key() -> bytes:
    """This process's digest key, for worker processes of the same scan (audit/workers.py)."""
    return _DIGEST_KEY


def use_digest_key(key: bytes) -> None:
    """Adopt the scanning process's key (a worker does, before its first number)."""
    global _DIGEST_KEY
    _DIGEST_KEY = bytes(key)


def digest(number_key: str) -> bytes:
    """Keyed digest of a number for in-memory fleet de-duplication (not reversible, not stable across runs)."""
    keyed = _keyed.get(_DIGEST_KEY)
    if keyed is None:  # copying a keyed state is cheaper than keying one per number
        _keyed.clear()
        keyed = _keyed[_DIGEST_KEY] = hashlib.blake2b(key=_DIGEST_KEY, digest_size=16)
    h = keyed.copy()
    h.update(number_key.encode("utf-8"))
    return h.digest()


_keyed: dict[bytes, hashlib.blake2b] = {}


@dataclass(frozen=True, slots=True)
class Parsed:
    """What phonenumbers says about one number."""

    e164: str | None  # None: not parseable
    valid: bool


_UNPARSEABLE = Parsed(None, False)


@dataclass(frozen=True, slots=True)
class Reading:
    """One written number as the classifier needs it (cached, so computed once per spelling)."""

    key: str = field(repr=False)  # identity: E.164 for valid numbers, "#<digits>" otherwise
    e164: str | None = field(repr=False)
    valid: bool
    international: bool  # written with a country code ('+'): readable without a region
    digest: bytes = field(repr=False)  # keyed digest of ``key`` (NumberCounts.exposed_keys)


NOT_A_NUMBER = Reading("", None, False, False, b"")


class NumberCache:
    """Memoised readings of written numbers, keyed by (canonical digits, region).

    A second, exact-text level in front of it makes a repeated spelling (the same directory
    entry synced to every phone) a single dict lookup. Bounded: when full it starts afresh
    rather than growing with the fleet. Safe to share between a scan's worker threads (single
    dict operations; the statistics may miss a count under contention). Holds raw numbers in
    memory, so ``repr`` shows only its size.
    """

    def __init__(self, max_entries: int = 500_000) -> None:
        self._max = max(1, max_entries)
        self._by_text: dict[str | None, dict[str, Reading]] = {}  # region -> exact text -> reading
        self._text_entries = 0
        self._by_digits: dict[tuple[str, str | None], Reading] = {}
        self.hits = 0  # rows answered without calling phonenumbers
        self.misses = 0  # phonenumbers calls

    def __len__(self) -> int:
        return len(self._by_digits)

    def __repr__(self) -> str:
        return f"NumberCache(entries={len(self._by_digits)}, hits={self.hits}, misses={self.misses})"

    def texts(self, region: str | None) -> dict[str, Reading]:
        """The exact-text level for one region, for a caller's inlined lookups (read-only use)."""
        table = self._by_text.get(region)
        if table is None:
            table = self._by_text[region] = {}
        return table

    def read(self, raw: str, region: str | None) -> Reading:
        """The reading of one phone row; NOT_A_NUMBER for a row without any digit."""
        table = self.texts(region)
        found = table.get(raw)
        if found is not None:
            self.hits += 1
            return found
        text = canonical(raw)
        if not text or text == "+":
            found = NOT_A_NUMBER
        else:
            digits_key = (text, region)
            found = self._by_digits.get(digits_key)
            if found is not None:
                self.hits += 1
            else:
                self.misses += 1
                found = _reading(text, region)
                if len(self._by_digits) >= self._max:
                    self._by_digits.clear()
                self._by_digits[digits_key] = found
        if self._text_entries >= self._max:
            for other in self._by_text.values():
                other.clear()
            self._text_entries = 0
        table[raw] = found
        self._text_entries += 1
        return found


def _reading(text: str, region: str | None) -> Reading:
    parsed = normalise(text, region)
    # valid numbers are one number whatever their spelling; others are compared by their digits
    key = parsed.e164 if parsed.valid and parsed.e164 is not None else "#" + _NON_DIGIT.sub("", text)
    return Reading(key, parsed.e164, parsed.valid, text.startswith("+"), digest(key))


def canonical(raw: str) -> str:
    """The part of a written number that decides its meaning: a leading '+' and the digits.

    Android dial strings continue after ',' (pause) or ';' (wait) with digits dialled once the
    call is up (extensions, PINs): they are not part of the number. Numbers with letters
    (vanity numbers, "ext.") keep their text, since the letters carry meaning.
    """
    text = raw.split(",", 1)[0].split(";", 1)[0].strip()
    # most rows are ASCII digits and separators: no regular expression needed (same result)
    plain = text.translate(_SEPARATORS)
    if plain.isascii():
        if plain.isdigit():
            return plain
        if plain[:1] == "+" and plain[1:].isdigit():
            return plain
    if _LETTER.search(text):
        return text
    # the '+' counts when nothing but separators comes before it: "(+49) 30 ..." is international
    return ("+" if text.lstrip(_SEPARATOR_CHARS).startswith(_PLUS) else "") + _NON_DIGIT.sub("", text)


def normalise(text: str, region: str | None) -> Parsed:
    """E.164 and validity of one number read in ``region`` (None: only +country numbers parse).

    Plain ``+digits``/``digits`` go through ``numberplan``, which gives phonenumbers' own answer
    several times faster; whatever it does not answer (letters, odd prefixes) is parsed here.
    """
    try:
        fast = numberplan.read(text, region)
    except Exception:  # a bug there must not cost the number: phonenumbers answers instead
        fast = None
    if fast is not None:
        return Parsed(fast[0], fast[1]) if fast[0] is not None else _UNPARSEABLE
    return normalise_plain(text, region)


def normalise_plain(text: str, region: str | None) -> Parsed:
    """``normalise`` by ``phonenumbers`` alone: the reference the fast path is tested against."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return _UNPARSEABLE
    except Exception:  # a library bug on hostile input must not stop the audit; unknown = invalid
        return _UNPARSEABLE
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Parsed(str(e164), bool(phonenumbers.is_valid_number(number)))


def number_region(snapshot: DeviceSnapshot, policy: Policy) -> str | None:
    """Region for numbers without country code: the policy's, else the SIM's, else the locale's."""
    if policy.default_region:
        return policy.default_region
    sim = (snapshot.info.sim_country or "").split(",")[0].strip().upper()
    if sim in phonenumbers.SUPPORTED_REGIONS:
        return sim
    locale = (snapshot.info.locale or "").replace("_", "-").split("-")
    for subtag in locale[1:]:
        if len(subtag) == 2 and subtag.isalpha() and subtag.upper() in phonenumbers.SUPPORTED_REGIONS:
            return subtag.upper()
    return None


def email_domain(address: str) -> str | None:
    """The lower-case domain of an address, or None if it does not look like one."""
    if "@" not in address:
        return None
    domain = address.rsplit("@", 1)[1].strip().strip(">").strip().rstrip(".").lower()
    if not domain or "." not in domain or any(ch.isspace() for ch in domain):
        return None
    return domain


def _domain_in(domain: str, domains: Iterable[str]) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in domains)


# Evidence bits: what the raw contacts holding a number say about it.
_ORG = 1
_COMPANY_EMAIL = 2
_BUSINESS_EMAIL = 4
_BUSINESS_ACCOUNT = 8


def _rule(reading: Reading, evidence: int, policy: Policy, region: str | None, work_profile: bool) -> str:
    """The first matching rule id (the order of RULES)."""
    e164 = reading.e164
    if e164 is not None:
        if e164 in policy.colleague_numbers:
            return "colleague.file"
        if e164.startswith(policy.phone_prefixes):
            return "colleague.prefix"
    if evidence & _COMPANY_EMAIL:
        return "colleague.email_domain"
    if not reading.valid:
        return "invalid.no_region" if region is None and not reading.international else "invalid.unparseable"
    if evidence & _ORG:
        return "business.organization"
    if evidence & _BUSINESS_EMAIL:
        return "business.email_domain"
    if evidence & _BUSINESS_ACCOUNT:
        return "business.account_type"
    if work_profile:
        return "business.work_profile"
    return "personal.default"


def synced_accounts(policy: Policy) -> frozenset[str]:
    """Account types written by messengers themselves: their raw contacts are not the address book."""
    return messenger_packages() | frozenset(policy.audit_packages) | frozenset(policy.alternative_packages)


def classify_book(
    book: AddressBook | None,
    user_id: int,
    policy: Policy,
    region: str | None,
    *,
    work_profile: bool = False,
    cache: NumberCache | None = None,
) -> NumberCounts:
    """Counts for one user's address book; an unreadable book is unknown, never empty."""
    if book is None or not book.complete:
        return NumberCounts(user_id=user_id, known=False)
    cache = cache if cache is not None else NumberCache()
    synced = synced_accounts(policy)

    business_accounts = policy.business_account_types
    evidence_of: dict[int, int] = {}  # raw contact id -> evidence bits
    account_of: dict[int, str | None] = {}
    phone_rows: list[tuple[int, str]] = []
    domain_bits: dict[str, int] = {}
    for row in book.rows:
        account_type = row.account_type
        if account_type in synced:
            continue
        rid = row.raw_contact_id
        if rid not in evidence_of:
            evidence_of[rid] = _BUSINESS_ACCOUNT if account_type in business_accounts else 0
            account_of[rid] = account_type
        if row.kind is DataKind.PHONE:
            phone_rows.append((rid, row.value))
        elif row.kind is DataKind.ORGANIZATION:
            if row.value.strip():
                evidence_of[rid] |= _ORG
        elif row.kind is DataKind.EMAIL:
            domain = email_domain(row.value)
            if domain is None:
                continue
            bits = domain_bits.get(domain)
            if bits is None:  # a book repeats few domains: each is looked up in the policy once
                if _domain_in(domain, policy.email_domains):
                    bits = _COMPANY_EMAIL
                elif not _domain_in(domain, policy.freemail_domains):
                    bits = _BUSINESS_EMAIL
                else:
                    bits = 0
                domain_bits[domain] = bits
            evidence_of[rid] |= bits

    read = cache.read
    seen = cache.texts(region).get  # inlined exact-text level: most rows of a fleet stop here
    hits = 0
    numbers: dict[str, tuple[Reading, int]] = {}
    for rid, value in phone_rows:
        reading = seen(value)
        if reading is None:
            reading = read(value, region)
        else:
            hits += 1
        if reading is NOT_A_NUMBER:
            continue  # a phone row without any digit is no number anyone can upload
        known = numbers.get(reading.key)
        evidence = evidence_of[rid]
        if known is None:
            numbers[reading.key] = (reading, evidence)
        elif evidence & ~known[1]:
            numbers[reading.key] = (known[0], known[1] | evidence)

    cache.hits += hits
    by_rule: dict[str, int] = {}
    exposed: set[bytes] = set()
    for reading, evidence in numbers.values():
        rule = _rule(reading, evidence, policy, region, work_profile)
        by_rule[rule] = by_rule.get(rule, 0) + 1
        if not rule.startswith("colleague."):
            exposed.add(reading.digest)
    by_class: dict[NumberClass, int] = dict.fromkeys(NumberClass, 0)
    for rule, count in by_rule.items():
        by_class[RULE_CLASS[rule]] += count

    accounts: dict[str, int] = {}
    synced_counts: dict[str, int] = {}
    if book.raw_contacts_known:
        for account_type, count in book.raw_contacts_by_account:
            if account_type in synced:
                synced_counts[account_type] = synced_counts.get(account_type, 0) + count
            else:
                name = account_type or ""
                accounts[name] = accounts.get(name, 0) + count
        contact_total = sum(accounts.values())
    else:  # lower bound: raw contacts that hold at least one phone/e-mail/organisation row
        for account in account_of.values():
            accounts[account or ""] = accounts.get(account or "", 0) + 1
        contact_total = len(account_of)

    return NumberCounts(
        user_id=user_id,
        known=True,
        contacts=contact_total,
        phone_numbers=len(phone_rows),
        distinct_numbers=len(numbers),
        colleague=by_class[NumberClass.COLLEAGUE],
        business=by_class[NumberClass.BUSINESS],
        personal=by_class[NumberClass.PERSONAL],
        invalid=by_class[NumberClass.INVALID],
        by_rule=tuple((rule, by_rule[rule]) for rule, _ in RULES if rule in by_rule),
        by_account_type=tuple(sorted(accounts.items())),
        synced_by_package=tuple(sorted((p, n) for p, n in synced_counts.items() if n > 0)),
        exposed_keys=frozenset(exposed),
    )


def user_ids(snapshot: DeviceSnapshot) -> tuple[int, ...]:
    """Every user the phone reported, then any user only seen through an address book or app."""
    seen: dict[int, None] = {}
    for user in snapshot.users:
        seen.setdefault(user.id, None)
    for book in snapshot.address_books:
        seen.setdefault(book.user_id, None)
    for app in snapshot.apps:
        seen.setdefault(app.user_id, None)
    return tuple(seen)


def classify_device(
    snapshot: DeviceSnapshot, policy: Policy, cache: NumberCache | None = None
) -> tuple[NumberCounts, ...]:
    """One NumberCounts per user of the phone (see ``user_ids``), in that order.

    Pass one ``NumberCache`` for a whole scan so numbers repeated across phones are parsed once.
    """
    cache = cache if cache is not None else NumberCache()
    region = number_region(snapshot, policy)
    out = []
    for uid in user_ids(snapshot):
        user = snapshot.user(uid)
        work = user is not None and user.kind is UserKind.WORK_PROFILE
        book = snapshot.address_book(uid)
        # A user that may be a clone (an OEM bit read without its maker, a profile of unknown
        # type) is judged as one: the larger book is the worse of the two readings.
        if user is not None and user.may_be(UserKind.CLONE):
            book = readable_by_clone(book, snapshot.address_book(0))
        out.append(classify_book(book, uid, policy, region, work_profile=work, cache=cache))
    return tuple(out)


def readable_by_clone(own: AddressBook | None, owner: AddressBook | None) -> AddressBook | None:
    """The address book an app in a clone user can read: its own, plus the owner's.

    Clones share the owner's contacts by default (Samsung Dual Messenger unless "Use separate
    contacts list" is on; Android 14 clone profiles redirect contacts queries to the parent;
    Xiaomi/ColorOS vary), and which case applies cannot be read over adb. Uncertain means not
    compliant, so a clone's WhatsApp is judged on both books. The owner's raw contact ids are
    made negative so that contacts of the two books never merge. Messengers' own synced raw
    contacts stay the clone's: they are the clone app's evidence, not the owner's.
    """
    if own is None or owner is None:
        return None if own is None else replace(own, complete=False)
    rows = own.rows + tuple(replace(r, raw_contact_id=-1 - r.raw_contact_id) for r in owner.rows)
    messengers = messenger_packages()
    shared = tuple((acct, n) for acct, n in owner.raw_contacts_by_account if acct not in messengers)
    return replace(
        own,
        rows=rows,
        complete=own.complete and owner.complete,
        raw_contacts_by_account=own.raw_contacts_by_account + shared,
        raw_contacts_known=own.raw_contacts_known and owner.raw_contacts_known,
    )


def explain_lines(counts: NumberCounts, lang: str = "en") -> list[str]:
    """How the numbers of one user were classified, rule by rule (``--explain``); counts only."""
    if not counts.known:
        return [render(Message("explain.unknown", (("user", counts.user_id),)), lang)]
    lines = [
        render(
            Message(
                "explain.summary",
                (
                    ("user", counts.user_id),
                    ("contacts", counts.contacts),
                    ("rows", counts.phone_numbers),
                    ("distinct", counts.distinct_numbers),
                    ("colleague", counts.colleague),
                    ("business", counts.business),
                    ("personal", counts.personal),
                    ("invalid", counts.invalid),
                    ("third_party", counts.third_party),
                ),
            ),
            lang,
        )
    ]
    for rule, count in counts.by_rule:
        what = render(Message(f"rule.{rule}"), lang)
        lines.append(render(Message("explain.rule", (("rule", rule), ("count", count), ("what", what))), lang))
    for package, count in counts.synced_by_package:
        lines.append(
            render(
                Message("explain.synced", (("app", display_name(package)), ("package", package), ("count", count))),
                lang,
            )
        )
    return lines
