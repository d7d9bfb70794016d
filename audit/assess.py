"""The verdict: per phone, Android user and audited app, can third parties' numbers be uploaded?

Why it is built as a decision table (docs/verdicts.md): the data-protection officer must be able
to follow every verdict back to one row, so each verdict carries that row's stable rule id. The
table fails closed: a fact the collector could not establish makes the verdict ``unknown``
(ranked with ``high``), never ``ok``. "Cannot read now" is only safe when Android locks the
denial (USER_FIXED/POLICY_FIXED/SYSTEM_FIXED); any other obstacle (a disabled app, an app-op
that Android may reset, a denial the app can ask to reverse) is one tap away from an upload.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from audit.android_versions import has_contact_picker
from audit.apps import display_name
from audit.classify import NumberCache, classify_device, user_ids
from audit.management import ManagedState, Management, management_of
from audit.policy import Policy
from audit.results import DeviceResult, DeviceStatus, Message, NumberCounts, Severity, Tri, Upload, Verdict
from audit.snapshot import (
    LOCKING_FLAGS,
    AddressBook,
    AppOpState,
    AppState,
    DeviceSnapshot,
    PermissionStatus,
    UserKind,
)

CONTACTS_OP = "READ_CONTACTS"
# AppOpsManager.MODE_NAMES; "foreground" (10+) still lets the app read while it is in use.
KNOWN_MODES = frozenset({"allow", "ignore", "deny", "default", "foreground"})
BLOCKING_MODES = frozenset({"ignore", "deny"})
GRANTED = frozenset({PermissionStatus.GRANTED, PermissionStatus.INSTALL_TIME})
SERIAL_PLACEHOLDER = "SERIAL"


@dataclass(frozen=True)
class Rule:
    """One row of the decision table."""

    id: str
    upload: Upload
    severity: Severity


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule("reads.third_party", Upload.YES, Severity.CRITICAL),
        Rule("reads.colleagues_only", Upload.NO, Severity.LOW),
        Rule("reads.empty_book", Upload.NO, Severity.OK),
        Rule("dormant.third_party.past_upload", Upload.POSSIBLE, Severity.HIGH),
        Rule("dormant.third_party.past_unknown", Upload.POSSIBLE, Severity.HIGH),
        Rule("dormant.third_party", Upload.POSSIBLE, Severity.MEDIUM),
        Rule("dormant.no_third_party", Upload.NO, Severity.OK),
        Rule("locked", Upload.NO, Severity.OK),
        Rule("not_requested", Upload.NO, Severity.OK),
        Rule("not_requested.picker", Upload.NO, Severity.OK),
        Rule("no_audited_app", Upload.NO, Severity.OK),
        Rule("unknown.users", Upload.UNKNOWN, Severity.UNKNOWN),
        Rule("unknown.installed", Upload.UNKNOWN, Severity.UNKNOWN),
        Rule("unknown.permission", Upload.UNKNOWN, Severity.UNKNOWN),
        Rule("unknown.enabled", Upload.UNKNOWN, Severity.UNKNOWN),
        Rule("unknown.appops", Upload.UNKNOWN, Severity.UNKNOWN),
        Rule("unknown.appop_mode", Upload.UNKNOWN, Severity.UNKNOWN),
        Rule("unknown.address_book", Upload.UNKNOWN, Severity.UNKNOWN),
    )
}


def alternatives_on(snapshot: DeviceSnapshot, policy: Policy) -> tuple[str, ...]:
    """Compliant alternatives installed in any user of the phone, in the policy's order."""
    installed = {a.package for a in snapshot.apps if a.installed is True}
    return tuple(p for p in policy.alternative_packages if p in installed)


def shell_serial(serial: str) -> str:
    """The serial as one shell word for the printed fix command.

    A phone chooses its own serial: anything but plain printable ASCII (which could carry
    terminal escapes) is replaced by a placeholder the operator fills in.
    """
    if serial and all("!" <= ch <= "~" for ch in serial) and len(serial) <= 128:
        return shlex.quote(serial)
    return SERIAL_PLACEHOLDER


def contacts_mode(app: AppState) -> str | None:
    """The effective READ_CONTACTS app-op mode; None when it could not be read.

    ``appops get`` lists only ops that were used or changed, so a readable app-op state
    without a READ_CONTACTS entry means the default mode (the permission decides).
    """
    if not app.appops_known:
        return None
    op = app.appop(CONTACTS_OP)
    if op is None:
        return "default"
    return op.effective_mode


def last_access_time(op: AppOpState | None) -> str | None:
    """When READ_CONTACTS was last used, in UTC: None when the phone reports no access, "unknown"
    when it reports one whose time cannot be established (unreadable clock or text)."""
    if op is None or not (op.last_access or "").strip():
        return None
    return op.last_access_utc or "unknown"


def past_upload(app: AppState, book: AddressBook | None) -> Tri:
    """Did the app read the address book before? An access time or its own synced contacts say yes."""
    op = app.appop(CONTACTS_OP) if app.appops_known else None
    accessed = op is not None and bool((op.last_access or "").strip())
    synced = book.raw_contacts_of(app.package) if book is not None else None
    if accessed or (synced is not None and synced > 0):
        return Tri.YES
    if app.appops_known and synced == 0:
        return Tri.NO
    return Tri.UNKNOWN


def _lock_reason(flags: Sequence[str]) -> str | None:
    """Who locked a denial (the strongest lock first), or None if the app may still ask."""
    if not LOCKING_FLAGS.intersection(flags):
        return None
    if "POLICY_FIXED" in flags:
        return "policy"
    if "SYSTEM_FIXED" in flags:
        return "system"
    if "USER_FIXED" in flags:
        return "user"
    return None


def decide(app: AppState, counts: NumberCounts, past: Tri) -> tuple[Rule, str]:
    """The decision table: the rule and the finding's catalogue key (without the .alt suffix)."""
    if app.installed is None:
        return RULES["unknown.installed"], "finding.unknown.installed"
    perm = app.read_contacts
    # Only the parser's NOT_REQUESTED (a dump read whole for this user) says "not requested": a
    # requested list without READ_CONTACTS is not enough while a shared user's grants are unread.
    if perm is PermissionStatus.NOT_REQUESTED:
        return RULES["not_requested"], "finding.not_requested"
    if perm is PermissionStatus.UNKNOWN:
        return RULES["unknown.permission"], "finding.unknown.permission"

    dormant: str | None = None
    if perm is PermissionStatus.DENIED:
        lock = _lock_reason(app.read_contacts_flags)
        if lock is not None:
            return RULES["locked"], f"finding.locked.{lock}" + (".past" if past is Tri.YES else "")
        dormant = "auto_revoked" if "AUTO_REVOKED" in app.read_contacts_flags else "denied"
    else:  # granted (ONE_TIME grants included: the app reads while the grant lasts)
        mode = contacts_mode(app)
        if app.enabled is False:
            dormant = "disabled"
        elif mode in BLOCKING_MODES:
            dormant = "appop"
        elif app.enabled is None:
            return RULES["unknown.enabled"], "finding.unknown.enabled"
        elif not app.appops_known:
            return RULES["unknown.appops"], "finding.unknown.appops"
        elif mode not in KNOWN_MODES:
            return RULES["unknown.appop_mode"], "finding.unknown.appop_mode"

    if not counts.known:
        return RULES["unknown.address_book"], "finding.unknown.address_book"
    if dormant is None:  # can read now
        if counts.third_party > 0:
            return RULES["reads.third_party"], "finding.reads_third_party"
        if counts.colleague > 0:
            return RULES["reads.colleagues_only"], "finding.reads_colleagues_only"
        return RULES["reads.empty_book"], "finding.reads_empty_book"
    if counts.third_party > 0:
        if past is Tri.YES:
            return RULES["dormant.third_party.past_upload"], f"finding.dormant.{dormant}.past"
        if past is Tri.UNKNOWN:  # unknown evidence never lowers a verdict: ranks as an upload
            return RULES["dormant.third_party.past_unknown"], f"finding.dormant.{dormant}.past_unknown"
        return RULES["dormant.third_party"], f"finding.dormant.{dormant}"
    return RULES["dormant.no_third_party"], "finding.dormant_no_third_party"


def _remediation_key(rule: Rule, finding: str, past: Tri) -> str:
    if rule.id.startswith("unknown."):
        return "fix.check_manually"
    if rule.id.startswith(("reads.third_party", "dormant.third_party")):
        return "fix.deny_lock.past" if past is Tri.YES else "fix.deny_lock"
    if rule.id in ("reads.colleagues_only", "reads.empty_book", "dormant.no_third_party"):
        return "fix.preventive"
    if rule.id == "locked" and finding.endswith(".past"):
        return "fix.none.past"
    return "fix.none"


def _count_params(counts: NumberCounts) -> tuple[tuple[str, str | int], ...]:
    return (
        ("third_party", counts.third_party),
        ("business", counts.business),
        ("personal", counts.personal),
        ("invalid", counts.invalid),
        ("colleague", counts.colleague),
    )


def _alt(key: str, params: tuple[tuple[str, str | int], ...], alternatives: tuple[str, ...]) -> Message:
    if not alternatives:
        return Message(key, params)
    names = ", ".join(display_name(p) for p in alternatives)
    return Message(key + ".alt", (*params, ("alternatives", names)))


def assess_app(
    snapshot: DeviceSnapshot,
    app: AppState,
    counts: NumberCounts,
    alternatives: tuple[str, ...] = (),
) -> Verdict:
    """The verdict for one audited app in one user."""
    user = snapshot.user(app.user_id)
    book = snapshot.address_book(app.user_id)
    past = past_upload(app, book)
    rule, finding_key = decide(app, counts, past)
    if rule.id == "not_requested" and has_contact_picker(snapshot.info.sdk):
        # No bulk access at all; on Android 17+ the system Contact Picker is the app's only way in.
        rule, finding_key = RULES["not_requested.picker"], "finding.not_requested.picker"
    name = display_name(app.package)
    params: tuple[tuple[str, str | int], ...] = (
        ("app", name),
        ("package", app.package),
        ("user", app.user_id),
        *_count_params(counts),
    )
    op = app.appop(CONTACTS_OP) if app.appops_known else None
    remediation = Message(
        _remediation_key(rule, finding_key, past),
        (("app", name), ("package", app.package), ("user", app.user_id), ("serial", shell_serial(snapshot.serial))),
    )
    management = management_of(snapshot, app.user_id)
    finding_key, params, remediation = _through_mdm(management, finding_key, params, remediation)
    return Verdict(
        user_id=app.user_id,
        user_kind=user.kind if user is not None else UserKind.OTHER,
        package=app.package,
        app=name,
        app_version=app.version_name,
        app_enabled=app.enabled,
        contacts_permission=app.read_contacts,
        permission_flags=app.read_contacts_flags,
        appop_mode=contacts_mode(app),
        last_contacts_access=last_access_time(op),
        last_contacts_access_text=op.last_access if op is not None else None,
        synced_contacts=book.raw_contacts_of(app.package) if book is not None else None,
        past_upload=past,
        counts=counts,
        uploads_third_party=rule.upload,
        severity=rule.severity,
        rule=rule.id,
        finding=_alt(finding_key, params, alternatives),
        remediation=remediation,
        alternatives=alternatives,
        management=management,
    )


# Remediations that change the permission: on a managed user the MDM does it, and keeps it locked.
_MDM_FIXES = {
    "fix.deny_lock": "fix.mdm.deny_lock",
    "fix.deny_lock.past": "fix.mdm.deny_lock.past",
    "fix.preventive": "fix.mdm.preventive",
}


def _through_mdm(
    management: Management, finding_key: str, params: tuple[tuple[str, str | int], ...], remediation: Message
) -> tuple[str, tuple[tuple[str, str | int], ...], Message]:
    """On a user its MDM manages: the remediation names the MDM, a POLICY_FIXED lock is credited to it.

    Only the wording changes, never the rule or the severity: who would fix it does not change
    whether numbers can be uploaded. An unknown management keeps the per-phone remediation.
    """
    if management.state is not ManagedState.MANAGED:
        return finding_key, params, remediation
    mdm = (("mdm", management.mdm_name or "MDM"), ("mdm_package", management.package or "?"))
    if finding_key.startswith("finding.locked.policy"):
        finding_key = finding_key.replace("finding.locked.policy", "finding.locked.policy_mdm", 1)
        params = (*params, *mdm)
    key = _MDM_FIXES.get(remediation.key)
    if key is not None:
        remediation = Message(key, (*remediation.params, *mdm))
    return finding_key, params, remediation


def _no_app_verdict(
    snapshot: DeviceSnapshot, user_id: int, counts: NumberCounts, policy: Policy, alternatives: tuple[str, ...]
) -> Verdict:
    user = snapshot.user(user_id)
    book = snapshot.address_book(user_id)
    # An uninstalled messenger can leave its synced contacts behind: evidence of an earlier upload.
    residue = [book.raw_contacts_of(p) for p in policy.audit_packages] if book is not None else []
    past = Tri.YES if any((n or 0) > 0 for n in residue) else Tri.UNKNOWN
    rule = RULES["no_audited_app"]
    return Verdict(
        user_id=user_id,
        user_kind=user.kind if user is not None else UserKind.OTHER,
        package=None,
        app=None,
        app_version=None,
        app_enabled=None,
        contacts_permission=PermissionStatus.NOT_REQUESTED,
        permission_flags=(),
        appop_mode=None,
        last_contacts_access=None,
        synced_contacts=None,
        past_upload=past,
        counts=counts,
        uploads_third_party=rule.upload,
        severity=rule.severity,
        rule=rule.id,
        finding=_alt("finding.no_audited_app", (("user", user_id), *_count_params(counts)), alternatives),
        remediation=Message("fix.none", (("user", user_id),)),
        alternatives=alternatives,
        management=management_of(snapshot, user_id),
    )


def _no_users_verdict(alternatives: tuple[str, ...], user_id: int | None = None) -> Verdict:
    """``unknown.users``: for the phone (``user_id`` None), or for one user named but not listed."""
    rule = RULES["unknown.users"]
    if user_id is None:
        finding = _alt("finding.unknown.users", (), alternatives)
    else:
        finding = _alt("finding.unknown.user", (("user", user_id),), alternatives)
    return Verdict(
        user_id=0 if user_id is None else user_id,
        user_kind=UserKind.OTHER,
        package=None,
        app=None,
        app_version=None,
        app_enabled=None,
        contacts_permission=PermissionStatus.UNKNOWN,
        permission_flags=(),
        appop_mode=None,
        last_contacts_access=None,
        synced_contacts=None,
        past_upload=Tri.UNKNOWN,
        counts=NumberCounts(user_id=0 if user_id is None else user_id, known=False),
        uploads_third_party=rule.upload,
        severity=rule.severity,
        rule=rule.id,
        finding=finding,
        remediation=Message("fix.rerun"),
        alternatives=alternatives,
    )


def assess_device(snapshot: DeviceSnapshot, counts: Sequence[NumberCounts], policy: Policy) -> tuple[Verdict, ...]:
    """Verdicts for every user of the phone: one per installed audited app, or one without a package."""
    alternatives = alternatives_on(snapshot, policy)
    unlisted = tuple(_no_users_verdict(alternatives, uid) for uid in snapshot.unlisted_user_ids)
    if not snapshot.users:
        return (_no_users_verdict(alternatives), *unlisted)
    by_user = {c.user_id: c for c in counts}
    audited = set(policy.audit_packages)
    verdicts: list[Verdict] = []
    for uid in user_ids(snapshot):
        user_counts = by_user.get(uid) or NumberCounts(user_id=uid, known=False)
        apps: dict[str, AppState] = {}
        for app in snapshot.apps_in(uid):
            if app.package in audited and app.installed is not False:
                apps.setdefault(app.package, app)  # a repeated entry must not double a verdict
        if not apps:
            verdicts.append(_no_app_verdict(snapshot, uid, user_counts, policy, alternatives))
        for package in policy.audit_packages:
            if package in apps:
                verdicts.append(assess_app(snapshot, apps[package], user_counts, alternatives))
    if not snapshot.users_complete:  # profiles may exist unseen: the phone cannot be called compliant
        verdicts.append(_no_users_verdict(alternatives))
    verdicts.extend(unlisted)  # users named in the output whose user line could not be read
    return tuple(verdicts)


def audit_snapshot(snapshot: DeviceSnapshot, policy: Policy, cache: NumberCache | None = None) -> DeviceResult:
    """Classify and assess one phone: the whole judgement for a parsed snapshot."""
    counts = classify_device(snapshot, policy, cache)
    return DeviceResult(
        serial=snapshot.serial,
        status=DeviceStatus.AUDITED,
        snapshot=snapshot,
        counts=counts,
        verdicts=assess_device(snapshot, counts, policy),
        alternatives=alternatives_on(snapshot, policy),
    )
