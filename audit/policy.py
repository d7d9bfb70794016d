"""The organisation's policy (a TOML file): who counts as a colleague, what counts as business.

Why strict: the policy decides which numbers are *not* third parties, so a typo that silently
widened it (an unknown key ignored, a prefix that is only a country code, a colleague list with a
garbled line) would turn non-compliant phones green. Every mistake is therefore an error that
names the file and the key in one line, and never echoes a phone number: colleague files are
personal data, so their errors carry line numbers only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import phonenumbers

from audit.apps import packages_with_role, require_package_name
from audit.errors import PolicyError
from audit.results import Severity

DEFAULT_POLICY_FILE = Path("contact-audit.toml")
FAIL_ON_VALUES = ("critical", "high", "medium", "low", "ok", "never")

# Account types whose contacts are business contacts (company directory / Exchange sync).
# Sources: FORMATS.md section f (AOSP and OEM Contacts app code).
BUILTIN_BUSINESS_ACCOUNT_TYPES = frozenset(
    {
        "com.android.exchange",
        "com.google.android.exchange",
        "com.google.android.gm.exchange",
        "com.samsung.android.exchange",
        "com.ninefolders.hd3",
        "com.microsoft.office.outlook.USER_ACCOUNT",
    }
)

# E-mail domains anyone can register an address at: an address there says nothing about a
# business relationship, so it does not make a contact "business".
BUILTIN_FREEMAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com",
        "outlook.com", "outlook.de", "hotmail.com", "hotmail.de", "hotmail.co.uk", "hotmail.fr",
        "live.com", "live.de", "live.co.uk", "msn.com",
        "yahoo.com", "yahoo.de", "yahoo.co.uk", "yahoo.fr", "ymail.com", "rocketmail.com",
        "icloud.com", "me.com", "mac.com",
        "aol.com", "aol.de",
        "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "gmx.com",
        "web.de", "t-online.de", "freenet.de", "arcor.de", "online.de", "email.de", "1und1.de",
        "posteo.de", "posteo.net", "mailbox.org",
        "protonmail.com", "protonmail.ch", "proton.me", "pm.me",
        "tutanota.com", "tutanota.de", "tuta.io", "tuta.com",
        "bluewin.ch", "yandex.ru", "yandex.com", "mail.ru", "zoho.com", "fastmail.com",
    }
)

_DOMAIN_LABEL = r"[^\W_](?:[^\W_]|-)*"
# Validators are used with fullmatch: "$" would also accept a trailing "\n".
_DOMAIN_RE = re.compile(rf"(?=.{{1,253}}\Z){_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+")
_ACCOUNT_TYPE_RE = re.compile(r"[!-~]{1,255}")  # printable ASCII, no spaces
_PREFIX_CHARS_RE = re.compile(r"\+?[0-9 ()./-]+")
_PREFIX_NOISE = re.compile(r"[ ()./-]")
_COLLEAGUE_CHARS_RE = re.compile(r"\+?[0-9 ()./\u00a0-]+")


@dataclass(frozen=True)
class Policy:
    """A validated policy. ``source``/``sha256`` identify it in reports (None: built-in defaults)."""

    name: str | None = None
    source: str | None = None
    sha256: str | None = None
    email_domains: tuple[str, ...] = ()
    # E.164 prefixes ("+495232980"): a number whose E.164 form starts with one is a colleague.
    phone_prefixes: tuple[str, ...] = ()
    colleagues_file: str | None = None
    colleagues_sha256: str | None = None
    # E.164 numbers of consenting colleagues: personal data, kept out of repr and comparisons.
    colleague_numbers: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    default_region: str | None = None
    business_account_types: frozenset[str] = field(default=BUILTIN_BUSINESS_ACCOUNT_TYPES, repr=False)
    freemail_domains: frozenset[str] = field(default=BUILTIN_FREEMAIL_DOMAINS, repr=False)
    audit_packages: tuple[str, ...] = ()
    alternative_packages: tuple[str, ...] = ()
    fail_on: Severity | None = Severity.HIGH  # None: "never", no verdict fails a scan

    @property
    def colleague_count(self) -> int:
        return len(self.colleague_numbers)


def default_policy() -> Policy:
    """The policy without a file: no organisation, the known apps, fail on high."""
    return Policy(
        audit_packages=packages_with_role("audited"),
        alternative_packages=packages_with_role("alternative"),
    )


def load_policy(path: Path | None) -> Policy:
    """The policy at ``path``; without a path ./contact-audit.toml if present, else the defaults."""
    if path is None:
        if not DEFAULT_POLICY_FILE.is_file():
            return default_policy()
        path = DEFAULT_POLICY_FILE
    return _load_file(path)


def check_policy(path: Path) -> Policy:
    """Validate one policy file (``contact-audit policy check``): the same rules as a scan."""
    return _load_file(path)


def template_leftovers(policy: Policy) -> list[str]:
    """The template's example values still in ``policy`` (an unedited ``policy init`` file): valid
    TOML, but it would count Example GmbH's staff as colleagues and everyone else's as third parties."""
    import tomllib

    org = tomllib.loads(policy_template()).get("organization", {})
    found = []
    if policy.name is not None and policy.name == org.get("name"):
        found.append(f"organization.name {policy.name!r}")
    found += [f"organization.email_domains {d!r}" for d in org.get("email_domains", ()) if d in policy.email_domains]
    for prefix in org.get("phone_prefixes", ()):
        digits = "".join(c for c in prefix if c.isdigit())
        if any(p.lstrip("+") == digits for p in policy.phone_prefixes):
            found.append(f"organization.phone_prefixes {prefix!r}")
    return found


def policy_template() -> str:
    """The commented template ``contact-audit policy init`` writes (audit/data/policy-template.toml)."""
    return resources.files("audit.data").joinpath("policy-template.toml").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- file loading

_SCHEMA: dict[str, dict[str, str]] = {
    "organization": {
        "name": "str",
        "email_domains": "list",
        "phone_prefixes": "list",
        "colleagues_file": "str",
    },
    "numbers": {"default_region": "str"},
    "business": {"account_types": "list", "freemail_domains": "list"},
    "apps": {"audit": "list", "alternatives": "list"},
    "report": {"fail_on": "str"},
}


def _load_file(path: Path) -> Policy:
    label = str(path)
    try:
        data_bytes = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{label}: cannot read the policy file: {exc.strerror or type(exc).__name__}") from None
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyError(f"{label}: not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{label}: not valid TOML: {_one_line(str(exc))}") from None
    _check_schema(label, data)

    def get(table: str, key: str) -> Any:
        section = data.get(table, {})
        return section.get(key)

    org_name = get("organization", "name")
    if org_name is not None and not org_name.strip():
        raise PolicyError(f"{label}: organization.name: must not be empty")

    region = _region(label, get("numbers", "default_region"))
    domains = _string_list(label, "organization.email_domains", get("organization", "email_domains"), _domain)
    prefixes = _string_list(
        label, "organization.phone_prefixes", get("organization", "phone_prefixes"),
        lambda where, value: _prefix(where, value, region),
    )
    colleagues_file = get("organization", "colleagues_file")
    colleague_numbers: frozenset[str] = frozenset()
    colleagues_sha256 = None
    if colleagues_file is not None:
        colleague_numbers, colleagues_sha256 = _read_colleagues(label, path, colleagues_file, region)

    extra_types = _string_list(label, "business.account_types", get("business", "account_types"), _account_type)
    extra_freemail = _string_list(label, "business.freemail_domains", get("business", "freemail_domains"), _domain)

    audit_raw = get("apps", "audit")
    audit = (
        _string_list(label, "apps.audit", audit_raw, _package)
        if audit_raw is not None
        else packages_with_role("audited")
    )
    if not audit:
        raise PolicyError(f"{label}: apps.audit: must name at least one package (nothing would be audited)")
    alt_raw = get("apps", "alternatives")
    alternatives = (
        _string_list(label, "apps.alternatives", alt_raw, _package)
        if alt_raw is not None
        else packages_with_role("alternative")
    )
    for i, package in enumerate(alternatives):
        if package in audit:
            raise PolicyError(f"{label}: apps.alternatives[{i}]: {package} is also listed in apps.audit")

    fail_on_raw = get("report", "fail_on")
    fail_on: Severity | None = Severity.HIGH
    if fail_on_raw is not None:
        if fail_on_raw not in FAIL_ON_VALUES:
            raise PolicyError(
                f"{label}: report.fail_on: must be one of {', '.join(FAIL_ON_VALUES)} (got {fail_on_raw[:20]!r})"
            )
        fail_on = None if fail_on_raw == "never" else Severity(fail_on_raw)

    return Policy(
        name=org_name.strip() if org_name is not None else None,
        source=label,
        sha256=hashlib.sha256(data_bytes).hexdigest(),
        email_domains=domains,
        phone_prefixes=prefixes,
        colleagues_file=colleagues_file,
        colleagues_sha256=colleagues_sha256,
        colleague_numbers=colleague_numbers,
        default_region=region,
        business_account_types=BUILTIN_BUSINESS_ACCOUNT_TYPES | frozenset(extra_types),
        freemail_domains=BUILTIN_FREEMAIL_DOMAINS | frozenset(extra_freemail),
        audit_packages=audit,
        alternative_packages=alternatives,
        fail_on=fail_on,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _type_name(value: object) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def _check_schema(label: str, data: dict[str, Any]) -> None:
    for table, content in data.items():
        if table not in _SCHEMA:
            raise PolicyError(f"{label}: {table}: unknown table (expected one of {', '.join(_SCHEMA)})")
        if not isinstance(content, dict):
            raise PolicyError(f"{label}: {table}: must be a table ([{table}]), not {_type_name(content)}")
        for key, value in content.items():
            kind = _SCHEMA[table].get(key)
            if kind is None:
                raise PolicyError(f"{label}: {table}.{key}: unknown key")
            if kind == "str" and not isinstance(value, str):
                raise PolicyError(f"{label}: {table}.{key}: must be a string, not {_type_name(value)}")
            if kind == "list":
                if not isinstance(value, list):
                    raise PolicyError(f"{label}: {table}.{key}: must be a list of strings, not {_type_name(value)}")
                for i, item in enumerate(value):
                    if not isinstance(item, str):
                        raise PolicyError(f"{label}: {table}.{key}[{i}]: must be a string, not {_type_name(item)}")


def _string_list(
    label: str, key: str, values: list[str] | None, check: Callable[[str, str], str]
) -> tuple[str, ...]:
    """Validate each item (``check(where, value)`` raises or returns the normal form); drop repeats."""
    if values is None:
        return ()
    out: dict[str, None] = {}
    for i, value in enumerate(values):
        out.setdefault(check(f"{label}: {key}[{i}]", value), None)
    return tuple(out)


def _domain(where: str, value: str) -> str:
    domain = value.strip().lower().removeprefix("@").rstrip(".")
    if not _DOMAIN_RE.fullmatch(domain):
        raise PolicyError(f"{where}: not an e-mail domain (expected e.g. example.de)")
    return domain


def _package(where: str, value: str) -> str:
    return require_package_name(value, where)


def _account_type(where: str, value: str) -> str:
    if not _ACCOUNT_TYPE_RE.fullmatch(value):
        raise PolicyError(f"{where}: not an account type (printable text without spaces expected)")
    return value


def _region(label: str, value: str | None) -> str | None:
    if value is None:
        return None
    region = value.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise PolicyError(f"{label}: numbers.default_region: not a region code (expected e.g. DE, AT, CH, GB)")
    return region


def _prefix(where: str, value: str, region: str | None) -> str:
    """The E.164 form of a number prefix ("+49 5232 980", "0049 5232 980", or national with a region)."""
    bad = f"{where}: not a phone number prefix"
    text = value.strip()
    if not text or not _PREFIX_CHARS_RE.fullmatch(text):
        raise PolicyError(bad)
    international = text.startswith("+") or text.startswith("00")
    if international:
        text = text.replace("(0)", "")  # "+49 (0) 5232": the trunk zero is not dialled from abroad
    digits = _PREFIX_NOISE.sub("", text)
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    else:
        if region is None:
            raise PolicyError(f"{bad} (without a country code it needs numbers.default_region)")
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        trunk = metadata.national_prefix if metadata is not None else None
        if not trunk or not digits.startswith(trunk):
            raise PolicyError(f"{bad} (start it with + and the country code)")
        digits = str(phonenumbers.country_code_for_region(region)) + digits[len(trunk):]
    if not digits.isdigit() or "+" in digits:
        raise PolicyError(bad)
    country_code = next(
        (int(digits[:n]) for n in (1, 2, 3) if int(digits[:n] or "0") in phonenumbers.COUNTRY_CODE_TO_REGION_CODE),
        None,
    )
    if country_code is None:
        raise PolicyError(f"{bad} (unknown country code)")
    if len(digits) <= len(str(country_code)):
        raise PolicyError(f"{bad} (a country code alone would make a whole country colleagues)")
    if len(digits) > 15:
        raise PolicyError(f"{bad} (longer than a phone number)")
    return "+" + digits


# --------------------------------------------------------------------------- colleagues file


def _read_colleagues(label: str, policy_path: Path, name: str, region: str | None) -> tuple[frozenset[str], str]:
    where = f"{label}: organization.colleagues_file"
    if not name.strip():
        raise PolicyError(f"{where}: must not be empty")
    file = Path(name)
    if not file.is_absolute():
        file = policy_path.parent / file
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{where}: cannot read {name}: {exc.strerror or type(exc).__name__}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyError(f"{where}: {name} line {line}: not UTF-8 text") from None
    return parse_colleagues(text, region, f"{where}: {name}"), hashlib.sha256(raw).hexdigest()


def parse_colleagues(text: str, region: str | None, where: str = "colleagues file") -> frozenset[str]:
    """E.164 numbers from a colleague list: first column, optional header, ',' ';' or tab separated.

    The first line is a header when its first cell has letters or no digit. Errors name the line
    only, never its content.
    """
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    numbers: set[str] = set()
    seen_content = False
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            cells = next(csv.reader(io.StringIO(line), delimiter=delimiter))
        except (csv.Error, StopIteration):
            raise PolicyError(f"{where} line {lineno}: not a CSV line") from None
        cell = cells[0].strip() if cells else ""
        is_first = not seen_content
        seen_content = True
        if is_first and (any(ch.isalpha() for ch in cell) or not any(ch.isdigit() for ch in cell)):
            continue  # header ("Telefon", "Phone 1"): a number has digits and no letters
        numbers.add(_colleague_number(cell, region, f"{where} line {lineno}"))
    return frozenset(numbers)


def _colleague_number(cell: str, region: str | None, where: str) -> str:
    if region is None and not cell.startswith("+"):
        raise PolicyError(f"{where}: number without +country code; set numbers.default_region or write +49...")
    if not _COLLEAGUE_CHARS_RE.fullmatch(cell):
        # phonenumbers would read letters as a keypad (vanity) number and skip other junk: a
        # curated list with either is more likely garbled than meant
        raise PolicyError(f"{where}: not a phone number (only digits, +, spaces and ()-./ are allowed)")
    try:
        parsed = phonenumbers.parse(cell, region)
    except phonenumbers.NumberParseException:
        raise PolicyError(f"{where}: not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise PolicyError(f"{where}: not a valid phone number")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
