"""The decision table of docs/verdicts.md, row by row, then the unknown paths and seed scenarios."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from judgement_fixtures import (
    COLLEAGUE_1,
    COLLEAGUE_2,
    CUSTOMER_1,
    OWNER,
    PRIVATE_1,
    PRIVATE_2,
    THREEMA_WORK,
    W4B,
    WA,
    WORK,
    C,
    app,
    book,
    policy,
    snapshot,
)

from audit.assess import RULES, alternatives_on, assess_device, audit_snapshot, past_upload, shell_serial
from audit.classify import canonical, classify_device, explain_lines, normalise
from audit.messages import CATALOGUE, LANGS, render
from audit.policy import Policy
from audit.results import DeviceStatus, Severity, Tri, Upload, Verdict
from audit.snapshot import AddressBook, AppState, DeviceSnapshot, PermissionStatus, UserKind

DENIED = PermissionStatus.DENIED
GRANTED = PermissionStatus.GRANTED

PRIVATE_BOOK = book(0, [C([PRIVATE_1]), C([PRIVATE_2]), C([CUSTOMER_1], orgs=["Example Kunden AG"])])
COLLEAGUE_BOOK = book(0, [C([COLLEAGUE_1]), C([COLLEAGUE_2])])
EMPTY_BOOK = book(0, [])
UNREADABLE_BOOK = book(0, [C([PRIVATE_1])], complete=False)


def judge(apps: Sequence[AppState], books: Sequence[AddressBook] = (PRIVATE_BOOK,), pol: Policy | None = None,
          **snap: object) -> tuple[Verdict, ...]:
    pol = pol or policy()
    s = snapshot(apps, books, **snap)  # type: ignore[arg-type]
    return assess_device(s, classify_device(s, pol), pol)


def only(verdicts: tuple[Verdict, ...]) -> Verdict:
    assert len(verdicts) == 1
    return verdicts[0]


def expect(v: Verdict, rule: str, upload: Upload, severity: Severity) -> None:
    assert (v.rule, v.uploads_third_party, v.severity) == (rule, upload, severity)
    assert RULES[rule].upload is upload and RULES[rule].severity is severity
    for lang in LANGS:
        for message in (v.finding, v.remediation):
            text = render(message, lang)
            assert message.key in CATALOGUE, message.key
            assert "{" not in text and text != message.key


# --------------------------------------------------------------------------- can read now


def test_reads_third_party_is_critical() -> None:
    v = only(judge([app(WA)]))
    expect(v, "reads.third_party", Upload.YES, Severity.CRITICAL)
    assert v.counts.third_party == 3 and v.counts.business == 1 and v.counts.personal == 2
    text = render(v.finding, "en")
    assert "WhatsApp can read the address book of user 0" in text
    assert "third parties' numbers: 3 (1 business, 2 personal, 0 invalid)" in text
    assert "Rufnummern Dritter: 3 (davon 1 geschäftlich, 2 privat, 0 nicht zuordenbar)" in render(v.finding, "de")
    # the JSON report carries these for scripts (docs/report-schema.md: match on key and params)
    assert dict(v.finding.params) == {
        "app": "WhatsApp", "package": WA, "user": 0,
        "third_party": 3, "business": 1, "personal": 2, "invalid": 0, "colleague": 0,
    }
    fix = render(v.remediation, "en")
    assert "`contact-audit fix -s R58M90182A --user 0 --package com.whatsapp`" in fix
    assert "Settings > Apps > WhatsApp > Permissions > Contacts" in fix


def test_reads_colleagues_only_is_low() -> None:
    v = only(judge([app(WA)], [COLLEAGUE_BOOK]))
    expect(v, "reads.colleagues_only", Upload.NO, Severity.LOW)
    assert "only colleagues' numbers (2)" in render(v.finding, "en")
    assert v.remediation.key == "fix.preventive"  # colleagues may withdraw consent: deny it anyway


def test_reads_empty_book_is_ok() -> None:
    expect(only(judge([app(WA)], [EMPTY_BOOK])), "reads.empty_book", Upload.NO, Severity.OK)


@pytest.mark.parametrize(
    "granted",
    [
        app(WA, flags=["USER_SET", "ONE_TIME"]),  # a one-time grant reads while it lasts
        app(WA, perm=PermissionStatus.INSTALL_TIME),
        app(WA, mode="foreground"),
        app(WA, mode=None),  # no READ_CONTACTS entry: default mode, the permission decides
        app(WA, mode="allow", uid_mode="default"),
        app(WA, enabled_state=1),
    ],
)
def test_every_form_of_a_usable_grant_reads(granted: AppState) -> None:
    expect(only(judge([granted])), "reads.third_party", Upload.YES, Severity.CRITICAL)


def test_absent_appop_entry_is_reported_as_default_mode() -> None:
    assert only(judge([app(WA, mode=None)])).appop_mode == "default"


# --------------------------------------------------------------------------- cannot read now, but could


@pytest.mark.parametrize(
    ("dormant", "finding"),
    [
        (app(WA, enabled_state=3), "finding.dormant.disabled"),
        (app(WA, mode="ignore"), "finding.dormant.appop"),
        (app(WA, mode="allow", uid_mode="deny"), "finding.dormant.appop"),
        (app(WA, perm=DENIED, mode="ignore"), "finding.dormant.denied"),  # never asked
        (app(WA, perm=DENIED, flags=["USER_SET"], mode="ignore"), "finding.dormant.denied"),
        (app(WA, perm=DENIED, flags=["AUTO_REVOKED"], mode="ignore"), "finding.dormant.auto_revoked"),
    ],
)
def test_dormant_with_third_parties_and_no_past_upload_is_medium(dormant: AppState, finding: str) -> None:
    v = only(judge([dormant]))
    expect(v, "dormant.third_party", Upload.POSSIBLE, Severity.MEDIUM)
    assert v.finding.key == finding
    assert v.past_upload is Tri.NO


@pytest.mark.parametrize(
    ("dormant", "books"),
    [
        # app-ops refused (an OEM build's SecurityException): no access time can be seen
        (app(WA, enabled_state=2, appops_known=False), (PRIVATE_BOOK,)),
        (app(WA, perm=DENIED, flags=["USER_SET"], appops_known=False), (PRIVATE_BOOK,)),
        # the raw contacts (the app's own synced contacts) could not be counted
        (app(WA, perm=DENIED, mode="ignore"), (book(0, [C([PRIVATE_1])], raw_known=False),)),
    ],
)
def test_unknown_past_upload_ranks_as_an_upload_never_lower(dormant: AppState, books: tuple[AddressBook]) -> None:
    """Issue 8 (3): unknown evidence must never lower a verdict; "no" needs both facts read."""
    v = only(judge([dormant], books))
    expect(v, "dormant.third_party.past_unknown", Upload.POSSIBLE, Severity.HIGH)
    assert v.past_upload is Tri.UNKNOWN
    assert v.finding.key.endswith(".past_unknown")
    assert v.remediation.key == "fix.deny_lock"
    assert v.severity.at_least(Severity.HIGH)  # --fail-on high fails


def test_dormant_with_past_access_is_high() -> None:
    v = only(judge([app(WA, perm=DENIED, flags=["USER_SET"], mode="ignore", access="+12d3h ago")]))
    expect(v, "dormant.third_party.past_upload", Upload.POSSIBLE, Severity.HIGH)
    assert v.past_upload is Tri.YES and v.last_contacts_access_text == "+12d3h ago"
    assert v.last_contacts_access == "unknown"  # the app-op carries no UTC time (no clock read): never a guess
    assert v.finding.key == "finding.dormant.denied.past"
    assert "has read the address book before" in render(v.finding, "en")
    assert v.remediation.key == "fix.deny_lock.past"


def test_dormant_with_synced_contacts_is_high() -> None:
    synced_book = book(0, [C([PRIVATE_1])], synced={WA: 12})
    v = only(judge([app(WA, enabled_state=3)], [synced_book]))
    expect(v, "dormant.third_party.past_upload", Upload.POSSIBLE, Severity.HIGH)
    assert v.synced_contacts == 12


def test_dormant_without_third_parties_is_ok() -> None:
    v = only(judge([app(WA, perm=DENIED, mode="ignore")], [COLLEAGUE_BOOK]))
    expect(v, "dormant.no_third_party", Upload.NO, Severity.OK)
    assert v.remediation.key == "fix.preventive"


# --------------------------------------------------------------------------- locked, not requested, no app


@pytest.mark.parametrize(("flag", "by"), [("USER_FIXED", "user"), ("POLICY_FIXED", "policy"), ("SYSTEM_FIXED", "system")])
def test_locked_denial_is_ok_whatever_the_book(flag: str, by: str) -> None:
    for books in ([PRIVATE_BOOK], [UNREADABLE_BOOK]):
        v = only(judge([app(WA, perm=DENIED, flags=["USER_SET", flag], mode="ignore")], books))
        expect(v, "locked", Upload.NO, Severity.OK)
        assert v.finding.key == f"finding.locked.{by}"
        assert v.remediation.key == "fix.none"


def test_locked_after_an_upload_still_says_so() -> None:
    v = only(judge([app(WA, perm=DENIED, flags=["POLICY_FIXED"], mode="ignore", access="+3d ago")]))
    expect(v, "locked", Upload.NO, Severity.OK)
    assert v.past_upload is Tri.YES
    assert "Before the lock, WhatsApp read the address book" in render(v.finding, "en")
    assert "Vor der Sperre hat WhatsApp das Adressbuch gelesen" in render(v.finding, "de")
    assert v.remediation.key == "fix.none.past"


def test_not_requested_is_ok() -> None:
    app_state = app(WA, perm=PermissionStatus.NOT_REQUESTED, mode=None)
    expect(only(judge([app_state], [UNREADABLE_BOOK])), "not_requested", Upload.NO, Severity.OK)


@pytest.mark.parametrize("sdk", [None, 23, 36])
def test_not_requested_before_android_17_says_contacts_come_one_by_one(sdk: int | None) -> None:
    v = only(judge([app(WA, perm=PermissionStatus.NOT_REQUESTED, mode=None)], sdk=sdk))
    expect(v, "not_requested", Upload.NO, Severity.OK)
    assert "picked or shared with it one by one" in render(v.finding, "en")
    assert "einzeln ausgewählt oder mit ihr geteilt" in render(v.finding, "de")
    assert "Contact Picker" not in render(v.finding, "en")
    assert v.remediation.key == "fix.none"


@pytest.mark.parametrize("sdk", [37, 38])
def test_not_requested_on_android_17_names_the_contact_picker(sdk: int) -> None:
    v = only(judge([app(WA, perm=PermissionStatus.NOT_REQUESTED, mode=None)], [UNREADABLE_BOOK], sdk=sdk))
    expect(v, "not_requested.picker", Upload.NO, Severity.OK)
    assert "picks one by one in Android's Contact Picker" in render(v.finding, "en")
    assert "einzeln in der Kontaktauswahl von Android (Contact Picker)" in render(v.finding, "de")
    assert (v.finding.key, v.remediation.key) == ("finding.not_requested.picker", "fix.none")


def test_on_android_17_read_contacts_is_still_judged_as_the_bulk_path() -> None:
    """The picker does not soften anything: an app holding READ_CONTACTS can read the whole book."""
    v = only(judge([app(WA)], sdk=37))
    expect(v, "reads.third_party", Upload.YES, Severity.CRITICAL)
    assert "Contact Picker" not in render(v.finding, "en")
    unknown = only(judge([app(WA, perm=PermissionStatus.UNKNOWN)], sdk=37))
    assert unknown.rule == "unknown.permission"


def test_a_requested_list_without_the_permission_is_not_enough_for_not_requested() -> None:
    """Issue 8 (1): "not requested" needs the parser's NOT_REQUESTED, i.e. a dump read whole."""
    app_state = app(WA, perm=PermissionStatus.UNKNOWN, requests=False, appops_known=False, enabled_state=None)
    expect(only(judge([app_state], [UNREADABLE_BOOK])), "unknown.permission", Upload.UNKNOWN, Severity.UNKNOWN)


def test_user_without_audited_app_gets_one_verdict_without_package() -> None:
    v = only(judge([app(WA, installed=False)]))
    expect(v, "no_audited_app", Upload.NO, Severity.OK)
    assert v.package is None and v.app is None and v.user_kind is UserKind.OWNER
    assert v.counts.third_party == 3


@pytest.mark.parametrize(
    ("left_behind", "past"),
    [
        (book(0, [C([PRIVATE_1])], synced={WA: 1}), Tri.YES),  # an uninstalled WhatsApp's synced contacts
        (book(0, [C([PRIVATE_1])], synced={W4B: 40}), Tri.YES),
        (book(0, [C([PRIVATE_1])]), Tri.UNKNOWN),  # none left: no proof either way
        (book(0, [C([PRIVATE_1])], raw_known=False), Tri.UNKNOWN),  # not counted: never a guess
    ],
)
def test_a_messengers_leftover_contacts_show_a_past_upload_without_the_app(left_behind: AddressBook, past: Tri) -> None:
    v = only(judge([app(WA, installed=False)], [left_behind]))
    expect(v, "no_audited_app", Upload.NO, Severity.OK)
    assert v.past_upload is past


def test_a_user_seen_only_through_its_address_book_is_judged_as_of_unknown_kind() -> None:
    verdicts = judge([app(WA)], [PRIVATE_BOOK, book(10, [C([PRIVATE_2])])])
    assert [(v.user_id, v.rule) for v in verdicts] == [(0, "reads.third_party"), (10, "no_audited_app")]
    assert verdicts[1].user_kind is UserKind.OTHER and verdicts[1].counts.third_party == 1


def test_a_user_named_in_the_output_but_not_listed_is_unknown_and_says_which() -> None:
    s = replace(snapshot([app(WA)], [PRIVATE_BOOK]), unlisted_user_ids=(10,))
    verdicts = assess_device(s, classify_device(s, policy()), policy())
    assert [(v.user_id, v.rule) for v in verdicts] == [(0, "reads.third_party"), (10, "unknown.users")]
    unlisted = verdicts[1]
    expect(unlisted, "unknown.users", Upload.UNKNOWN, Severity.UNKNOWN)
    assert unlisted.finding.key == "finding.unknown.user" and unlisted.remediation.key == "fix.rerun"
    assert render(unlisted.finding, "en").startswith("User 10 appears in the phone's output")
    assert render(unlisted.finding, "de").startswith("Benutzer 10 erscheint in der Ausgabe")


def test_apps_outside_the_policy_are_not_judged() -> None:
    pol = policy(audit_packages=(W4B,))
    v = only(judge([app(WA)], pol=pol))
    assert v.rule == "no_audited_app"


# --------------------------------------------------------------------------- unknown: fail closed


@pytest.mark.parametrize(
    ("app_state", "books", "rule"),
    [
        (app(WA, installed=None), [PRIVATE_BOOK], "unknown.installed"),
        (app(WA, perm=PermissionStatus.UNKNOWN), [PRIVATE_BOOK], "unknown.permission"),
        (app(WA, enabled_state=None), [PRIVATE_BOOK], "unknown.enabled"),
        (app(WA, appops_known=False), [PRIVATE_BOOK], "unknown.appops"),
        (app(WA, mode="errored"), [PRIVATE_BOOK], "unknown.appop_mode"),
        (app(WA, mode=None, uid_mode=None, access="+1h ago"), [PRIVATE_BOOK], "unknown.appop_mode"),
        (app(WA), [UNREADABLE_BOOK], "unknown.address_book"),
        (app(WA), [], "unknown.address_book"),
        (app(WA, perm=DENIED, mode="ignore"), [UNREADABLE_BOOK], "unknown.address_book"),
        (app(WA, enabled_state=3), [UNREADABLE_BOOK], "unknown.address_book"),
    ],
)
def test_unknown_facts_make_the_verdict_unknown(app_state: AppState, books: list[AddressBook], rule: str) -> None:
    v = only(judge([app_state], books))
    expect(v, rule, Upload.UNKNOWN, Severity.UNKNOWN)
    assert v.severity.at_least(Severity.HIGH)  # fails closed under the default --fail-on
    assert "counts as not compliant" in render(v.finding, "en")
    assert "wird das Telefon vorsorglich als nicht konform gewertet" in render(v.finding, "de")
    assert v.remediation.key == "fix.check_manually"  # never "nothing to do"


def test_counts_missing_for_a_user_are_unknown() -> None:
    s = snapshot([app(WA)], [PRIVATE_BOOK])
    v = only(assess_device(s, [], policy()))
    assert v.rule == "unknown.address_book"


def test_phone_without_users_is_unknown() -> None:
    v = only(judge([app(WA)], users=[]))
    expect(v, "unknown.users", Upload.UNKNOWN, Severity.UNKNOWN)
    assert v.package is None


def test_past_upload_tri_state() -> None:
    known = book(0, [], synced={})
    assert past_upload(app(WA, access="+1d ago"), known) is Tri.YES
    assert past_upload(app(WA), book(0, [], synced={WA: 1})) is Tri.YES
    assert past_upload(app(WA), known) is Tri.NO
    assert past_upload(app(WA, mode=None), known) is Tri.NO
    assert past_upload(app(WA), book(0, [], raw_known=False)) is Tri.UNKNOWN
    assert past_upload(app(WA), None) is Tri.UNKNOWN
    assert past_upload(app(WA, appops_known=False), known) is Tri.UNKNOWN
    assert past_upload(app(WA, appops_known=False), book(0, [], synced={WA: 3})) is Tri.YES


# --------------------------------------------------------------------------- seed scenarios


def test_seed_customer_service_phone_whatsapp_business_never_granted() -> None:
    # The brief lists this seed as "ok", but its own decision table says a never-asked denial
    # can be granted with one tap, so customers in the book make it possible/medium. It is ok
    # exactly when the book holds no third parties (e.g. only the team's numbers).
    never_asked = app(W4B, perm=DENIED, mode=None)
    customers = book(0, [C([CUSTOMER_1], orgs=["Example Kunden AG"]), C([COLLEAGUE_1])])
    v = only(judge([never_asked], [customers]))
    expect(v, "dormant.third_party", Upload.POSSIBLE, Severity.MEDIUM)
    assert v.finding.key == "finding.dormant.denied" and v.app == "WhatsApp Business"
    expect(only(judge([never_asked], [COLLEAGUE_BOOK])), "dormant.no_third_party", Upload.NO, Severity.OK)


def test_seed_book_of_colleagues_only_is_low() -> None:
    expect(only(judge([app(WA, access="+2h ago")], [COLLEAGUE_BOOK])), "reads.colleagues_only", Upload.NO,
           Severity.LOW)


def test_seed_permission_denied_by_mdm_policy_is_ok() -> None:
    v = only(judge([app(WA, perm=DENIED, flags=["POLICY_FIXED"], mode="ignore")]))
    expect(v, "locked", Upload.NO, Severity.OK)
    assert "device policy (MDM)" in render(v.finding, "en")
    assert "MDM-Richtlinie" in render(v.finding, "de")


def test_seed_threema_work_instead_of_whatsapp_is_ok_with_the_alternative_named() -> None:
    threema = app(THREEMA_WORK, perm=GRANTED)
    v = only(judge([threema, app(WA, installed=False)]))
    expect(v, "no_audited_app", Upload.NO, Severity.OK)
    assert v.alternatives == (THREEMA_WORK,)
    assert "Threema Work" in render(v.finding, "en")
    assert "Threema Work" in render(v.finding, "de")


def test_seed_work_profile_policy_denied_and_personal_whatsapp_reading_a_private_book() -> None:
    personal_book = book(0, [C([PRIVATE_1]), C([PRIVATE_2])])
    work_book = book(10, [C([CUSTOMER_1], orgs=["Example Kunden AG"]), C([COLLEAGUE_1])])
    apps = [
        app(WA, 0),
        app(W4B, 0, installed=False),
        app(WA, 10, installed=False),
        app(W4B, 10, perm=DENIED, flags=["POLICY_FIXED"], mode="ignore"),
    ]
    verdicts = judge(apps, [personal_book, work_book], users=[OWNER, WORK])
    assert [(v.user_id, v.package) for v in verdicts] == [(0, WA), (10, W4B)]
    personal, work = verdicts
    expect(personal, "reads.third_party", Upload.YES, Severity.CRITICAL)
    assert personal.counts.personal == 2
    expect(work, "locked", Upload.NO, Severity.OK)
    assert work.user_kind is UserKind.WORK_PROFILE
    assert work.counts.business == 1 and work.counts.colleague == 1


def test_two_audited_apps_in_one_user_get_two_verdicts_in_policy_order() -> None:
    verdicts = judge([app(W4B), app(WA, perm=DENIED, flags=["USER_FIXED"], mode="ignore"), app(W4B)])
    assert [v.package for v in verdicts] == [WA, W4B]
    assert [v.severity for v in verdicts] == [Severity.OK, Severity.CRITICAL]


# --------------------------------------------------------------------------- the device result


def test_audit_snapshot_fills_the_device_result() -> None:
    s = snapshot([app(WA), app("ch.threema.app", installed=True)], [PRIVATE_BOOK])
    result = audit_snapshot(s, policy())
    assert result.status is DeviceStatus.AUDITED and result.serial == s.serial
    assert result.snapshot is s
    assert [c.user_id for c in result.counts] == [0]
    assert result.worst is Severity.CRITICAL
    assert result.alternatives == ("ch.threema.app",)
    assert result.verdicts[0].alternatives == ("ch.threema.app",)
    assert "Threema" in render(result.verdicts[0].finding, "en")


def test_alternatives_follow_the_policy_order_and_need_an_install() -> None:
    s: DeviceSnapshot = snapshot(
        [app("ch.threema.app", 10), app(THREEMA_WORK, 0), app("ch.threema.app.libre", 0, installed=None)]
    )
    assert alternatives_on(s, policy()) == ("ch.threema.app", THREEMA_WORK)


@pytest.mark.parametrize(
    ("serial", "shown"),
    [("R58M90182A", "R58M90182A"), ("192.168.0.20:5555", "192.168.0.20:5555"), ("a'b", "'a'\"'\"'b'"),
     ("x\x1b[2Jy", "SERIAL"), ("with space", "SERIAL"), ("", "SERIAL"),
     ("!a~", "'!a~'"), ("s" * 128, "s" * 128), ("s" * 129, "SERIAL"), ("caf\u00e9", "SERIAL")],
)
def test_fix_command_serial_is_one_safe_shell_word(serial: str, shown: str) -> None:
    assert shell_serial(serial) == shown


def test_every_catalogue_entry_renders_in_both_languages() -> None:
    params = {
        "app": "WhatsApp", "package": WA, "user": 0, "third_party": 3, "business": 1, "personal": 1,
        "invalid": 1, "colleague": 2, "alternatives": "Threema Work", "serial": "R58M90182A", "contacts": 4,
        "rows": 5, "distinct": 5, "rule": "personal.default", "count": 1, "what": "x", "state": "recovery",
        "address": "10.0.0.2:5555", "detail": "closed", "kind": "ValueError", "limit": "64 MiB",
        "mdm": "Microsoft Intune", "mdm_package": "com.microsoft.windowsintune.companyportal",
        "port": 5037,
    }
    from audit.results import Message

    for key, entry in CATALOGUE.items():
        assert set(entry) == set(LANGS), key
        en = render(Message(key, tuple(params.items())), "en")
        de = render(Message(key, tuple(params.items())), "de")
        assert "{" not in en and "{" not in de, key
        assert en != de or key == "explain.rule", key
        assert "Drittanbieter" not in de


# --------------------------------------------------------------------------- privacy (property-based)

_PREFIXES = ["+49 30 ", "030 ", "0049 30 ", "(030) ", "+44 20 ", "0171 ", "+1 202 ", "", "+43 1 "]


@st.composite
def raw_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A written number and its digit run (7+ digits: longer than any count a report shows)."""
    body = draw(st.text("0123456789", min_size=7, max_size=10))
    sep = draw(st.sampled_from(["", " ", "-"]))
    cut = draw(st.integers(min_value=2, max_value=len(body) - 2))
    return draw(st.sampled_from(_PREFIXES)) + body[:cut] + sep + body[cut:], body


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    numbers=st.lists(raw_numbers(), min_size=1, max_size=6),
    # "qxz": a marker no sentence contains, so a hit is a leak and not an ordinary word
    emails=st.lists(st.text("abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=9).map(lambda s: "qxz" + s),
                    max_size=3),
    perm=st.sampled_from(list(PermissionStatus)),
    flags=st.sampled_from([(), ("USER_FIXED",), ("POLICY_FIXED",), ("AUTO_REVOKED",)]),
    access=st.sampled_from([None, "+3d ago"]),
    work=st.booleans(),
    alternative=st.booleans(),
)
def test_no_raw_number_or_address_reaches_any_text(
    numbers: list[tuple[str, str]],
    emails: list[str],
    perm: PermissionStatus,
    flags: tuple[str, ...],
    access: str | None,
    work: bool,
    alternative: bool,
) -> None:
    # a handler of our own: pytest's caplog is function-scoped and hypothesis reruns the body
    records: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    contacts = [
        C([raw], emails=[f"{emails[i % len(emails)]}@example.com"] if emails and i % 2 else [])
        for i, (raw, _) in enumerate(numbers)
    ]
    uid = 10 if work else 0
    apps = [app(WA, uid, perm=perm, flags=flags, access=access)]
    if alternative:
        apps.append(app(THREEMA_WORK, uid))
    s = snapshot(apps, [book(uid, contacts)], users=[WORK if work else OWNER])
    try:
        result = audit_snapshot(s, policy())
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    texts = [repr(result), repr(result.counts), repr(result.verdicts), *records]
    for lang in LANGS:
        for v in result.verdicts:
            texts += [render(v.finding, lang), render(v.remediation, lang), repr(v.finding.params)]
        for counts in result.counts:
            texts += explain_lines(counts, lang)
    blob = "\n".join(texts)
    for raw, body in numbers:
        assert raw not in blob
        assert body not in blob
        parsed = normalise(canonical(raw), "DE")
        if parsed.e164:
            assert parsed.e164 not in blob
    for local in emails:
        assert local not in blob


def test_an_incomplete_user_list_never_lets_the_phone_look_compliant() -> None:
    from dataclasses import replace as _replace

    from judgement_fixtures import policy as _policy
    from judgement_fixtures import snapshot as _snapshot

    from audit.assess import audit_snapshot as _audit

    whole = _audit(_snapshot(), _policy())
    assert {v.rule for v in whole.verdicts} == {"no_audited_app"}
    partial = _audit(_replace(_snapshot(), users_complete=False), _policy())
    assert "unknown.users" in {v.rule for v in partial.verdicts}
    assert partial.worst is not None and partial.worst.value == "unknown"


def test_last_contacts_access_is_the_utc_time_when_the_clock_gave_one() -> None:
    base = app(WA, access="+3h0m4s5ms ago")
    ops = tuple(replace(op, last_access_utc="2026-05-01T07:29:55Z") if op.op == "READ_CONTACTS" else op
                for op in base.appops)
    v = only(judge([replace(base, appops=ops)]))
    assert v.last_contacts_access == "2026-05-01T07:29:55Z" and v.last_contacts_access_text == "+3h0m4s5ms ago"
    plain = only(judge([app(WA)]))  # no access reported at all: nothing to date
    assert plain.last_contacts_access is None and plain.last_contacts_access_text is None
