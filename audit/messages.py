"""Finding and remediation sentences in English and German.

Verdicts carry language-neutral ``Message`` values (a key and parameters); this module turns
them into sentences. Parameters are counts, app and package names only, never personal data.
The catalogue itself is filled by the assess stage's authors; keys are stable.
"""

from __future__ import annotations

from audit.results import Message

LANGS = ("en", "de")

# key -> {lang: template}; templates use str.format with the message's parameters.
# Counts appear after a colon or in parentheses so that every sentence reads right for 1 as for
# 49 (no plural forms needed). "{serial}" in fix commands is shell-quoted by audit.assess.
_THIRD_EN = "{third_party} ({business} business, {personal} personal, {invalid} invalid)"
_THIRD_DE = "{third_party} (davon {business} geschäftlich, {personal} privat, {invalid} nicht zuordenbar)"
_NOT_COMPLIANT_DE = "; solange das nicht geklärt ist, wird das Telefon vorsorglich als nicht konform gewertet."
_FIX_CMD = "`contact-audit fix -s {serial} --user {user} --package {package}`"

_BASE: dict[str, dict[str, str]] = {
    # ---- findings: the app can read the address book now
    "finding.reads_third_party": {
        "en": "{app} can read the address book of user {user} and uploads its numbers to WhatsApp's "
              "servers, including third parties' numbers: " + _THIRD_EN + ".",
        "de": "{app} kann das Adressbuch von Benutzer {user} lesen und lädt dessen Rufnummern zu "
              "WhatsApp hoch, darunter Rufnummern Dritter: " + _THIRD_DE + ".",
    },
    "finding.reads_colleagues_only": {
        "en": "{app} can read the address book of user {user}, but it holds only colleagues' numbers "
              "({colleague}) and no third parties' numbers. Colleagues' numbers are personal data too: "
              "uploading them needs a legal basis, usually the colleagues' consent.",
        "de": "{app} kann das Adressbuch von Benutzer {user} lesen, es enthält aber nur Rufnummern von "
              "Kolleginnen und Kollegen ({colleague}) und keine Rufnummern Dritter. Auch diese Rufnummern "
              "sind personenbezogene Daten: Ihre Übermittlung an WhatsApp braucht eine Rechtsgrundlage, "
              "in der Regel die Einwilligung der Kolleginnen und Kollegen.",
    },
    "finding.reads_empty_book": {
        "en": "{app} can read the address book of user {user}, but it holds no phone numbers.",
        "de": "{app} kann das Adressbuch von Benutzer {user} lesen, es enthält aber keine Rufnummern.",
    },
    # ---- findings: the app cannot read now, but nothing stops that from changing
    "finding.dormant.disabled": {
        "en": "{app} is disabled in user {user} and cannot read the address book now; once it is "
              "enabled again it can read and upload third parties' numbers: " + _THIRD_EN + ".",
        "de": "{app} ist für Benutzer {user} deaktiviert und kann das Adressbuch derzeit nicht lesen; "
              "sobald die App wieder aktiviert ist, kann sie Rufnummern Dritter lesen und hochladen: "
              + _THIRD_DE + ".",
    },
    "finding.dormant.appop": {
        "en": "{app} holds the Contacts permission in user {user}, but an app-op setting blocks it; "
              "Android can reset that setting, and then {app} can read and upload third parties' "
              "numbers: " + _THIRD_EN + ".",
        "de": "{app} hat für Benutzer {user} die Kontakte-Berechtigung, eine AppOps-Einstellung "
              "(Android-interne Zugriffssperre) blockiert sie jedoch; Android kann diese Einstellung zurücksetzen, und dann kann {app} "
              "Rufnummern Dritter lesen und hochladen: " + _THIRD_DE + ".",
    },
    "finding.dormant.denied": {
        "en": "{app} does not hold the Contacts permission in user {user}, but it can ask for it at any "
              "time; once allowed, it can read and upload third parties' numbers: " + _THIRD_EN + ".",
        "de": "{app} hat für Benutzer {user} keine Kontakte-Berechtigung, kann sie aber jederzeit "
              "anfordern; wird sie erteilt, kann die App Rufnummern Dritter lesen und hochladen: "
              + _THIRD_DE + ".",
    },
    "finding.dormant.auto_revoked": {
        "en": "Android removed the Contacts permission of {app} in user {user} because the app was "
              "not used for a long time; the app can ask for it again, and once it is granted, the app "
              "can read and upload third parties' numbers: " + _THIRD_EN + ".",
        "de": "Android hat {app} für Benutzer {user} die Kontakte-Berechtigung entzogen, weil die App "
              "längere Zeit nicht verwendet wurde; die App kann sie erneut anfordern, und wird sie "
              "erteilt, kann die App Rufnummern Dritter lesen und hochladen: " + _THIRD_DE + ".",
    },
    "finding.dormant_no_third_party": {
        "en": "{app} cannot read the address book of user {user} now, and it holds no third parties' "
              "numbers (colleagues: {colleague}).",
        "de": "{app} kann das Adressbuch von Benutzer {user} derzeit nicht lesen, und es enthält keine "
              "Rufnummern Dritter (Kolleginnen und Kollegen: {colleague}).",
    },
    # ---- findings: the denial is locked
    "finding.locked.policy": {
        "en": "The Contacts permission of {app} in user {user} is denied and locked by the device "
              "policy (MDM); the app cannot read the address book.",
        "de": "Die Kontakte-Berechtigung von {app} ist für Benutzer {user} verweigert und durch die "
              "MDM-Richtlinie gesperrt; die App kann das Adressbuch nicht lesen.",
    },
    "finding.locked.system": {
        "en": "The Contacts permission of {app} in user {user} is denied and locked by the system; "
              "the app cannot read the address book.",
        "de": "Die Kontakte-Berechtigung von {app} ist für Benutzer {user} verweigert und vom System "
              "gesperrt; die App kann das Adressbuch nicht lesen.",
    },
    "finding.locked.user": {
        "en": "The Contacts permission of {app} in user {user} is denied and the app may not ask for "
              "it again; the app cannot read the address book.",
        "de": "Die Kontakte-Berechtigung von {app} ist für Benutzer {user} verweigert, und die App darf "
              "sie nicht erneut anfordern; die App kann das Adressbuch nicht lesen.",
    },
    "finding.not_requested": {
        "en": "{app} does not request the Contacts permission in user {user}, so it cannot read the "
              "address book; it can receive only contacts that are picked or shared with it one by one.",
        "de": "{app} fordert für Benutzer {user} keine Kontakte-Berechtigung an und kann das Adressbuch "
              "daher nicht lesen; die App erhält nur Kontakte, die einzeln ausgewählt oder mit ihr geteilt "
              "werden.",
    },
    # Android 17+: the system Contact Picker (docs/verdicts.md, "The Contact Picker").
    "finding.not_requested.picker": {
        "en": "{app} does not request the Contacts permission in user {user}, so it cannot read the "
              "address book; it can receive only contacts the user picks one by one in Android's "
              "Contact Picker, and nothing else from the address book.",
        "de": "{app} fordert für Benutzer {user} keine Kontakte-Berechtigung an und kann das Adressbuch "
              "daher nicht lesen; die App erhält nur Kontakte, die einzeln in der Kontaktauswahl von "
              "Android (Contact Picker) ausgewählt werden, und sonst nichts aus dem Adressbuch.",
    },
    "finding.no_audited_app": {
        "en": "No audited messenger is installed in user {user}.",
        "de": "Für Benutzer {user} ist keine der zu prüfenden Apps installiert.",
    },
    # ---- findings: a needed fact is unknown (fail closed)
    "finding.unknown.users": {
        "en": "The phone's list of Android users could not be read, so its profiles (work profile, "
              "Secure Folder, app clones) could not all be checked; until they are, the phone counts as "
              "not compliant.",
        "de": "Die Liste der Android-Benutzer dieses Telefons konnte nicht gelesen werden, daher ließen "
              "sich nicht alle Profile (Arbeitsprofil, Sicherer Ordner, App-Klone) prüfen; solange das nicht "
              "geklärt ist, wird das Telefon vorsorglich als nicht konform gewertet.",
    },
    "finding.unknown.user": {
        "en": "User {user} appears in the phone's output, but its entry in the list of Android users "
              "could not be read, so its apps could not be checked; until they are, the phone counts as "
              "not compliant.",
        "de": "Benutzer {user} erscheint in der Ausgabe des Telefons, sein Eintrag in der Liste der "
              "Android-Benutzer ließ sich aber nicht lesen, daher konnten seine Apps nicht geprüft "
              "werden; solange das nicht geklärt ist, wird das Telefon vorsorglich als nicht konform "
              "gewertet.",
    },
    "finding.unknown.installed": {
        "en": "Whether {app} is installed in user {user} could not be read; until that is known, the "
              "phone counts as not compliant.",
        "de": "Ob {app} für Benutzer {user} installiert ist, ließ sich nicht feststellen"
              + _NOT_COMPLIANT_DE,
    },
    "finding.unknown.permission": {
        "en": "The Contacts permission of {app} in user {user} could not be read; until it is known, "
              "the phone counts as not compliant.",
        "de": "Die Kontakte-Berechtigung von {app} für Benutzer {user} ließ sich nicht lesen"
              + _NOT_COMPLIANT_DE,
    },
    "finding.unknown.enabled": {
        "en": "{app} holds the Contacts permission in user {user}, but whether the app is enabled could "
              "not be read; until it is known, the phone counts as not compliant.",
        "de": "{app} hat für Benutzer {user} die Kontakte-Berechtigung, es ließ sich aber nicht "
              "feststellen, ob die App aktiviert ist" + _NOT_COMPLIANT_DE,
    },
    "finding.unknown.appops": {
        "en": "{app} holds the Contacts permission in user {user}, but its app-op settings could not be "
              "read; until they are known, the phone counts as not compliant.",
        "de": "{app} hat für Benutzer {user} die Kontakte-Berechtigung, ihre AppOps-Einstellungen "
              "(Android-interne Zugriffssperre) ließen sich aber nicht lesen" + _NOT_COMPLIANT_DE,
    },
    "finding.unknown.appop_mode": {
        "en": "{app} holds the Contacts permission in user {user}, but its app-op setting for contacts "
              "is not one contact-audit knows; until it is checked, the phone counts as not compliant.",
        "de": "{app} hat für Benutzer {user} die Kontakte-Berechtigung, ihre AppOps-Einstellung für "
              "Kontakte ist contact-audit aber unbekannt" + _NOT_COMPLIANT_DE,
    },
    "finding.unknown.address_book": {
        "en": "The address book of user {user} could not be read (a locked profile?), so it is unknown "
              "whether {app} can upload third parties' numbers; until it is known, the phone counts as "
              "not compliant.",
        "de": "Das Adressbuch von Benutzer {user} ließ sich nicht auslesen (gesperrtes Profil?), daher ist "
              "unklar, ob {app} Rufnummern Dritter hochladen kann" + _NOT_COMPLIANT_DE,
    },
    # ---- remediation
    "fix.deny_lock": {
        "en": "Deny and lock the Contacts permission of {app} in user {user}: run " + _FIX_CMD + ", or on "
              "the phone open Settings > Apps > {app} > Permissions > Contacts and choose \"Don't "
              "allow\"; lock it with the device policy (MDM) so it cannot be allowed again.",
        "de": "Kontakte-Berechtigung von {app} für Benutzer {user} verweigern und sperren: " + _FIX_CMD
              + " ausführen oder auf dem Telefon Einstellungen > Apps > {app} > Berechtigungen > Kontakte "
              "> „Nicht zulassen“ wählen; per MDM-Richtlinie sperren, damit sie nicht wieder "
              "erteilt werden kann.",
    },
    "fix.preventive": {
        "en": "Nothing to do now; to stay safe when numbers are added, deny and lock the Contacts "
              "permission of {app} in user {user}: run " + _FIX_CMD + ", or on the phone open Settings > "
              "Apps > {app} > Permissions > Contacts and choose \"Don't allow\".",
        "de": "Derzeit kein Handlungsbedarf; damit es so bleibt, wenn Rufnummern hinzukommen, die "
              "Kontakte-Berechtigung von {app} für Benutzer {user} verweigern und sperren: " + _FIX_CMD
              + " ausführen oder auf dem Telefon Einstellungen > Apps > {app} > Berechtigungen > Kontakte "
              "> „Nicht zulassen“ wählen.",
    },
    "fix.none": {
        "en": "No action needed.",
        "de": "Kein Handlungsbedarf.",
    },
    "fix.none.past": {
        "en": "No action needed for the permission. Numbers {app} read before the lock have probably "
              "been uploaded to WhatsApp and cannot be recalled from here; inform the data-protection "
              "officer so they can assess it.",
        "de": "Für die Berechtigung ist nichts zu tun. Rufnummern, die {app} vor der Sperre gelesen hat, "
              "wurden wahrscheinlich an WhatsApp übermittelt und lassen sich von hier aus nicht "
              "zurückholen; die/den Datenschutzbeauftragte(n) zur Bewertung informieren.",
    },
    "fix.check_manually": {
        "en": "Unlock the phone (and any work profile or Secure Folder), keep it connected and run the "
              "audit again; or "
              "check by hand: Settings > Apps > {app} > Permissions > Contacts in user {user}.",
        "de": "Telefon (und ggf. Arbeitsprofil oder Sicheren Ordner) entsperren, verbunden lassen und die "
              "Prüfung wiederholen; "
              "oder von Hand prüfen: Einstellungen > Apps > {app} > Berechtigungen > Kontakte für "
              "Benutzer {user}.",
    },
    "fix.rerun": {
        "en": "Unlock the phone, keep it connected and run the audit again.",
        "de": "Telefon entsperren, verbunden lassen und die Prüfung wiederholen.",
    },
    # ---- --explain and the classification rules
    "explain.unknown": {
        "en": "address book could not be read: numbers unknown (counts as not compliant)",
        "de": "Adressbuch nicht lesbar: Rufnummern unbekannt (wird vorsorglich als nicht konform gewertet)",
    },
    "explain.summary": {
        "en": "contacts: {contacts}, phone entries: {rows}, distinct numbers: {distinct} "
              "(colleagues {colleague}, business {business}, personal {personal}, invalid "
              "{invalid}; third parties: {third_party})",
        "de": "Kontakte: {contacts}, Rufnummerneinträge: {rows}, verschiedene Rufnummern: {distinct} "
              "(Kolleginnen und Kollegen {colleague}, geschäftlich {business}, privat {personal}, nicht "
              "zuordenbar {invalid}; Rufnummern Dritter: {third_party})",
    },
    "explain.rule": {
        "en": "  {rule}: {count} ({what})",
        "de": "  {what}: {count} [{rule}]",
    },
    "explain.synced": {
        "en": "  contacts written by {app} itself: {count} (not part of the address book; a strong sign "
              "that {app} has matched the address book)",
        "de": "  von {app} selbst angelegte Kontakte: {count} (nicht Teil des Adressbuchs; deutlicher "
              "Hinweis darauf, dass {app} das Adressbuch abgeglichen hat)",
    },
    "rule.colleague.file": {
        "en": "listed in the colleagues file",
        "de": "in der Liste der Kolleginnen und Kollegen aufgeführt",
    },
    "rule.colleague.prefix": {
        "en": "starts with a company number prefix",
        "de": "beginnt mit einer Stammnummer des Unternehmens",
    },
    "rule.colleague.email_domain": {
        "en": "a contact with this number has an e-mail address at a company domain",
        "de": "ein Kontakt mit dieser Rufnummer hat eine E-Mail-Adresse unter einer Firmendomain",
    },
    "rule.invalid.no_region": {
        "en": "no country code, and no region known to read it in (set numbers.default_region)",
        "de": "keine Ländervorwahl und keine Region bekannt, um sie zu deuten (numbers.default_region "
              "setzen)",
    },
    "rule.invalid.unparseable": {
        "en": "not a valid phone number (emergency or short code, typo or service code)",
        "de": "keine gültige Rufnummer (Notruf- oder Kurznummer, Tippfehler oder Servicecode wie *100#)",
    },
    "rule.business.organization": {
        "en": "a contact with this number has a company name",
        "de": "ein Kontakt mit dieser Rufnummer hat einen Firmennamen",
    },
    "rule.business.email_domain": {
        "en": "a contact with this number has an e-mail address at a non-freemail domain",
        "de": "ein Kontakt mit dieser Rufnummer hat eine E-Mail-Adresse, die nicht bei einem "
              "Freemail-Anbieter liegt",
    },
    "rule.business.account_type": {
        "en": "stored in a business account (Exchange/Outlook)",
        "de": "in einem geschäftlichen Konto gespeichert (Exchange/Outlook)",
    },
    "rule.business.work_profile": {
        "en": "stored in the work profile",
        "de": "im Arbeitsprofil gespeichert",
    },
    "rule.personal.default": {
        "en": "no sign of a business contact: counted as personal",
        "de": "kein Hinweis auf einen geschäftlichen Kontakt: als privat gewertet",
    },
    # ---- why a phone was not audited (DeviceResult.reason), and hints for adb states. The
    # English text is also the ``error`` line CSV and JSON carry; {detail} and {state} are adb's
    # own words (not translatable), {what} an adb service name.
    "device.hint.unauthorized": {
        "en": "unlock the phone and accept the RSA key prompt (\"Allow USB debugging\")",
        "de": "Telefon entsperren und die Abfrage des RSA-Schlüssels bestätigen („USB-Debugging zulassen“)",
    },
    "device.hint.no_permissions": {
        "en": "the host may not open the USB device: install udev rules or run as a member of plugdev",
        "de": "dieser Rechner hat keinen Zugriff auf den USB-Anschluss des Telefons: udev-Regeln "
              "installieren oder als Mitglied der Gruppe plugdev starten",
    },
    "device.hint.offline": {
        "en": "replug the cable or reconnect (adb connect); restart USB debugging on the phone",
        "de": "Kabel neu einstecken oder neu verbinden (adb connect); USB-Debugging auf dem Telefon aus- "
              "und wieder einschalten",
    },
    "device.hint.error": {
        "en": "the phone is in a state that cannot be audited (e.g. recovery, bootloader, sideload)",
        "de": "das Telefon ist in einem Zustand, in dem es nicht geprüft werden kann (z. B. Recovery, "
              "Bootloader, Sideload)",
    },
    "device.state.error": {
        "en": "adb reports the state {state}: the phone cannot be audited in it (e.g. recovery, "
              "bootloader, sideload)",
        "de": "adb meldet den Zustand {state}: so kann das Telefon nicht geprüft werden (z. B. Recovery, "
              "Bootloader, Sideload)",
    },
    "device.timeout": {
        "en": "no answer before the deadline (phone frozen or too slow)",
        "de": "keine Antwort innerhalb der Zeitgrenze (Telefon hängt oder ist zu langsam)",
    },
    "device.timeout.abandoned": {
        "en": "no answer before the deadline (phone frozen)",
        "de": "keine Antwort innerhalb der Zeitgrenze (Telefon hängt)",
    },
    "device.gone": {
        "en": "the phone is gone (unplugged or disconnected)",
        "de": "das Telefon ist nicht mehr erreichbar (abgezogen oder getrennt)",
    },
    "device.failed": {
        "en": "{what} failed: {detail}",
        "de": "adb-Aufruf „{what}“ fehlgeschlagen: {detail}",
    },
    "device.push_failed": {
        "en": "push to the phone failed: {detail}",
        "de": "Übertragen des Prüfskripts auf das Telefon fehlgeschlagen: {detail}",
    },
    "device.output_limit": {
        "en": "the phone's output passed {limit}; not read further (phone broken or hostile)",
        "de": "die Ausgabe des Telefons überschritt {limit} und wurde nicht weiter gelesen (Telefon "
              "defekt oder manipuliert)",
    },
    "device.connect_failed": {
        "en": "adb connect {address} failed: {detail}",
        "de": "adb connect {address} fehlgeschlagen: {detail}",
    },
    "device.output.no_header": {
        "en": "the phone's output is not the collector's (no header)",
        "de": "die Ausgabe des Telefons stammt nicht vom Prüfskript (Kopfzeile fehlt)",
    },
    "device.output.cut": {
        "en": "output ended early (connection dropped or cut off)",
        "de": "die Ausgabe endete vorzeitig (Verbindung abgebrochen oder Ausgabe abgeschnitten)",
    },
    "device.output.count": {
        "en": "section count does not match the terminator",
        "de": "die Zahl der Abschnitte passt nicht zur Endmarke (Ausgabe unvollständig)",
    },
    "device.output.incomplete": {
        "en": "incomplete output",
        "de": "unvollständige Ausgabe",
    },
    "device.internal_error": {
        "en": "internal error ({kind}) while auditing this phone; please report it",
        "de": "interner Fehler ({kind}) bei der Prüfung dieses Telefons; bitte melden",
    },
    "device.worker_late": {
        "en": "no answer before the deadline (worker busy)",
        "de": "keine Antwort vor Ablauf der Frist (Hilfsprozess ausgelastet)",
    },
    "device.worker_error": {
        "en": "internal error ({kind}) in the worker process auditing this phone; please report it",
        "de": "interner Fehler ({kind}) im Hilfsprozess, der dieses Telefon prüft; bitte melden",
    },
}

# Variants: ".past" (the app read the address book before) and ".alt" (an alternative listed in
# the policy is installed on the phone) append a sentence, so each fact is written once per language.
_PAST = {
    "en": " {app} has read the address book before, so numbers have most likely been uploaded already.",
    "de": " {app} hat das Adressbuch bereits gelesen; Rufnummern wurden daher sehr wahrscheinlich "
          "schon hochgeladen.",
}
_LOCKED_PAST = {
    "en": " Before the lock, {app} read the address book; the numbers read then have most likely been "
          "uploaded.",
    "de": " Vor der Sperre hat {app} das Adressbuch gelesen; die damals gelesenen Rufnummern wurden "
          "sehr wahrscheinlich hochgeladen.",
}
_PAST_UNKNOWN = {
    "en": " Whether {app} has read the address book before could not be established, so it is judged "
          "as if it had.",
    "de": " Ob {app} das Adressbuch bereits gelesen hat, ließ sich nicht feststellen; die App wird "
          "daher so bewertet, als hätte sie es getan.",
}
_FIX_PAST = {
    "en": " Numbers {app} has already read have probably been uploaded to WhatsApp and cannot be "
          "recalled from here; inform the data-protection officer so they can assess it.",
    "de": " Rufnummern, die {app} bereits gelesen hat, wurden wahrscheinlich an WhatsApp übermittelt "
          "und lassen sich von hier aus nicht zurückholen; die/den Datenschutzbeauftragte(n) zur "
          "Bewertung informieren.",
}
_ALT = {
    "en": " An alternative listed in the policy is installed on this phone: {alternatives}.",
    "de": " Auf diesem Telefon ist eine in der Prüfrichtlinie hinterlegte Alternative installiert: "
          "{alternatives}.",
}


def _with(entry: dict[str, str], suffix: dict[str, str]) -> dict[str, str]:
    return {lang: text + suffix[lang] for lang, text in entry.items()}


def _build_catalogue() -> dict[str, dict[str, str]]:
    out = dict(_BASE)
    for key, entry in _BASE.items():
        if key.startswith("finding.dormant."):
            out[key + ".past"] = _with(entry, _PAST)
            out[key + ".past_unknown"] = _with(entry, _PAST_UNKNOWN)
        elif key.startswith("finding.locked."):
            out[key + ".past"] = _with(entry, _LOCKED_PAST)
    out["fix.deny_lock.past"] = _with(_BASE["fix.deny_lock"], _FIX_PAST)
    for key in [k for k in out if k.startswith("finding.")]:
        out[key + ".alt"] = _with(out[key], _ALT)
    return out


CATALOGUE: dict[str, dict[str, str]] = _build_catalogue()


def render(message: Message, lang: str = "en") -> str:
    """The sentence for ``message`` in ``lang`` (falls back to English, then to the key)."""
    entry = CATALOGUE.get(message.key)
    if entry is None:
        return message.key
    template = entry.get(lang) or entry.get("en") or message.key
    try:
        return template.format(**dict(message.params))
    except (KeyError, IndexError, ValueError):
        return template


# ---- remediation through the MDM (issue 12): a user its device or profile owner manages ------
# Appended as one block; the variants are built with the same suffixes as the entries above.
_MDM: dict[str, dict[str, str]] = {
    "finding.locked.policy_mdm": {
        "en": "The Contacts permission of {app} in user {user} is denied and locked by the device policy "
              "of {mdm} ({mdm_package}); the app cannot read the address book.",
        "de": "Die Kontakte-Berechtigung von {app} ist für Benutzer {user} verweigert und durch die "
              "MDM-Richtlinie von {mdm} ({mdm_package}) gesperrt; die App kann das Adressbuch nicht lesen.",
    },
    "fix.mdm.deny_lock": {
        "en": "User {user} is managed by {mdm} ({mdm_package}): in {mdm}, set the Contacts permission "
              "(android.permission.READ_CONTACTS) of {app} ({package}) to Deny in the policy of this phone; "
              "the MDM locks it, so neither the user nor an app update can allow it again "
              "(`contact-audit mdm` prints the policy).",
        "de": "Benutzer {user} wird von {mdm} ({mdm_package}) verwaltet: in {mdm} die Kontakte-Berechtigung "
              "(android.permission.READ_CONTACTS) von {app} ({package}) in der MDM-Richtlinie dieses "
              "Telefons auf „Verweigern“ setzen; das MDM sperrt sie, sodass weder die Person am Telefon noch "
              "ein App-Update sie wieder erteilen kann (`contact-audit mdm` gibt die Richtlinie aus).",
    },
    "fix.mdm.preventive": {
        "en": "Nothing to do now; to stay safe when numbers are added, deny the Contacts permission of "
              "{app} ({package}) in {mdm} ({mdm_package}), which manages user {user} "
              "(`contact-audit mdm` prints the policy).",
        "de": "Derzeit kein Handlungsbedarf; damit es so bleibt, wenn Rufnummern hinzukommen, die "
              "Kontakte-Berechtigung von {app} ({package}) in {mdm} ({mdm_package}) verweigern, das "
              "Benutzer {user} verwaltet (`contact-audit mdm` gibt die Richtlinie aus).",
    },
}


def _mdm_catalogue() -> dict[str, dict[str, str]]:
    out = dict(_MDM)
    out["finding.locked.policy_mdm.past"] = _with(_MDM["finding.locked.policy_mdm"], _LOCKED_PAST)
    out["fix.mdm.deny_lock.past"] = _with(_MDM["fix.mdm.deny_lock"], _FIX_PAST)
    for key in [k for k in out if k.startswith("finding.")]:
        out[key + ".alt"] = _with(out[key], _ALT)
    return out


CATALOGUE.update(_mdm_catalogue())


# ---- operating safely (issue 9): interrupted phones, unattached serials, the station's server --
# Appended as one block; {serial} is what the user typed after -s, {port} the adb server's port.
CATALOGUE.update({
    "device.not_attached": {
        "en": "not attached to the adb server on port {port}; `contact-audit devices` lists the phones it sees",
        "de": "am adb-Server auf Port {port} nicht angeschlossen; `contact-audit devices` zeigt die "
              "Telefone, die er erkennt",
    },
    "device.not_attached.serial": {
        "en": "phone '{serial}' is not attached to the adb server on port {port}; `contact-audit devices` "
              "lists the phones it sees",
        "de": "Telefon '{serial}' ist am adb-Server auf Port {port} nicht angeschlossen; "
              "`contact-audit devices` zeigt die Telefone, die er erkennt",
    },
    "device.interrupted.running": {
        "en": "the scan was stopped (Ctrl-C or SIGTERM) before this phone finished",
        "de": "die Prüfung wurde abgebrochen (Strg+C oder SIGTERM), bevor dieses Telefon fertig geprüft war",
    },
    "device.interrupted.waiting": {
        "en": "the scan was stopped (Ctrl-C or SIGTERM) before this phone was started",
        "de": "die Prüfung wurde abgebrochen (Strg+C oder SIGTERM), bevor die Prüfung dieses Telefons "
              "begonnen hatte",
    },
    "station.server_gone.restart": {
        "en": "the adb server on port {port} stopped answering; starting it again",
        "de": "der adb-Server auf Port {port} antwortet nicht mehr; er wird neu gestartet",
    },
    "station.server_gone.wait": {
        "en": "the adb server on port {port} stopped answering; waiting for it to come back (it is not "
              "the station's to restart: `adb start-server` starts it)",
        "de": "der adb-Server auf Port {port} antwortet nicht mehr; der Prüfplatz wartet, bis er wieder "
              "antwortet (er hat ihn nicht gestartet und startet ihn daher nicht neu: "
              "`adb start-server` startet ihn)",
    },
    "station.server_back": {
        "en": "the adb server on port {port} answers again; phones audited before are not audited again "
              "while they stay attached",
        "de": "der adb-Server auf Port {port} antwortet wieder; bereits geprüfte Telefone werden nicht "
              "erneut geprüft, solange sie angeschlossen bleiben",
    },
})
