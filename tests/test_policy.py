"""The policy file: the template loads, and every mistake is one line naming the file and the key."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.apps import packages_with_role
from audit.errors import PolicyError
from audit.policy import (
    BUILTIN_BUSINESS_ACCOUNT_TYPES,
    BUILTIN_FREEMAIL_DOMAINS,
    check_policy,
    default_policy,
    load_policy,
    parse_colleagues,
    policy_template,
    template_leftovers,
)
from audit.results import Severity


def write(tmp_path: Path, text: str, name: str = "contact-audit.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(PolicyError) as info:
        check_policy(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message


def test_template_loads_and_says_what_it_sets(tmp_path: Path) -> None:
    path = write(tmp_path, policy_template())
    policy = check_policy(path)
    assert policy.name == "Example GmbH"
    assert policy.email_domains == ("example.de",)
    assert policy.phone_prefixes == ("+4930901820",)
    assert policy.default_region == "DE"
    assert policy.audit_packages == ("com.whatsapp", "com.whatsapp.w4b")
    assert policy.alternative_packages == ("ch.threema.app", "ch.threema.app.work")
    assert policy.fail_on is Severity.HIGH
    assert policy.source == str(path)
    assert policy.colleagues_file is None and policy.colleagues_sha256 is None  # no list: nothing to trace
    assert policy.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_template_is_commented_and_names_every_table() -> None:
    text = policy_template()
    for table in ("[organization]", "[numbers]", "[business]", "[apps]", "[report]"):
        assert table in text
    assert "# colleagues_file" in text  # optional, so commented out: the template must load as is


def test_no_path_and_no_file_gives_built_in_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    policy = load_policy(None)
    assert policy.name is None and policy.source is None and policy.sha256 is None
    assert policy.audit_packages == packages_with_role("audited")
    assert policy.alternative_packages == packages_with_role("alternative")
    assert policy.fail_on is Severity.HIGH
    assert policy.email_domains == () and policy.phone_prefixes == ()
    assert policy.business_account_types == BUILTIN_BUSINESS_ACCOUNT_TYPES


def test_no_path_uses_contact_audit_toml_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, '[organization]\nname = "Local GmbH"\n')
    monkeypatch.chdir(tmp_path)
    assert load_policy(None).name == "Local GmbH"


def test_business_lists_extend_the_built_ins(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[business]\naccount_types = ["com.example.crm"]\nfreemail_domains = ["@Mail.Example.org"]\n'
        '[report]\nfail_on = "medium"\n',
    )
    policy = check_policy(path)
    assert "com.example.crm" in policy.business_account_types
    assert policy.business_account_types > BUILTIN_BUSINESS_ACCOUNT_TYPES
    assert "mail.example.org" in policy.freemail_domains
    assert policy.freemail_domains > BUILTIN_FREEMAIL_DOMAINS
    assert policy.fail_on is Severity.MEDIUM


@pytest.mark.parametrize(
    ("written", "fail_on"),
    [("critical", Severity.CRITICAL), ("high", Severity.HIGH), ("medium", Severity.MEDIUM), ("low", Severity.LOW),
     ("ok", Severity.OK), ("never", None)],
)
def test_every_fail_on_value_loads(tmp_path: Path, written: str, fail_on: Severity | None) -> None:
    """``never``: no verdict fails a scan (exit 0 or 3 only)."""
    assert check_policy(write(tmp_path, f'[report]\nfail_on = "{written}"\n')).fail_on is fail_on


@pytest.mark.parametrize(
    "written",
    ["+49 30 9018209", "0049 30 9018209", "+49 (0) 30 9018209", "0049 (0) 30 9018209", "+49-30-901820/9",
     "030 9018209"],
)
def test_prefixes_are_compared_in_e164(tmp_path: Path, written: str) -> None:
    path = write(tmp_path, f'[organization]\nphone_prefixes = ["{written}"]\n[numbers]\ndefault_region = "DE"\n')
    assert check_policy(path).phone_prefixes == ("+49309018209",)


def prefix_policy(tmp_path: Path, written: str, region: str | None) -> Path:
    numbers = f'[numbers]\ndefault_region = "{region}"\n' if region else ""
    return write(tmp_path, f'[organization]\nphone_prefixes = ["{written}"]\n{numbers}')


@pytest.mark.parametrize(
    ("written", "region", "expected"),
    [
        ("+1 202 555 01", None, "+120255501"),  # a one-digit country code (NANP)
        ("+353 1 234 5", None, "+35312345"),  # a three-digit country code (Ireland)
        ("+49 30 90182090182", None, "+493090182090182"),  # 15 digits: as long as E.164 allows
    ],
)
def test_prefixes_of_every_country_code_length_are_read(
    tmp_path: Path, written: str, region: str | None, expected: str
) -> None:
    assert check_policy(prefix_policy(tmp_path, written, region)).phone_prefixes == (expected,)


@pytest.mark.parametrize(
    ("written", "region", "reason"),
    [
        ("+49 30 901820901820", None, " (longer than a phone number)"),  # 16 digits
        ("30 9018209", "DE", " (start it with + and the country code)"),  # national, but no trunk 0
        ("91 123 45", "ES", " (start it with + and the country code)"),  # Spain dials no trunk prefix
        ("+()", None, ""),  # no digit at all
        ("+\uff14\uff19 \uff13\uff10 \uff19\uff10\uff11\uff18\uff12\uff10", None, ""),  # full-width digits
    ],
)
def test_a_prefix_that_is_not_one_says_why(tmp_path: Path, written: str, region: str | None, reason: str) -> None:
    path = prefix_policy(tmp_path, written, region)
    assert error_of(path) == f"{path}: organization.phone_prefixes[0]: not a phone number prefix{reason}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[orgnization]\nname = 'x'\n", "orgnization: unknown table"),
        ("name = 'x'\n", "name: unknown table"),
        ("organization = 'x'\n", "organization: must be a table"),
        ("[organization]\nemails = ['example.de']\n", "organization.emails: unknown key"),
        ("[organization]\nname = 5\n", "organization.name: must be a string, not an integer"),
        ("[organization]\nname = ' '\n", "organization.name: must not be empty"),
        ("[organization]\nemail_domains = 'example.de'\n", "organization.email_domains: must be a list"),
        ("[organization]\nemail_domains = ['example.de', 'no domain']\n", "organization.email_domains[1]: not an e-mail domain"),
        ("[organization]\nphone_prefixes = [49]\n", "organization.phone_prefixes[0]: must be a string"),
        ("[organization]\nphone_prefixes = ['+49 30 901820', 'abc']\n", "organization.phone_prefixes[1]: not a phone number prefix"),
        ("[organization]\nphone_prefixes = ['+49']\n", "organization.phone_prefixes[0]: not a phone number prefix"),
        ("[organization]\nphone_prefixes = ['+999 30']\n", "organization.phone_prefixes[0]: not a phone number prefix"),
        ("[organization]\nphone_prefixes = ['030 901820']\n", "organization.phone_prefixes[0]: not a phone number prefix"),
        ("[organization]\nphone_prefixes = ['+49 30 901820 901820 901820']\n", "organization.phone_prefixes[0]"),
        ("[organization]\ncolleagues_file = ''\n", "organization.colleagues_file: must not be empty"),
        ("[numbers]\ndefault_region = 'XX'\n", "numbers.default_region: not a region code"),
        ("[numbers]\ndefault_region = 49\n", "numbers.default_region: must be a string"),
        ("[business]\naccount_types = ['com example']\n", "business.account_types[0]: not an account type"),
        ("[business]\nfreemail_domains = ['gmail']\n", "business.freemail_domains[0]: not an e-mail domain"),
        ("[apps]\naudit = ['com.whatsapp; rm -rf /']\n", "apps.audit[0]: not a valid Android package name"),
        ("[apps]\naudit = []\n", "apps.audit: must name at least one package"),
        ("[apps]\nalternatives = ['ch.threema.app', '1bad']\n", "apps.alternatives[1]: not a valid Android package name"),
        ("[apps]\naudit = ['com.whatsapp']\nalternatives = ['com.whatsapp']\n", "apps.alternatives[0]"),
        ("[report]\nfail_on = 'severe'\n", "report.fail_on: must be one of critical, high, medium, low, ok"),
        ("[report]\nfail_on = true\n", "report.fail_on: must be a string, not a boolean"),
        ("[organization\nname = 'x'\n", "not valid TOML"),
    ],
)
def test_each_mistake_is_one_line_naming_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_of(write(tmp_path, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[organization]\nname = 1.5\n", "organization.name: must be a string, not a number"),
        ("[organization]\nname = ['x']\n", "organization.name: must be a string, not a list"),
        ("[organization]\nname = {a = 1}\n", "organization.name: must be a string, not a table"),
        ("[organization]\nname = 1979-05-27\n", "organization.name: must be a string, not date"),
        ("organization = 'x'\n", "organization: must be a table ([organization]), not a string"),
        ("organization = ['x']\n", "organization: must be a table ([organization]), not a list"),
        ("[organization]\nemail_domains = 'example.de'\n",
         "organization.email_domains: must be a list of strings, not a string"),
        ("[organization]\nemail_domains = {a = 'x'}\n",
         "organization.email_domains: must be a list of strings, not a table"),
        ("[organization]\nemail_domains = [['example.de']]\n",
         "organization.email_domains[0]: must be a string, not a list"),
        ("[apps]\naudit = ['com.whatsapp', 1.5]\n", "apps.audit[1]: must be a string, not a number"),
        ("[orgnization]\nname = 'x'\n",
         "orgnization: unknown table (expected one of organization, numbers, business, apps, report)"),
        # tomllib's own words, on one line
        ("[organization\nname = 'x'\n",
         "not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 14)"),
    ],
)
def test_a_mistake_says_what_was_found_and_what_was_expected(tmp_path: Path, text: str, expected: str) -> None:
    """The whole line: an administrator fixing a file needs the type found and the tables allowed."""
    path = write(tmp_path, text)
    assert error_of(path) == f"{path}: {expected}"


def test_a_long_toml_error_is_cut_to_one_bounded_line(tmp_path: Path) -> None:
    # tomllib names the offending keys: a long key makes its message longer than a terminal line
    key = "n" * 250
    path = write(tmp_path, f'[organization]\n"{key}" = {{a = 1}}\n"{key}".b = 2\n')
    detail = error_of(path).removeprefix(f"{path}: not valid TOML: ")
    assert detail.startswith("Cannot mutate immutable namespace ('organization', 'nnn")
    assert len(detail) == 200


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    message = error_of(tmp_path / "nope.toml")
    # the operating system's reason, not only the exception's class name
    assert message.endswith(f"cannot read the policy file: {os.strerror(errno.ENOENT)}")


def test_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes(b"[organization]\nname = '\xff'\n")
    assert "not UTF-8" in error_of(path)


@pytest.mark.parametrize("written", ["example.de", "@Example.DE", "example.de.", " EXAMPLE.de. "])
def test_email_domains_are_normalised(tmp_path: Path, written: str) -> None:
    """Compared with addresses as written on the phone: case, a leading @ and a root dot do not matter."""
    path = write(tmp_path, f'[organization]\nemail_domains = ["{written}", "example.de"]\n')
    assert check_policy(path).email_domains == ("example.de",)


# --------------------------------------------------------------------------- the template's example values


def test_an_unedited_template_is_found_out(tmp_path: Path) -> None:
    """`policy check` warns: the example values would make Example GmbH's staff the colleagues."""
    policy = check_policy(write(tmp_path, policy_template()))
    assert template_leftovers(policy) == [
        "organization.name 'Example GmbH'",
        "organization.email_domains 'example.de'",
        "organization.phone_prefixes '+49 30 901820'",
    ]


def test_template_values_are_found_however_written_and_only_those(tmp_path: Path) -> None:
    text = policy_template().replace('"Example GmbH"', '"ACME AG"')
    # the same prefix written nationally, next to the organisation's own
    text = text.replace('["+49 30 901820"]', '["+49 89 1234", "030 901820"]')
    text = text.replace('["example.de"]', '["acme.example", "Example.DE"]')
    assert template_leftovers(check_policy(write(tmp_path, text))) == [
        "organization.email_domains 'example.de'",
        "organization.phone_prefixes '+49 30 901820'",
    ]
    edited = text.replace('"030 901820"', '"+49 89 5678"').replace(', "Example.DE"', "")
    assert template_leftovers(check_policy(write(tmp_path, edited))) == []
    assert template_leftovers(default_policy()) == []


# --------------------------------------------------------------------------- colleagues file


def policy_with_colleagues(tmp_path: Path, csv_text: str, *, region: bool = True, name: str = "colleagues.csv") -> Path:
    (tmp_path / name).write_text(csv_text, encoding="utf-8")
    numbers = '[numbers]\ndefault_region = "DE"\n' if region else ""
    return write(tmp_path, f'[organization]\ncolleagues_file = "{name}"\n{numbers}')


def test_colleagues_file_with_header(tmp_path: Path) -> None:
    path = policy_with_colleagues(tmp_path, "Telefon;Name\n+49 30 90182091;A. Example\n030 90182092;B. Example\n")
    policy = check_policy(path)
    assert policy.colleague_numbers == {"+493090182091", "+493090182092"}
    assert policy.colleagues_sha256 == hashlib.sha256((tmp_path / "colleagues.csv").read_bytes()).hexdigest()
    assert policy.colleagues_file == "colleagues.csv"  # the list is traced by its name and hash (docs/policy.md)


def test_colleagues_file_without_header_and_with_bom_and_blank_lines(tmp_path: Path) -> None:
    path = policy_with_colleagues(tmp_path, "\ufeff+49 30 90182091,x\n\n0049-30-90182092\n# a comment\n")
    assert check_policy(path).colleague_numbers == {"+493090182091", "+493090182092"}


def test_colleagues_file_is_relative_to_the_policy_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sub = tmp_path / "policies"
    sub.mkdir()
    path = policy_with_colleagues(sub, "+49 30 90182091\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert check_policy(Path("..") / "policies" / path.name).colleague_numbers == {"+493090182091"}


def test_missing_colleagues_file_names_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[organization]\ncolleagues_file = "absent.csv"\n')
    message = error_of(path)
    assert message.endswith(f"organization.colleagues_file: cannot read absent.csv: {os.strerror(errno.ENOENT)}")


def test_malformed_colleague_line_names_the_line_not_the_number(tmp_path: Path) -> None:
    path = policy_with_colleagues(tmp_path, "number\n+49 30 90182091\n+49 30 9018x2093 (old)\n")
    message = error_of(path)
    assert "organization.colleagues_file: colleagues.csv line 3: not a" in message
    assert "9018" not in message and "2093" not in message


def test_invalid_colleague_number_names_the_line(tmp_path: Path) -> None:
    path = policy_with_colleagues(tmp_path, "+49 30 90182091\n112\n")
    message = error_of(path)
    assert "colleagues.csv line 2: not a valid phone number" in message
    assert "112" not in message


def test_national_colleague_number_needs_a_region(tmp_path: Path) -> None:
    path = policy_with_colleagues(tmp_path, "030 90182091\n", region=False)
    assert "colleagues.csv line 1: number without +country code" in error_of(path)


def test_colleague_file_not_utf8_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_bytes(b"+49 30 90182091\n+49 30 \xff90182092\n")
    path = write(tmp_path, '[organization]\ncolleagues_file = "c.csv"\n')
    assert "c.csv line 2: not UTF-8 text" in error_of(path)


@pytest.mark.parametrize(
    "csv_text",
    [
        # a blank line, then an indented comment with a ';' before the tab-separated header
        "\n  # exported from the directory; do not edit\nTelefon\tName\n030 90182091\tA. Example\n",
        "\n030 90182091;A. Example\n",  # a blank first line before ';'-separated data
    ],
)
def test_colleague_separator_is_read_from_the_first_line_with_content(tmp_path: Path, csv_text: str) -> None:
    assert check_policy(policy_with_colleagues(tmp_path, csv_text)).colleague_numbers == {"+493090182091"}


def test_a_colleague_file_of_comments_only_makes_nobody_a_colleague(tmp_path: Path) -> None:
    policy = check_policy(policy_with_colleagues(tmp_path, "# nobody has consented yet\n\n"))
    assert policy.colleague_numbers == frozenset() and policy.colleague_count == 0


def test_international_colleague_numbers_need_no_region(tmp_path: Path) -> None:
    path = policy_with_colleagues(tmp_path, "+49 30 90182091\n+44 20 7946 0018\n", region=False)
    assert check_policy(path).colleague_numbers == {"+493090182091", "+442079460018"}


def test_an_overlong_colleague_line_is_one_error_naming_the_line(tmp_path: Path) -> None:
    # beyond the csv module's field limit (128 KiB): a garbled export, not a number
    path = policy_with_colleagues(tmp_path, "+49 30 90182091\n" + "9" * 200_000 + "\n")
    assert error_of(path) == f"{path}: organization.colleagues_file: colleagues.csv line 2: not a CSV line"


def test_colleague_numbers_stay_out_of_repr(tmp_path: Path) -> None:
    policy = check_policy(policy_with_colleagues(tmp_path, "+49 30 90182091\n"))
    assert policy.colleague_count == 1
    assert "90182091" not in repr(policy)


def test_parse_colleagues_tab_separated_header_detection() -> None:
    numbers = parse_colleagues("Rufnummer\tName\n+49 30 90182091\tA\n", "DE")
    assert numbers == {"+493090182091"}
    # a first line with digits is data, not a header; one with letters is a header
    assert parse_colleagues("030 90182092\n", "DE") == {"+493090182092"}
    assert parse_colleagues("Phone 1,Phone 2\n030 90182092\n", "DE") == {"+493090182092"}


# --------------------------------------------------------------------------- privacy (property-based)


@settings(max_examples=80, deadline=None)
@given(
    body=st.text("0123456789", min_size=7, max_size=10),
    junk=st.sampled_from(["x", "O", "#ext", "?", "+999 ", "00000"]),
    at=st.integers(min_value=0, max_value=10),
    good_lines=st.integers(min_value=0, max_value=3),
)
def test_colleague_file_errors_never_show_the_number(body: str, junk: str, at: int, good_lines: int) -> None:
    # an unassigned country code or an international prefix; else junk inside a number
    bad = junk + body if junk in ("+999 ", "00000") else "+49 30 " + body[:at] + junk + body[at:]
    text = "Telefon\n" + "+49 30 90182091\n" * good_lines + bad + "\n"
    try:
        parse_colleagues(text, "DE", "c.csv")
    except PolicyError as exc:
        message = str(exc)
        assert body not in message and bad not in message
        assert message.startswith(f"c.csv line {good_lines + 2}: ")
    else:
        assert junk == "00000"  # 00 + digits can be a valid international number; nothing else may pass
