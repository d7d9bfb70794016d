"""The HTML report: one self-contained page a data-protection officer can read, print and file.

Why it is built from the JSON document (schema v1) and not from the ``ScanReport``: the same page
must come from a scan (``scan --format html``) and from a report saved earlier
(``contact-audit report FILE.json``), and the JSON document is what both have. It holds counts
only, so nothing private can reach the page that the JSON would not already carry.

Python builds a plain view model (labels from ``labels.py``, sentences from ``messages.py``,
HTML-only words from ``html_texts.py``, chart geometry computed here); the Jinja template only
loops and prints. Jinja runs with ``autoescape=True`` set explicitly (not by file extension) and
``StrictUndefined``, and the template never marks device text safe: a model named
``<img src=x onerror=alert(1)>`` is printed as text. The page carries its CSS and its SVG chart
inline, has no script, and a Content-Security-Policy that forbids scripts and every fetch, so it
stays inert and offline wherever it is opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from audit.android_versions import NEWEST_VERIFIED_RELEASE
from audit.apps import display_name
from audit.messages import CATALOGUE
from audit.messages import render as render_message
from audit.report.html_texts import TEXTS, html_text, meaning, past_upload_label, upload_label
from audit.report.json_reader import phone_severity
from audit.report.json_report import report_document
from audit.report.labels import check_lang, enum_label
from audit.report.summary import SEVERITY_ORDER
from audit.report.text import redact_free_text, valid_unicode
from audit.results import DeviceStatus, Message, ScanReport, Severity, Tri, Upload
from audit.snapshot import PermissionStatus, UserKind

Json = dict[str, Any]

# Full users are usually named after a person: their names stay out of the page (data minimisation),
# also when a hand-made JSON file carries one.
_PERSONAL_KINDS = frozenset({"owner", "secondary", "guest"})
_CODE_RE = re.compile(r"`([^`]+)`")

# Chart geometry (SVG user units): a label column, then the bars, then room for the count.
CHART_WIDTH = 560
LABEL_WIDTH = 110
BAR_AREA = 380
BAR_HEIGHT = 22
BAR_GAP = 8


@dataclass(frozen=True)
class Bar:
    severity: str  # the enum value, also the CSS class
    label: str
    count: int
    y: int
    width: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    bar_height: int
    title: str
    desc: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Segment:
    """A piece of a sentence: plain text, or a command shown as code (from `backticks`)."""

    text: str
    code: bool


@dataclass(frozen=True)
class VerdictView:
    severity: str
    severity_label: str
    user: str
    app: str
    package: str | None
    permission: str
    uploads: str
    uploads_label: str
    past_upload: str
    past_label: str
    last_access: str | None
    synced: int | None
    third_party: str
    finding: tuple[Segment, ...]
    remediation: tuple[Segment, ...]
    rule: str


@dataclass(frozen=True)
class AppView:
    app: str
    package: str
    version: str
    enabled: str
    permission: str
    flags: tuple[str, ...]
    appop: str
    last_access: str


@dataclass(frozen=True)
class UserView:
    id: int
    kind: str
    name: str | None
    running: str
    readable: bool
    counts: tuple[tuple[str, str], ...]  # (label, count) in class order
    apps: tuple[AppView, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class PhoneView:
    anchor: str
    title: str
    serial: str
    model: str
    android: str
    severity: str
    severity_label: str
    status: str
    status_label: str
    audited: bool
    reason: str | None
    newer_note: str | None
    verdicts: tuple[VerdictView, ...]
    users: tuple[UserView, ...]
    alternatives: tuple[str, ...]
    problems: tuple[str, ...]


def render_html(report: ScanReport, lang: str = "en") -> str:
    """The HTML page for a scan."""
    return render_html_document(report_document(report, lang), lang)


def render_html_document(doc: Json, lang: str) -> str:
    """The HTML page for a JSON report document (schema v1, as made or as checked by json_reader).

    Findings and remediations are rendered again from their catalogue keys in ``lang``, so a
    report saved in English can be handed over in German; a key this version does not know keeps
    the saved sentence.
    """
    check_lang(lang)
    return _template().render(page=_page(doc, lang), t=_Texts(lang))


@cache
def _template() -> Template:
    env = Environment(
        loader=PackageLoader("audit.report", "templates"),
        autoescape=True,  # explicit: select_autoescape() would go by the file name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("report.html")


class _Texts:
    """``t.key`` in the template: the HTML-only words in the page's language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __getattr__(self, key: str) -> str:
        if key not in TEXTS:  # Jinja probes callables for attributes; a typo fails the render
            raise AttributeError(key)
        return html_text(key, self.lang)

    def __call__(self, key: str, **params: str | int) -> str:
        return html_text(key, self.lang, **params)


def _page(doc: Json, lang: str) -> Json:
    summary = doc["summary"]
    phones = sorted(
        (_phone(index, device, lang) for index, device in enumerate(doc["devices"])),
        key=lambda p: _phone_order(p),
    )
    exposed: str = str(summary["exposed_third_party_numbers"])
    if not summary["exposed_complete"]:
        exposed = html_text("exposed_lower_bound", lang, count=exposed)
    policy = doc["policy"]
    worst = summary["worst_severity"]
    return {
        "lang": lang,
        "version": _s(doc["tool_version"]),
        "scan_id": _s(doc["scan_id"]),
        "scanned_at": format_time(_s(doc["scanned_at"]), lang),
        "station": _s(doc["station"]),
        "policy_name": _s(policy["name"]),
        "policy_hash": _s(policy["sha256"]),
        "interrupted": doc["interrupted"],
        "phones_seen": summary["phones"],
        "audited": summary["audited"],
        "not_audited": summary["not_audited"],
        "not_audited_by_status": [
            (enum_label(DeviceStatus(status), lang), count)
            for status, count in summary["not_audited_by_status"].items()
            if count
        ],
        "worst": worst,
        "worst_label": enum_label(Severity(worst), lang) if worst else "-",
        "phones_exposing": summary["phones_exposing"],
        "exposed": exposed,
        "chart": severity_chart(summary["verdicts_by_severity"], lang),
        "phones": phones,
        "meanings": [(s.value, enum_label(s, lang), meaning(s, lang)) for s in SEVERITY_ORDER],
    }


def severity_chart(by_severity: dict[str, int], lang: str) -> Chart:
    """Horizontal bars, one per severity in report order, scaled to the largest count."""
    counts = [(s, int(by_severity.get(s.value, 0))) for s in SEVERITY_ORDER]
    top = max((n for _, n in counts), default=0)
    bars = tuple(
        Bar(
            severity=s.value,
            label=enum_label(s, lang),
            count=n,
            y=i * (BAR_HEIGHT + BAR_GAP),
            # a non-zero count is always visible; zero is no bar at all
            width=max(2, round(BAR_AREA * n / top)) if n and top else 0,
        )
        for i, (s, n) in enumerate(counts)
    )
    total = sum(n for _, n in counts)
    return Chart(
        width=CHART_WIDTH,
        height=len(bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP,
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        title=html_text("chart_title", lang),
        desc=html_text("chart_desc", lang, total=total),
        bars=bars,
    )


def format_time(iso: str | None, lang: str) -> str:
    """``2026-11-30T10:23:09Z`` as people read it: ISO-like in English, 30.11.2026 in German."""
    if not iso:
        return "-"
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    pattern = "%d.%m.%Y %H:%M:%S" if lang == "de" else "%Y-%m-%d %H:%M:%S"
    return moment.strftime(pattern) + (" UTC" if moment.tzinfo is not None else "")


def _phone_order(phone: PhoneView) -> tuple[int, int, bool, str]:
    severity = Severity(phone.severity)
    return (-severity.rank, SEVERITY_ORDER.index(severity), not phone.audited, phone.serial)


def _verdict_order(verdict: Json) -> tuple[int, int]:
    severity = Severity(verdict["severity"])
    return (-severity.rank, SEVERITY_ORDER.index(severity))


def _phone(index: int, device: Json, lang: str) -> PhoneView:
    info = device["info"] or {}
    serial = _s(device["serial"]) or "?"
    model = " ".join(x for x in (_s(info.get("manufacturer")), _s(info.get("model"))) if x)
    release, sdk = _s(info.get("android_version")), info.get("sdk")
    android = "-"
    if release or sdk is not None:
        android = f"{release or '?'} (SDK {sdk if sdk is not None else '?'})"
    severity = phone_severity(device)
    status = DeviceStatus(device["status"])
    audited = status is DeviceStatus.AUDITED
    reason = None
    if not audited:  # the status is shown above; the error line already names it, so not twice
        reason = redact_free_text(device["error"]) if device["error"] else enum_label(status, lang)
    newer = None
    if device["android_newer_than_verified"]:
        newer = html_text("newer_android", lang, release=release or "?", sdk=sdk if sdk is not None else "?",
                          verified=NEWEST_VERIFIED_RELEASE)
    return PhoneView(
        anchor=f"phone-{index + 1}",
        title=_s(info.get("model")) or serial,
        serial=serial,
        model=model or "-",
        android=android,
        severity=severity.value,
        severity_label=enum_label(severity, lang),
        status=status.value,
        status_label=enum_label(status, lang),
        audited=audited,
        reason=reason,
        newer_note=newer,
        # worst first within the phone too (sorted() is stable: equal ranks keep the scan's order)
        verdicts=tuple(_verdict(v, lang) for v in sorted(device["verdicts"], key=_verdict_order)),
        users=tuple(_user(u, lang) for u in device["users"]),
        alternatives=tuple(display_name(p) for p in device["alternatives"]),
        problems=tuple(redact_free_text(p) for p in device["problems"]),
    )


def _verdict(verdict: Json, lang: str) -> VerdictView:
    package = verdict["package"]
    app = (_s(verdict["app"]) or display_name(package)) if package else html_text("no_app", lang)
    upload, past = Upload(verdict["uploads_third_party"]), Tri(verdict["past_upload"])
    return VerdictView(
        severity=verdict["severity"],
        severity_label=enum_label(Severity(verdict["severity"]), lang),
        user=f"{verdict['user_id']} · {enum_label(UserKind(verdict['user_kind']), lang)}",
        app=app,
        package=package,
        permission=enum_label(PermissionStatus(verdict["contacts_permission"]), lang),
        uploads=upload.value,
        uploads_label=upload_label(upload, lang),
        past_upload=past.value,
        past_label=past_upload_label(past, lang),
        last_access=_s(verdict["last_contacts_access"]),
        synced=verdict["synced_contacts"],
        third_party=_third_party(verdict, lang),
        finding=_segments(_sentence(verdict["finding"], lang)),
        remediation=_segments(_sentence(verdict["remediation"], lang)),
        rule=_s(verdict["rule"]) or "-",
    )


def _third_party(verdict: Json, lang: str) -> str:
    if not verdict["counts_known"]:
        return "?"
    return (
        f"{verdict['third_party_numbers']} ({html_text('business', lang)} {verdict['business_numbers']}, "
        f"{html_text('personal', lang)} {verdict['personal_numbers']}, "
        f"{html_text('invalid', lang)} {verdict['invalid_numbers']})"
    )


def _user(user: Json, lang: str) -> UserView:
    kind = user["kind"]
    book = user["address_book"]
    counts: tuple[tuple[str, str], ...] = ()
    if book["counts_known"]:
        by_class = book["by_class"]
        counts = (
            (html_text("contacts", lang), _n(book["contacts"])),
            (html_text("distinct", lang), _n(book["distinct_numbers"])),
            (html_text("colleague", lang), _n(by_class["colleague"])),
            (html_text("business", lang), _n(by_class["business"])),
            (html_text("personal", lang), _n(by_class["personal"])),
            (html_text("invalid", lang), _n(by_class["invalid"])),
            (html_text("third_party", lang), _n(by_class["third_party"])),
        )
    name = _s(user["name"]) if kind not in _PERSONAL_KINDS else None
    return UserView(
        id=user["id"],
        kind=enum_label(UserKind(kind), lang) if kind else "?",
        name=name,
        running=_tri(user["running"], lang),
        readable=bool(book["counts_known"]),
        counts=counts,
        apps=tuple(_app(a, lang) for a in user["apps"] if a["installed"] is not False),
        problems=tuple(redact_free_text(p) for p in book["problems"]),
    )


def _app(app: Json, lang: str) -> AppView:
    read = next((op for op in app["appops"] if op["op"] == "READ_CONTACTS"), None)
    if not app["appops_known"]:
        appop = html_text("unknown", lang)
    elif read is None:
        appop = "default"
    else:
        appop = _s(read["effective_mode"] or read["mode"]) or "default"
    return AppView(
        app=_s(app["app"]) or app["package"],
        package=_s(app["package"]) or "?",
        version=_s(app["version"]) or "?",
        enabled=_tri(app["enabled"], lang),
        permission=enum_label(PermissionStatus(app["contacts_permission"]), lang),
        flags=tuple(_s(f) or "" for f in app["permission_flags"]) or ("-",),
        appop=appop,
        last_access=(_s(read["last_access"]) if read is not None else None) or "-",
    )


def _sentence(message: Json, lang: str) -> str:
    """The message in ``lang`` from its key and parameters; the saved text for an unknown key."""
    key = message["key"]
    if key not in CATALOGUE:
        return valid_unicode(message["text"])
    params = tuple((k, v if isinstance(v, int) else valid_unicode(v)) for k, v in message["params"].items())
    return render_message(Message(key, params), lang)


def _segments(sentence: str) -> tuple[Segment, ...]:
    """Commands in `backticks` become code segments; everything stays text for the escaper."""
    parts = _CODE_RE.split(sentence)
    return tuple(Segment(part, index % 2 == 1) for index, part in enumerate(parts) if part)


def _tri(value: bool | None, lang: str) -> str:
    if value is None:
        return html_text("unknown", lang)
    return html_text("yes" if value else "no", lang)


def _n(value: int | None) -> str:
    return "?" if value is None else str(value)


def _s(value: str | None) -> str | None:
    return None if value is None else valid_unicode(value)
