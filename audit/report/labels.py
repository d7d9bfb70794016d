"""Words the table shows, in every language the reports support.

CSV and JSON keep the English enum values (they are data with a documented schema); only the
table, which people read, translates them. A missing German word falls back to the English one
rather than failing a report.
"""

from __future__ import annotations

from enum import Enum

from audit.errors import UsageError
from audit.messages import LANGS
from audit.results import DeviceStatus, Severity
from audit.snapshot import PermissionStatus, UserKind

HEADERS: dict[str, dict[str, str]] = {
    "severity": {"en": "Severity", "de": "Risiko"},
    "phone": {"en": "Phone", "de": "Telefon"},
    "user": {"en": "User", "de": "Benutzer"},
    "app": {"en": "App", "de": "App"},
    "permission": {"en": "Permission", "de": "Berechtigung"},
    "third_party": {"en": "Third-party\nnumbers", "de": "Fremd-\nnummern"},
    "finding": {"en": "Finding", "de": "Befund"},
}

ENUMS: dict[Enum, dict[str, str]] = {
    Severity.CRITICAL: {"en": "critical", "de": "kritisch"},
    Severity.HIGH: {"en": "high", "de": "hoch"},
    Severity.MEDIUM: {"en": "medium", "de": "mittel"},
    Severity.LOW: {"en": "low", "de": "niedrig"},
    Severity.OK: {"en": "ok", "de": "ok"},
    Severity.UNKNOWN: {"en": "unknown", "de": "unbekannt"},
    DeviceStatus.AUDITED: {"en": "audited", "de": "geprüft"},
    DeviceStatus.UNAUTHORIZED: {"en": "unauthorized", "de": "nicht autorisiert"},
    DeviceStatus.OFFLINE: {"en": "offline", "de": "offline"},
    DeviceStatus.NO_PERMISSIONS: {"en": "no permissions", "de": "keine Berechtigung"},
    DeviceStatus.TIMEOUT: {"en": "timeout", "de": "Zeitüberschreitung"},
    DeviceStatus.ERROR: {"en": "error", "de": "Fehler"},
    DeviceStatus.INTERRUPTED: {"en": "interrupted", "de": "abgebrochen"},
    DeviceStatus.NOT_ATTACHED: {"en": "not attached", "de": "nicht angeschlossen"},
    UserKind.OWNER: {"en": "owner", "de": "Hauptnutzer"},
    UserKind.WORK_PROFILE: {"en": "work profile", "de": "Arbeitsprofil"},
    UserKind.SECURE_FOLDER: {"en": "secure folder", "de": "Sicherer Ordner"},
    UserKind.CLONE: {"en": "clone", "de": "Klon"},
    UserKind.SECONDARY: {"en": "secondary", "de": "weiterer Nutzer"},
    UserKind.GUEST: {"en": "guest", "de": "Gast"},
    UserKind.OTHER: {"en": "other", "de": "sonstiger"},
    PermissionStatus.GRANTED: {"en": "granted", "de": "erteilt"},
    PermissionStatus.DENIED: {"en": "denied", "de": "verweigert"},
    PermissionStatus.INSTALL_TIME: {"en": "install-time", "de": "bei Installation"},
    PermissionStatus.NOT_REQUESTED: {"en": "not requested", "de": "nicht angefragt"},
    PermissionStatus.UNKNOWN: {"en": "unknown", "de": "unbekannt"},
}

TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "en": "contact-audit {version}: scan {scan_id} at {station}, {scanned_at}",
        "de": "contact-audit {version}: Scan {scan_id} auf {station}, {scanned_at}",
    },
    "policy": {"en": "Policy: {name} (sha256 {sha})", "de": "Richtlinie: {name} (sha256 {sha})"},
    "no_policy": {"en": "Policy: none", "de": "Richtlinie: keine"},
    "no_app": {"en": "(none)", "de": "(keine)"},
    "not_audited": {"en": "Not audited ({status})", "de": "Nicht geprüft ({status})"},
    "no_verdicts": {
        "en": "Audited, but no verdict was produced for this phone.",
        "de": "Geprüft, aber für dieses Telefon liegt keine Bewertung vor.",
    },
    "no_phones": {"en": "No phones were scanned.", "de": "Es wurden keine Telefone geprüft."},
    "phones": {
        "en": "Phones: {phones} seen, {audited} audited, {not_audited} not audited",
        "de": "Telefone: {phones} gesehen, {audited} geprüft, {not_audited} nicht geprüft",
    },
    "verdicts": {"en": "Verdicts: {count}", "de": "Bewertungen: {count}"},
    "exposed": {
        "en": "Distinct third-party numbers WhatsApp can upload, across the fleet: {count}",
        "de": "Verschiedene Fremdnummern, die WhatsApp hochladen kann, über alle Telefone: {count}",
    },
    "exposed_lower_bound": {
        "en": "at least {count} (some address books could not be read)",
        "de": "mindestens {count} (einige Adressbücher waren nicht lesbar)",
    },
    "newer_android": {
        "en": "Note: {phone} runs Android {release} (SDK {sdk}), newer than the releases contact-audit "
              "has been checked against (up to Android {verified}, SDK {verified_sdk}). It was audited as "
              "usual and anything unreadable counts as not compliant; update contact-audit.",
        "de": "Hinweis: {phone} läuft mit Android {release} (SDK {sdk}), einer neueren Version als die, "
              "gegen die contact-audit geprüft wurde (bis Android {verified}, SDK {verified_sdk}). Es wurde "
              "wie gewohnt geprüft, und was nicht gelesen werden konnte, wird vorsorglich als nicht konform "
              "gewertet; bitte contact-audit aktualisieren.",
    },
    "interrupted": {
        "en": "The scan was interrupted: phones may be missing from this report.",
        "de": "Der Scan wurde abgebrochen: Telefone können in diesem Bericht fehlen.",
    },
}


def check_lang(lang: str) -> None:
    """Reject a language the catalogue does not have, in one line (it is user input)."""
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang[:20]!r}; choose one of {', '.join(LANGS)}")


def header(key: str, lang: str) -> str:
    entry = HEADERS[key]
    return entry.get(lang) or entry["en"]


def enum_label(value: Enum, lang: str) -> str:
    entry = ENUMS.get(value)
    if entry is None:
        return str(value.value)
    return entry.get(lang) or entry["en"]


def text(key: str, lang: str, **params: str | int) -> str:
    entry = TEXTS[key]
    return (entry.get(lang) or entry["en"]).format(**params)
