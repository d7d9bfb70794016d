"""Words people read, in every language the reports support: the table's headers and enum
labels, summary sentences, and the CLI's own lines (progress, station, devices, fix).

CSV and JSON keep the English enum values (they are data with a documented schema); only human
formats translate them. Sentences about verdicts and about phones that could not be audited
live in ``audit/messages.py``; ``device_reason`` and ``human_time`` give every human format the
same wording and dates. Every entry has English and German with the same placeholders
(``tests/test_i18n.py``); a missing German word would fall back to the English one rather than
failing a report.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from audit.errors import UsageError
from audit.messages import LANGS
from audit.messages import render as render_message
from audit.report.text import redact_free_text
from audit.results import DeviceResult, DeviceStatus, NumberClass, Severity
from audit.snapshot import PermissionStatus, UserKind

HEADERS: dict[str, dict[str, str]] = {
    "severity": {"en": "Severity", "de": "Schweregrad"},
    "phone": {"en": "Phone", "de": "Telefon"},
    "user": {"en": "User", "de": "Benutzer"},
    "app": {"en": "App", "de": "App"},
    "permission": {"en": "Contacts permission", "de": "Kontakte-Berechtigung"},
    "third_party": {"en": "Third-party numbers", "de": "Rufnummern Dritter"},
    "finding": {"en": "Finding", "de": "Befund"},
    # `contact-audit devices`
    "serial": {"en": "serial", "de": "Seriennummer"},
    "state": {"en": "state", "de": "Zustand"},
    "model": {"en": "model", "de": "Modell"},
    "hint": {"en": "hint", "de": "Hinweis"},
}

ENUMS: dict[Enum, dict[str, str]] = {
    Severity.CRITICAL: {"en": "critical", "de": "kritisch"},
    Severity.HIGH: {"en": "high", "de": "hoch"},
    Severity.MEDIUM: {"en": "medium", "de": "mittel"},
    Severity.LOW: {"en": "low", "de": "niedrig"},
    Severity.OK: {"en": "ok", "de": "OK"},
    Severity.UNKNOWN: {"en": "unknown", "de": "unbekannt"},
    DeviceStatus.AUDITED: {"en": "audited", "de": "geprüft"},
    DeviceStatus.UNAUTHORIZED: {"en": "unauthorized", "de": "nicht autorisiert"},
    DeviceStatus.OFFLINE: {"en": "offline", "de": "offline"},
    DeviceStatus.NO_PERMISSIONS: {"en": "no permissions", "de": "kein USB-Zugriff"},
    DeviceStatus.TIMEOUT: {"en": "timeout", "de": "Zeitüberschreitung"},
    DeviceStatus.ERROR: {"en": "error", "de": "Fehler"},
    DeviceStatus.INTERRUPTED: {"en": "interrupted", "de": "abgebrochen"},
    DeviceStatus.NOT_ATTACHED: {"en": "not attached", "de": "nicht angeschlossen"},
    UserKind.OWNER: {"en": "owner", "de": "Hauptbenutzer"},
    UserKind.WORK_PROFILE: {"en": "work profile", "de": "Arbeitsprofil"},
    UserKind.SECURE_FOLDER: {"en": "secure folder", "de": "Sicherer Ordner"},
    UserKind.CLONE: {"en": "clone", "de": "App-Klon"},
    UserKind.SECONDARY: {"en": "secondary", "de": "weiterer Benutzer"},
    UserKind.GUEST: {"en": "guest", "de": "Gast"},
    UserKind.OTHER: {"en": "other", "de": "sonstiges Profil"},
    PermissionStatus.GRANTED: {"en": "granted", "de": "erteilt"},
    PermissionStatus.DENIED: {"en": "denied", "de": "verweigert"},
    PermissionStatus.INSTALL_TIME: {"en": "install-time", "de": "autom. erteilt"},
    PermissionStatus.NOT_REQUESTED: {"en": "not requested", "de": "nicht angefordert"},
    PermissionStatus.UNKNOWN: {"en": "unknown", "de": "unbekannt"},
    NumberClass.COLLEAGUE: {"en": "colleagues", "de": "Kolleginnen und Kollegen"},
    NumberClass.BUSINESS: {"en": "business", "de": "geschäftlich"},
    NumberClass.PERSONAL: {"en": "personal", "de": "privat"},
    NumberClass.INVALID: {"en": "invalid", "de": "nicht zuordenbar"},
}

TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "en": "contact-audit {version}: audit {scan_id} at {station}, {scanned_at}",
        "de": "contact-audit {version}: Prüfung {scan_id} auf {station}, {scanned_at}",
    },
    "policy": {"en": "Policy: {name} (sha256 {sha})", "de": "Prüfrichtlinie: {name} (sha256 {sha})"},
    "no_policy": {"en": "Policy: none", "de": "Prüfrichtlinie: keine"},
    "no_app": {"en": "(none)", "de": "(keine)"},
    "not_audited": {"en": "Not audited ({status})", "de": "Nicht geprüft ({status})"},
    "no_verdicts": {
        "en": "Audited, but no verdict was produced for this phone.",
        "de": "Geprüft, aber für dieses Telefon liegt keine Bewertung vor.",
    },
    "no_phones": {"en": "No phones were scanned.", "de": "Es wurden keine Telefone geprüft."},
    "phones": {
        "en": "Phones: {phones} seen, {audited} audited, {not_audited} not audited",
        "de": "Telefone: {phones} erkannt, {audited} geprüft, {not_audited} nicht geprüft",
    },
    "verdicts": {"en": "Verdicts: {count}", "de": "Bewertungen: {count}"},
    "exposed": {
        "en": "Distinct third-party numbers WhatsApp can upload, across the fleet: {count}",
        "de": "Verschiedene Rufnummern Dritter, die WhatsApp hochladen kann, über alle Telefone: {count}",
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
        "en": "The scan was interrupted: phones that did not finish are listed as not audited "
              "(interrupted); this is not a complete audit.",
        "de": "Die Prüfung wurde abgebrochen: Telefone, deren Prüfung nicht abgeschlossen war, sind als "
              "nicht geprüft (abgebrochen) aufgeführt; dies ist keine vollständige Prüfung.",
    },
    # ---- the table's phone groups and verdict cells
    "phone_heading": {
        "en": "{phone}{android}: worst {worst}",
        "de": "{phone}{android}: höchster Schweregrad {worst}",
    },
    "not_audited_heading": {
        "en": "Not audited: {count}",
        "de": "Nicht geprüft: {count}",
    },
    "numbers_line": {
        "en": "Third-party numbers: {count} ({breakdown})",
        "de": "Rufnummern Dritter: {count} (davon {breakdown})",
    },
    "numbers_unknown": {
        "en": "Third-party numbers: unknown (the address book could not be read)",
        "de": "Rufnummern Dritter: unbekannt (das Adressbuch war nicht lesbar)",
    },
    "remediation": {"en": "Remediation: {text}", "de": "Maßnahme: {text}"},
    "command_below": {"en": "the command below", "de": "den Befehl unten"},
    "facts_line": {
        "en": "User {user} ({kind}) · {app} · Contacts permission: {permission}",
        "de": "Benutzer {user} ({kind}) · {app} · Kontakte-Berechtigung: {permission}",
    },
    # ---- CLI lines on stderr (scan and demo progress) and stdout (station, devices)
    "progress_attached": {"en": "{count} phone(s) attached", "de": "Angeschlossene Telefone: {count}"},
    "progress_audited": {
        "en": "worst {worst}, {count} verdict(s), {seconds}s",
        "de": "höchster Schweregrad {worst}, Bewertungen: {count}, {seconds} s",
    },
    "progress_none": {
        "en": "no phone is attached to this adb server: nothing was audited (plug one in with USB "
              "debugging on, or `adb connect HOST:PORT`)",
        "de": "an diesem adb-Server ist kein Telefon angeschlossen: nichts wurde geprüft (ein Telefon mit "
              "eingeschaltetem USB-Debugging anschließen oder `adb connect HOST:PORT`)",
    },
    "progress_interrupted": {
        "en": "interrupted: phones that did not finish are in the report as 'interrupted'",
        "de": "abgebrochen: Telefone, deren Prüfung nicht abgeschlossen war, stehen im Bericht als "
              "„abgebrochen“ (interrupted)",
    },
    "progress_history": {"en": "recorded in the history: {path}", "de": "im Verlauf gespeichert: {path}"},
    "progress_written": {"en": "report written to {path}", "de": "Bericht geschrieben: {path}"},
    "explain_prefix": {"en": "{serial} user {user}: {line}", "de": "{serial} Benutzer {user}: {line}"},
    "demo_starting": {
        "en": "starting a private adb server and {count} simulated phones...",
        "de": "ein eigener adb-Server und simulierte Telefone werden gestartet: {count} ...",
    },
    "demo_finished": {
        "en": "demo finished; the simulated phones and the private adb server are stopped",
        "de": "Demo beendet; die simulierten Telefone und der eigene adb-Server sind gestoppt",
    },
    "station_ready": {
        "en": "station ready: plug in phones (USB debugging on); Ctrl-C to stop",
        "de": "Prüfplatz bereit: Telefone anschließen (USB-Debugging eingeschaltet); Strg+C beendet",
    },
    "station_auditing": {"en": "auditing {serial}...", "de": "prüfe {serial} ..."},
    "station_stopped": {
        "en": "station stopped: {audited} audit(s) done, {results} result(s){where}",
        "de": "Prüfplatz beendet: Prüfungen: {audited}, Ergebnisse: {results}{where}",
    },
    "station_history": {"en": "; history: {path}", "de": "; Verlauf: {path}"},
    "station_unrecorded": {
        "en": " ({count} result(s) could not be recorded)",
        "de": " ({count} Ergebnis(se) nicht im Verlauf gespeichert)",
    },
    # `contact-audit fix`
    "fix_now": {"en": "now", "de": "jetzt"},
    "fix_after": {"en": "after", "de": "danach"},
    "fix_nothing": {
        "en": "nothing to do: the permission is already denied and locked",
        "de": "nichts zu tun: die Kontakte-Berechtigung ist bereits verweigert und gesperrt",
    },
    "fix_would_run": {"en": "would run", "de": "würde ausführen"},
    "fix_plan": {"en": "plan", "de": "Plan"},
    "fix_step_deny": {"en": "deny the Contacts permission", "de": "Kontakte-Berechtigung verweigern"},
    "fix_step_lock": {
        "en": "lock the denial (the app may not ask again)",
        "de": "die Verweigerung sperren (die App darf nicht erneut anfordern)",
    },
    "fix_step_appop": {
        "en": "block the app-op as well",
        "de": "zusätzlich die AppOps-Einstellung (Android-interne Zugriffssperre) setzen",
    },
    "fix_old_android": {
        "en": "note: Android < 12 cannot lock the denial from the shell; lock it with the device policy (MDM), "
              "or choose \"Don't allow\" on the phone when the app asks",
        "de": "Hinweis: Unter Android < 12 lässt sich die Verweigerung nicht per Shell sperren; per "
              "MDM-Richtlinie sperren oder auf dem Telefon „Nicht zulassen“ wählen, wenn die App fragt",
    },
    "fix_confirm": {
        "en": "Change {package} in user {user} on this phone?",
        "de": "{package} für Benutzer {user} auf diesem Telefon ändern?",
    },
    "fix_rc_ok": {"en": "ok", "de": "OK"},
    "fix_rc_none": {"en": "no exit status", "de": "kein Exit-Status"},
    "fix_rc": {"en": "exit {rc}", "de": "Exit-Status {rc}"},
    "fix_locked": {
        "en": "the permission is denied and locked",
        "de": "die Kontakte-Berechtigung ist verweigert und gesperrt",
    },
    "fix_denied": {
        "en": "the permission is denied but not locked: the app can ask again; lock it with the device policy",
        "de": "die Kontakte-Berechtigung ist verweigert, aber nicht gesperrt: die App kann sie erneut "
              "anfordern; per MDM-Richtlinie sperren",
    },
    "fix_not_denied": {
        "en": "the permission is NOT denied: check the phone by hand",
        "de": "die Kontakte-Berechtigung ist NICHT verweigert: das Telefon von Hand prüfen",
    },
    "devices_none": {
        "en": "No phones attached. Plug one in (USB debugging on) or `adb connect HOST:PORT`.",
        "de": "Kein Telefon angeschlossen. Ein Telefon mit eingeschaltetem USB-Debugging anschließen oder "
              "`adb connect HOST:PORT`.",
    },
}


def human_time(iso: str, lang: str) -> str:
    """``2026-11-30T10:23:09Z`` as people write it: ``30.11.2026 10:23:09 UTC`` in German (what a
    DPO expects in a document), ``2026-11-30 10:23:09 UTC`` in English; anything else unchanged."""
    try:
        when = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        return iso
    return when.strftime("%d.%m.%Y %H:%M:%S UTC" if lang == "de" else "%Y-%m-%d %H:%M:%S UTC")


def device_reason(device: DeviceResult, lang: str) -> str:
    """Why ``device`` was not audited, in ``lang`` when the reason is one of the tool's own
    (``DeviceResult.reason``), else the recorded English line. Raw text: each format makes it
    safe its own way (``terminal_text`` for the table, escaping for HTML)."""
    if device.reason is not None:
        return render_message(device.reason, lang)
    # the line is the tool's, but may quote what a phone or adb printed: masked like problem notes
    return redact_free_text(device.error) if device.error else ""


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


# ---- who manages each phone (issue 12); appended as one block ---------------------------------
TEXTS.update({
    "mdm_summary": {
        "en": "Phones managed by an MDM: {managed}, not managed: {unmanaged}, unknown: {unknown}; "
              "findings an MDM policy would close: {closable}",
        "de": "Telefone mit MDM: {managed}, ohne MDM: {unmanaged}, unbekannt: {unknown}; "
              "Befunde, die eine MDM-Richtlinie beheben würde: {closable}",
    },
    "mdm_phone_unknown": {
        "en": "{phone}: MDM unknown (the device policy could not be read whole)",
        "de": "{phone}: MDM unbekannt (die Geräteverwaltung ließ sich nicht vollständig auslesen)",
    },
    "mdm_phones_none": {
        "en": "Not managed by an MDM: {phones}",
        "de": "Von keinem MDM verwaltet: {phones}",
    },
    "mdm_phone_managed": {"en": "{phone}: managed: {users}", "de": "{phone}: verwaltet: {users}"},
    "mdm_user": {
        "en": "user {user} by {mdm} ({package}, {role})",
        "de": "Benutzer {user} durch {mdm} ({package}, {role})",
    },
    "mdm_role.device_owner": {"en": "device owner", "de": "Geräteinhaber"},
    "mdm_role.profile_owner": {"en": "profile owner", "de": "Profilinhaber"},
})


# ---- operating safely (issue 9): signals, the station's adb server, devices; one block -----------
TEXTS.update({
    "signal_stopping": {  # the 2 s are audit.scan.STOP_GRACE_S
        "en": "contact-audit: stopping: phones still running get up to 2 s, then are reported as "
              "interrupted; press Ctrl-C again to quit at once",
        "de": "contact-audit: wird beendet: laufende Prüfungen erhalten noch bis zu 2 s und werden dann "
              "als abgebrochen gemeldet; erneut Strg+C drücken, um sofort zu beenden",
    },
    "signal_again": {
        "en": "contact-audit: interrupted again: quitting at once",
        "de": "contact-audit: erneut abgebrochen: sofortiges Ende",
    },
    "station_started_server": {
        "en": "started an adb server on port {port}; it keeps running after the station "
              "(`adb kill-server` stops it)",
        "de": "ein adb-Server wurde auf Port {port} gestartet; er läuft nach dem Prüfplatz weiter "
              "(`adb kill-server` beendet ihn)",
    },
    "station_notice": {"en": "station: {text}", "de": "Prüfplatz: {text}"},
    "devices_ready": {"en": "ready to audit", "de": "bereit zur Prüfung"},
    "devices_started_server": {
        "en": "no adb server was running on port {port}: started one; it keeps running in the "
              "background (`adb -P {port} kill-server` stops it)",
        "de": "auf Port {port} lief kein adb-Server: einer wurde gestartet; er läuft im Hintergrund "
              "weiter (`adb -P {port} kill-server` beendet ihn)",
    },
})
