"""Address books for simulated phones: the rows a contacts provider would hold.

A profile lists contacts by hand or asks for a generated book (``count``/``seed``/``mix``), so
that a benchmark phone with 20,000 contacts needs no 20,000-line file. Every number comes from a
range reserved for fiction (Ofcom's drama ranges, Bundesnetzagentur's film numbers) or from the
bundled fleet's made-up company ``Example GmbH`` (+49 5232 980...); e-mail domains are
``example.*``. Output is deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

PHONE = "vnd.android.cursor.item/phone_v2"
EMAIL = "vnd.android.cursor.item/email_v2"
ORGANIZATION = "vnd.android.cursor.item/organization"
NAME = "vnd.android.cursor.item/name"

COMPANY = "Example GmbH"
COMPANY_DOMAIN = "example.de"


@dataclass(frozen=True)
class Messenger:
    """A raw contact a messenger app wrote itself after matching the number on its server."""

    account_type: str
    account_name: str
    mimetypes: tuple[str, ...]
    id_format: str  # "{digits}@s.whatsapp.net", "{digits}", ...


MESSENGERS: dict[str, Messenger] = {
    "com.whatsapp": Messenger(
        "com.whatsapp",
        "WhatsApp",
        (
            "vnd.android.cursor.item/vnd.com.whatsapp.profile",
            "vnd.android.cursor.item/vnd.com.whatsapp.voip.call",
            "vnd.android.cursor.item/vnd.com.whatsapp.video.call",
        ),
        "{digits}@s.whatsapp.net",
    ),
    "com.whatsapp.w4b": Messenger(
        "com.whatsapp.w4b",
        "WhatsApp Business",
        (
            "vnd.android.cursor.item/vnd.com.whatsapp.w4b.profile",
            "vnd.android.cursor.item/vnd.com.whatsapp.w4b.voip.call",
        ),
        "{digits}@s.whatsapp.net",
    ),
    "org.telegram.messenger": Messenger(
        "org.telegram.messenger",
        "Telegram",
        ("vnd.android.cursor.item/vnd.org.telegram.messenger.android.profile",),
        "{digits}",
    ),
    "org.thoughtcrime.securesms": Messenger(
        "org.thoughtcrime.securesms",
        "Signal",
        ("vnd.android.cursor.item/vnd.org.thoughtcrime.securesms.contact",),
        "+{digits}",
    ),
    "ch.threema.app": Messenger(
        "ch.threema.app",
        "Threema",
        ("vnd.android.cursor.item/vnd.ch.threema.app.profile",),
        "{digits}",
    ),
}
MESSENGERS["ch.threema.app.work"] = Messenger(
    "ch.threema.app.work", "Threema Work", ("vnd.android.cursor.item/vnd.ch.threema.app.work.profile",), "{digits}"
)

MIX_KINDS = ("private", "business", "colleague", "service", "email_only")
SHARE_KEYS = ("whatsapp", "w4b", "deleted", "starred")


@dataclass(frozen=True)
class ContactSpec:
    """One person in an address book. Values are synthetic but still kept out of ``repr``."""

    name: str = field(repr=False)
    phones: tuple[str, ...] = field(default=(), repr=False)
    emails: tuple[str, ...] = field(default=(), repr=False)
    organization: str | None = field(default=None, repr=False)
    account_type: str | None = None
    account_name: str | None = field(default=None, repr=False)
    deleted: bool = False
    starred: bool = False
    messengers: tuple[str, ...] = ()  # packages from MESSENGERS that synced this contact


@dataclass(frozen=True)
class GenerateSpec:
    """A generated block of contacts: ``mix`` weights MIX_KINDS, ``shares`` are fractions."""

    count: int
    seed: int = 1
    mix: tuple[tuple[str, float], ...] = (("private", 0.6), ("business", 0.25), ("colleague", 0.15))
    shares: tuple[tuple[str, float], ...] = ()
    account_type: str | None = None
    account_name: str | None = field(default=None, repr=False)


# --- numbers ---------------------------------------------------------------------------------

COUNTRY_CODES = {"de": "49", "at": "43", "ch": "41", "gb": "44", "uk": "44", "fr": "33", "nl": "31", "us": "1"}

# (country code, area code, fixed subscriber prefix, number of free digits)
_DE_RANGES = (
    ("49", "30", "901820", 2),
    ("49", "30", "23125", 3),
    ("49", "69", "90009", 3),
    ("49", "40", "66969", 3),
    ("49", "221", "4710", 3),
    ("49", "89", "99998", 3),
)
_UK_RANGES = (
    ("44", "7700", "900", 3),
    ("44", "20", "7946 0", 3),
    ("44", "113", "496 0", 3),
    ("44", "161", "496 0", 3),
)


def _styles(cc: str, area: str, sub: str, home_cc: str | None) -> tuple[str, ...]:
    """The ways people type one number into a phone. National forms only for numbers of the
    phone's own country: abroad they would dial (and normalise to) someone else's number."""
    plain = sub.replace(" ", "")
    international = (f"+{cc} {area} {sub}", f"00{cc}-{area}-{plain}", f"+{cc}{area}{plain}")
    if cc != home_cc:
        return international
    return (*international, f"0{area} {sub}", f"(0{area}) {sub}", f"0{area}/{plain}")


def _fictional_number(rng: random.Random, ranges: tuple[tuple[str, str, str, int], ...], home_cc: str | None) -> str:
    cc, area, prefix, free = rng.choice(ranges)
    sub = prefix + "".join(rng.choice("0123456789") for _ in range(free))
    return rng.choice(_styles(cc, area, sub, home_cc))


def company_number(rng: random.Random, home_cc: str | None) -> str:
    ext = f"{rng.randrange(1000):03d}"
    international = (f"+49 5232 980-{ext}", f"+49 (0)5232 980 {ext}", f"+495232980{ext}")
    if home_cc != "49":
        return rng.choice(international)
    return rng.choice((*international, f"05232 980{ext}", f"05232 980-{ext}"))


def normalize(number: str, country: str) -> str | None:
    """E.164 as the contacts provider stores it in data4; None for short/service numbers."""
    text = number.replace("(0)", "")
    digits = re.sub(r"[^0-9+]", "", text)
    if digits.startswith("+"):
        body = digits[1:].replace("+", "")
    elif digits.startswith("00"):
        body = digits[2:]
    elif digits.startswith("0"):
        cc = COUNTRY_CODES.get(country.lower())
        if cc is None:
            return None
        body = cc + digits[1:]
    else:
        return None
    if not body.isdigit() or len(body) < 8:
        return None
    return "+" + body


# --- names -------------------------------------------------------------------------------------

_FIRST = (
    "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Klara", "Lukas",
    "Mia", "Noah", "Olivia", "Paul", "Quentin", "Romy", "Samuel", "Tilda", "Ulrich", "Vera", "Wim", "Yara",
)
_LAST = (
    "Beispiel", "Muster", "Probe", "Testmann", "Exempel", "Fiktiv", "Platzhalter", "Vorlage", "Demo", "Sample",
    "Dummy", "Modell", "Entwurf", "Skizze", "Schablone", "Attrappe",
)
_BUSINESSES = (
    "Muster Logistik AG", "Beispiel Bau GmbH", "Sample Consulting Ltd", "Demo Druck KG", "Probe Praxis",
    "Vorlage Versicherung AG", "Fiktiv Facility Services", "Attrappe Autohaus GmbH",
)


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(_FIRST), rng.choice(_LAST)


def generate(spec: GenerateSpec, country: str = "de") -> Iterator[ContactSpec]:
    """Deterministic contacts for one ``[[users.book.generate]]`` block on a phone whose SIM
    country is ``country``."""
    rng = random.Random(spec.seed)
    home = COUNTRY_CODES.get(country.lower())
    kinds = [k for k, _ in spec.mix]
    weights = [w for _, w in spec.mix]
    shares = dict(spec.shares)
    for index in range(spec.count):
        kind = rng.choices(kinds, weights)[0] if kinds else "private"
        first, last = _person(rng)
        name = f"{first} {last}"
        phones: tuple[str, ...] = ()
        emails: tuple[str, ...] = ()
        org: str | None = None
        slug = f"{first}.{last}".lower()
        if kind == "private":
            phones = tuple(
                _fictional_number(rng, rng.choice((_DE_RANGES, _UK_RANGES)), home) for _ in range(rng.choice((1, 1, 2)))
            )
            if rng.random() < 0.3:
                emails = (f"{slug}{index}@example.com",)
        elif kind == "business":
            org = rng.choice(_BUSINESSES)
            phones = (_fictional_number(rng, rng.choice((_DE_RANGES, _UK_RANGES)), home),)
            emails = (f"{slug}@example.org",)
        elif kind == "colleague":
            org = COMPANY
            phones = (company_number(rng, home),)
            if rng.random() < 0.5:
                phones += (_fictional_number(rng, _DE_RANGES, home),)
            emails = (f"{slug}@{COMPANY_DOMAIN}",)
        elif kind == "service":
            name = rng.choice(("Notruf", "Polizei", "Störung", "Hotline"))
            phones = (rng.choice(("112", "110", "116 117")),)
        else:  # email_only
            emails = (f"{slug}{index}@example.net",)
        messengers = tuple(
            pkg for key, pkg in (("whatsapp", "com.whatsapp"), ("w4b", "com.whatsapp.w4b"))
            if kind != "service" and rng.random() < shares.get(key, 0.0)
        )
        yield ContactSpec(
            name=name,
            phones=phones,
            emails=emails,
            organization=org,
            account_type=spec.account_type,
            account_name=spec.account_name,
            deleted=rng.random() < shares.get("deleted", 0.0),
            starred=rng.random() < shares.get("starred", 0.0),
            messengers=messengers,
        )


# --- rows --------------------------------------------------------------------------------------


def _sort_key(name: str) -> str:
    return name.casefold()


def _alt_name(name: str) -> str:
    parts = name.rsplit(" ", 1)
    return f"{parts[1]}, {parts[0]}" if len(parts) == 2 else name


def write_book(
    conn: sqlite3.Connection,
    user_id: int,
    contacts: list[ContactSpec],
    country: str,
    default_account: tuple[str | None, str | None],
) -> int:
    """Insert one user's address book; returns the number of raw contacts written."""
    p = f"u{int(user_id)}_"  # table names are built from an int only
    raws: list[tuple[object, ...]] = []
    datas: list[tuple[object, ...]] = []
    aggregates: list[tuple[object, ...]] = []
    raw_id = 0
    for contact_id, contact in enumerate(contacts, start=1):
        account_type = contact.account_type if contact.account_type is not None else default_account[0]
        account_name = contact.account_name if contact.account_name is not None else default_account[1]
        if account_type == "":
            account_type = account_name = None  # device-local (AOSP)
        raw_id += 1
        first_raw = raw_id
        deleted = 1 if contact.deleted else 0
        raws.append(
            (raw_id, contact_id, account_type, account_name, deleted, contact.name, _alt_name(contact.name),
             _sort_key(contact.name), 1 if contact.starred else 0, None)
        )
        given, _, family = contact.name.partition(" ")
        datas.append((raw_id, NAME, contact.name, given, family or None, None))
        for i, number in enumerate(contact.phones):
            datas.append((raw_id, PHONE, number, "2" if i == 0 else "1", None, normalize(number, country)))
        for mail in contact.emails:
            datas.append((raw_id, EMAIL, mail, "2" if mail.endswith("@" + COMPANY_DOMAIN) else "1", None, None))
        if contact.organization:
            datas.append((raw_id, ORGANIZATION, contact.organization, "1", None, None))
        digits = next(
            (n[1:] for n in (normalize(x, country) for x in contact.phones) if n is not None), None
        )
        for package in contact.messengers:
            messenger = MESSENGERS.get(package)
            if messenger is None or digits is None:
                continue
            raw_id += 1
            ident = messenger.id_format.format(digits=digits)
            raws.append(
                (raw_id, contact_id, messenger.account_type, messenger.account_name, deleted, contact.name,
                 _alt_name(contact.name), _sort_key(contact.name), 0, ident)
            )
            datas.append((raw_id, NAME, contact.name, given, family or None, None))
            for mimetype in messenger.mimetypes:
                label = "Message" if mimetype.endswith(("profile", "contact")) else "Call"
                datas.append((raw_id, mimetype, ident, messenger.account_name, f"{label} +{digits}", None))
        if not contact.deleted:
            aggregates.append(
                (contact_id, first_raw, contact.name, f"0r{first_raw}-{contact_id:x}", 1 if contact.starred else 0,
                 1 if contact.phones else 0)
            )
    conn.executemany(
        f"INSERT INTO {p}raw_contacts (_id, contact_id, account_type, account_name, deleted, display_name,"  # noqa: S608
        " display_name_alt, sort_key, starred, sync1) VALUES (?,?,?,?,?,?,?,?,?,?)",
        raws,
    )
    conn.executemany(
        f"INSERT INTO {p}data (raw_contact_id, mimetype, data1, data2, data3, data4) VALUES (?,?,?,?,?,?)",  # noqa: S608
        datas,
    )
    conn.executemany(
        f"INSERT INTO {p}contacts (_id, name_raw_contact_id, display_name, lookup, starred, has_phone_number)"  # noqa: S608
        " VALUES (?,?,?,?,?,?)",
        aggregates,
    )
    return raw_id
