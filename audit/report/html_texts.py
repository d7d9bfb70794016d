"""Words only the HTML report uses, in English and German.

The HTML report is read by a data-protection officer (DPO), not typed at by an administrator:
it explains what a verdict means and why it matters, which no other format does. Its words live
here so that the shared catalogues (``audit/messages.py``, ``audit/report/labels.py``) keep to
what every format shares. German follows the project's glossary (Rufnummern Dritter,
übermitteln, Prüfrichtlinie, Bewertung/Befund/Maßnahme, Schweregrad). Sentences may hold
``{name}`` placeholders; values are filled in by Jinja, which escapes them.
"""

from __future__ import annotations

from audit.results import Severity, Tri, Upload

TEXTS: dict[str, dict[str, str]] = {
    "doc_title": {
        "en": "contact-audit report: can WhatsApp upload third parties' phone numbers?",
        "de": "Prüfbericht contact-audit: Kann WhatsApp Rufnummern Dritter übermitteln?",
    },
    "heading": {
        "en": "Can WhatsApp upload third parties' phone numbers from these phones?",
        "de": "Kann WhatsApp von diesen Telefonen Rufnummern Dritter übermitteln?",
    },
    "scanned_at": {"en": "Scan time", "de": "Zeitpunkt der Prüfung"},
    "station": {"en": "Station", "de": "Prüfplatz"},
    "policy": {"en": "Policy", "de": "Prüfrichtlinie"},
    "policy_hash": {"en": "Policy SHA-256", "de": "SHA-256 der Prüfrichtlinie"},
    "no_policy": {"en": "none (built-in defaults)", "de": "keine (eingebaute Standardwerte)"},
    "scan_id": {"en": "Scan ID", "de": "Prüfungs-ID"},
    "tool": {"en": "Tool", "de": "Programmversion"},
    "summary": {"en": "Fleet summary", "de": "Übersicht"},
    "phones_seen": {"en": "Phones seen", "de": "Erkannte Telefone"},
    "audited": {"en": "Audited", "de": "Geprüft"},
    "not_audited": {"en": "Not audited", "de": "Nicht geprüft"},
    "not_audited_reasons": {"en": "Not audited, by reason", "de": "Nicht geprüft, nach Grund"},
    "none": {"en": "none", "de": "keine"},
    "meaning_col": {"en": "Meaning", "de": "Bedeutung"},
    "count_phones": {"en": "Phones", "de": "Telefone"},
    "worst": {"en": "Worst severity", "de": "Höchster Schweregrad"},
    "phones_exposing": {
        "en": "Phones on which an app can upload third parties' numbers",
        "de": "Telefone, auf denen eine App Rufnummern Dritter übermitteln kann",
    },
    "exposed": {
        "en": "Distinct third-party numbers exposed (counted once across the fleet)",
        "de": "Verschiedene Rufnummern Dritter, die übermittelt werden können (über alle Telefone je einmal gezählt)",
    },
    "exposed_lower_bound": {
        "en": "at least {count}: some address books could not be read",
        "de": "mindestens {count}: einige Adressbücher waren nicht lesbar",
    },
    "chart_title": {"en": "Verdicts by severity", "de": "Bewertungen nach Schweregrad"},
    "chart_desc": {
        "en": "{total} verdicts over all phones, by severity",
        "de": "{total} Bewertungen über alle Telefone, nach Schweregrad",
    },
    "phones": {"en": "Phones, worst first", "de": "Telefone, schwerster Befund zuerst"},
    "no_phones": {"en": "No phones were seen in this scan.", "de": "Bei dieser Prüfung wurde kein Telefon erkannt."},
    "serial": {"en": "Serial", "de": "Seriennummer"},
    "model": {"en": "Model", "de": "Modell"},
    "android": {"en": "Android", "de": "Android"},
    "status": {"en": "Status", "de": "Status"},
    "severity": {"en": "Severity", "de": "Schweregrad"},
    "reason": {"en": "Reason", "de": "Grund"},
    "not_audited_phone": {
        "en": "This phone could not be audited. Uncertain means not compliant: it counts as unknown until "
              "it is audited.",
        "de": "Dieses Telefon konnte nicht geprüft werden; solange das nicht geklärt ist, wird das Telefon "
              "vorsorglich als nicht konform gewertet.",
    },
    "no_verdicts": {
        "en": "Audited, but no verdict was produced for this phone; it counts as unknown.",
        "de": "Geprüft, aber für dieses Telefon liegt keine Bewertung vor; es wird vorsorglich als nicht "
              "konform gewertet.",
    },
    "verdicts": {"en": "Verdicts", "de": "Bewertungen"},
    "user": {"en": "User", "de": "Benutzer"},
    "app": {"en": "App", "de": "App"},
    "no_app": {"en": "no audited app", "de": "keine der zu prüfenden Apps"},
    "uploads": {"en": "Can upload third parties' numbers", "de": "Kann Rufnummern Dritter übermitteln"},
    "past_upload": {"en": "Evidence of past upload", "de": "Hinweise auf frühere Übermittlung"},
    "last_access": {"en": "last contacts access (UTC)", "de": "letzter Kontaktzugriff (UTC)"},
    "synced": {"en": "contacts the app synced itself", "de": "von der App selbst synchronisierte Kontakte"},
    "finding": {"en": "Finding", "de": "Befund"},
    "remediation": {"en": "Remediation", "de": "Maßnahme"},
    "rule": {"en": "rule", "de": "Regel"},
    "users": {"en": "Users and address books", "de": "Benutzer und Adressbücher"},
    "kind": {"en": "Kind", "de": "Art"},
    "running": {"en": "running", "de": "aktiv"},
    "contacts": {"en": "Contacts", "de": "Kontakte"},
    "distinct": {"en": "Distinct numbers", "de": "Verschiedene Rufnummern"},
    "colleague": {"en": "Colleagues", "de": "Kolleginnen und Kollegen"},
    "business": {"en": "Business", "de": "Geschäftlich"},
    "personal": {"en": "Personal", "de": "Privat"},
    "invalid": {"en": "Not attributable", "de": "Nicht zuordenbar"},
    "third_party": {"en": "Third parties", "de": "Rufnummern Dritter"},
    # column heads of the users table: soft hyphens (U+00AD) let long German words break there
    "col_distinct": {"en": "Distinct numbers", "de": "Verschie\u00addene Ruf\u00adnummern"},
    "col_colleague": {"en": "Colleagues", "de": "Kolle\u00adginnen und Kolle\u00adgen"},
    "col_business": {"en": "Business", "de": "Geschäft\u00adlich"},
    "col_personal": {"en": "Personal", "de": "Privat"},
    "col_invalid": {"en": "Not attributable", "de": "Nicht zuorden\u00adbar"},
    "col_third_party": {"en": "Third parties", "de": "Ruf\u00adnummern Dritter"},
    "unreadable": {"en": "address book not readable", "de": "Adressbuch nicht lesbar"},
    "apps": {"en": "Apps", "de": "Apps"},
    "version": {"en": "Version", "de": "Version"},
    "enabled": {"en": "Enabled", "de": "Aktiviert"},
    "permission": {"en": "Contacts permission", "de": "Kontakte-Berechtigung"},
    "flags": {"en": "Permission flags", "de": "Berechtigungs-Flags"},
    "appop": {"en": "App-op for contacts", "de": "AppOps-Einstellung Kontakte"},
    "no_apps": {"en": "No audited or alternative app in this user.", "de": "Keine zu prüfende oder alternative App bei diesem Benutzer."},
    "alternatives": {
        "en": "Alternatives listed in the policy and installed on this phone",
        "de": "In der Prüfrichtlinie hinterlegte Alternativen, die auf diesem Telefon installiert sind",
    },
    # the notes themselves are the parser's technical English, as in every format
    "problems": {"en": "What could not be read", "de": "Was nicht gelesen werden konnte (technische Hinweise, englisch)"},
    "yes": {"en": "yes", "de": "ja"},
    "no": {"en": "no", "de": "nein"},
    "unknown": {"en": "unknown", "de": "unbekannt"},
    "meaning": {"en": "What the verdicts mean", "de": "Was die Bewertungen bedeuten"},
    "meaning_intro": {
        "en": "For every phone, every Android user or profile on it (owner, work profile, Secure Folder, "
              "clones) and every audited app installed there, contact-audit answers one question: can this "
              "app upload the phone numbers of third parties from that user's address book? Colleagues named "
              "in the policy are not third parties; every other number is (business, personal, or not "
              "attributable to anyone).",
        "de": "Für jedes Telefon, jeden Android-Benutzer bzw. jedes Profil darauf (Hauptbenutzer, "
              "Arbeitsprofil, Sicherer Ordner, App-Klone) und jede dort installierte zu prüfende App "
              "beantwortet contact-audit eine Frage: Kann diese App Rufnummern Dritter aus dem Adressbuch "
              "dieses Benutzers übermitteln? Kolleginnen und Kollegen laut Prüfrichtlinie gelten nicht als "
              "Dritte; jede andere Rufnummer schon (geschäftlich, privat oder nicht zuordenbar).",
    },
    "why": {"en": "Why it matters", "de": "Warum das wichtig ist"},
    "why_1": {
        "en": "A phone number that relates to an identifiable person is personal data (Art. 4(1) GDPR). "
              "WhatsApp regularly uploads every number in the address book it may read, not only those of "
              "WhatsApp users. Such an upload is processing that needs a legal basis (Art. 6 GDPR); the "
              "people in a company phone's address book have usually neither consented nor been asked. "
              "Colleagues' numbers are personal data too: uploading them needs a legal basis as well, "
              "usually their consent.",
        "de": "Eine Rufnummer, die sich auf eine identifizierbare Person bezieht, ist ein personenbezogenes "
              "Datum (Art. 4 Nr. 1 DSGVO). WhatsApp übermittelt regelmäßig jede Rufnummer aus dem Adressbuch, "
              "das die App lesen darf, nicht nur die von WhatsApp-Nutzern. Diese Übermittlung ist eine "
              "Verarbeitung, die eine Rechtsgrundlage braucht (Art. 6 DSGVO); die Personen im Adressbuch "
              "eines Firmentelefons haben in der Regel weder eingewilligt noch wurden sie gefragt. Auch die "
              "Rufnummern von Kolleginnen und Kollegen sind personenbezogene Daten: Ihre Übermittlung braucht "
              "ebenfalls eine Rechtsgrundlage, in der Regel ihre Einwilligung.",
    },
    "why_2": {
        "en": "Where personal data are not obtained from the person they relate to, that person must be "
              "informed (Art. 14 GDPR). The third parties whose numbers leave a company phone are not.",
        "de": "Werden personenbezogene Daten nicht bei der betroffenen Person erhoben, ist sie zu "
              "informieren (Art. 14 DSGVO). Die Dritten, deren Rufnummern ein Firmentelefon verlassen, "
              "werden es nicht.",
    },
    "why_3": {
        "en": "On 2 September 2021 the Irish Data Protection Commission fined WhatsApp Ireland EUR 225 "
              "million for breaches of its transparency duties, including towards non-users whose numbers "
              "it receives from users' address books. The decision holds that non-users' numbers remain "
              "personal data after WhatsApp's \u201clossy hashing\u201d procedure: hashing does not make "
              "them anonymous.",
        "de": "Am 2. September 2021 verhängte die irische Datenschutzbehörde (Data Protection Commission) "
              "gegen WhatsApp Ireland ein Bußgeld von 225 Millionen Euro wegen Verstößen gegen die "
              "Transparenzpflichten, auch gegenüber Nicht-Nutzern, deren Rufnummern WhatsApp aus den "
              "Adressbüchern der WhatsApp-Nutzer erhält. Nach der Entscheidung bleiben die Rufnummern von "
              "Nicht-Nutzern auch nach dem \u201eLossy Hashing\u201c-Verfahren von WhatsApp "
              "personenbezogene Daten: Das Hashing macht sie nicht anonym.",
    },
    "why_4": {
        "en": "This report states technical facts read from the phones; it is not legal advice. "
              "Uncertain means not compliant: a fact the tool could not establish is reported as unknown, "
              "never as ok.",
        "de": "Dieser Bericht hält technische Tatsachen fest, die von den Telefonen gelesen wurden; er ist "
              "keine Rechtsberatung. Was contact-audit nicht feststellen kann, wird als unbekannt "
              "ausgewiesen und vorsorglich als nicht konform gewertet, nie als OK.",
    },
    "uploads_meaning": {
        "en": "\u201cCan upload third parties' numbers\u201d: yes (the app can read them now), possible "
              "(it cannot now, but nothing locks it out), no, unknown (could not be established).",
        "de": "\u201eKann Rufnummern Dritter übermitteln\u201c: ja (die App kann sie jetzt lesen), möglich "
              "(derzeit nicht, aber nichts sperrt sie dauerhaft aus), nein, unbekannt (ließ sich nicht "
              "feststellen).",
    },
    "footer": {
        "en": "Made by contact-audit {version}. This report holds counts only: no phone number, contact "
              "name or e-mail address from an address book.",
        "de": "Erstellt mit contact-audit {version}. Dieser Bericht enthält nur Anzahlen: keine Rufnummer, "
              "keinen Kontaktnamen und keine E-Mail-Adresse aus einem Adressbuch.",
    },
    "interrupted": {
        "en": "The scan was interrupted: phones that did not finish are listed as not audited "
              "(interrupted); this is not a complete audit.",
        "de": "Die Prüfung wurde abgebrochen: Telefone, deren Prüfung nicht abgeschlossen war, sind als "
              "nicht geprüft (abgebrochen) aufgeführt; dies ist keine vollständige Prüfung.",
    },
    "newer_android": {
        "en": "This phone runs Android {release} (SDK {sdk}), newer than the releases contact-audit has "
              "been checked against (up to Android {verified}). It was audited as usual, and anything "
              "unreadable counts as not compliant; update contact-audit.",
        "de": "Dieses Telefon läuft mit Android {release} (SDK {sdk}), einer neueren Version als die, gegen "
              "die contact-audit geprüft wurde (bis Android {verified}). Es wurde wie gewohnt geprüft; was "
              "nicht gelesen werden konnte, wird vorsorglich als nicht konform gewertet. Bitte contact-audit "
              "aktualisieren.",
    },
}

# What each severity means, for the DPO (docs/verdicts.md has the full decision table).
SEVERITY_MEANING: dict[Severity, dict[str, str]] = {
    Severity.CRITICAL: {
        "en": "An app can read the address book now and it holds third parties' numbers: they are "
              "uploaded to WhatsApp.",
        "de": "Eine App kann das Adressbuch jetzt lesen, und es enthält Rufnummern Dritter: Sie werden an "
              "WhatsApp übermittelt.",
    },
    Severity.HIGH: {
        "en": "The app cannot read the address book right now, but nothing locks it out, and it has read "
              "it before: third parties' numbers have probably been uploaded already.",
        "de": "Die App kann das Adressbuch derzeit nicht lesen, nichts sperrt sie aber dauerhaft aus, und "
              "sie hat es bereits gelesen: Rufnummern Dritter wurden wahrscheinlich schon übermittelt.",
    },
    Severity.MEDIUM: {
        "en": "The app cannot read the address book now, but nothing locks it out (it can ask for the "
              "permission again, or be enabled again); third parties' numbers would then be uploaded.",
        "de": "Die App kann das Adressbuch derzeit nicht lesen, nichts sperrt sie aber dauerhaft aus (sie "
              "kann die Berechtigung erneut anfordern oder wieder aktiviert werden); dann würden Rufnummern "
              "Dritter übermittelt.",
    },
    Severity.LOW: {
        "en": "The app can read the address book, but it holds only colleagues' numbers. Their upload "
              "still needs a legal basis, usually the colleagues' consent.",
        "de": "Die App kann das Adressbuch lesen, es enthält aber nur Rufnummern von Kolleginnen und "
              "Kollegen. Auch deren Übermittlung braucht eine Rechtsgrundlage, in der Regel ihre Einwilligung.",
    },
    Severity.OK: {
        "en": "No third party's number can be uploaded: the permission is denied and locked, the app does "
              "not request contacts access, the address book holds no third-party numbers, or no audited "
              "app is installed.",
        "de": "Keine Rufnummer Dritter kann übermittelt werden: Die Berechtigung ist verweigert und "
              "gesperrt, die App fordert keinen Kontaktzugriff an, das Adressbuch enthält keine Rufnummern "
              "Dritter, oder keine der zu prüfenden Apps ist installiert.",
    },
    Severity.UNKNOWN: {
        "en": "A fact needed for the decision could not be read, or the phone could not be audited at "
              "all. It is treated like high until it is clarified.",
        "de": "Eine für die Bewertung nötige Tatsache ließ sich nicht lesen, oder das Telefon konnte gar "
              "nicht geprüft werden; solange das nicht geklärt ist, wird es vorsorglich als nicht konform "
              "gewertet (wie hoch).",
    },
}

# Kept apart per enum: Upload and Tri are str enums, so Upload.NO == Tri.NO == "no" as dict keys.
UPLOAD: dict[Upload, dict[str, str]] = {
    Upload.YES: {"en": "yes", "de": "ja"},
    Upload.POSSIBLE: {"en": "possible", "de": "möglich"},
    Upload.NO: {"en": "no", "de": "nein"},
    Upload.UNKNOWN: {"en": "unknown", "de": "unbekannt"},
}
PAST_UPLOAD: dict[Tri, dict[str, str]] = {
    Tri.YES: {"en": "yes: the app has read the address book before", "de": "ja: die App hat das Adressbuch bereits gelesen"},
    Tri.NO: {"en": "no sign of an earlier read", "de": "kein Hinweis auf einen früheren Lesezugriff"},
    Tri.UNKNOWN: {"en": "unknown", "de": "unbekannt"},
}


def html_text(key: str, lang: str, **params: str | int) -> str:
    """The sentence ``key`` in ``lang`` (English when a German one is missing), filled in."""
    entry = TEXTS[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**params) if params else template


def meaning(severity: Severity, lang: str) -> str:
    entry = SEVERITY_MEANING[severity]
    return entry.get(lang) or entry["en"]


def upload_label(value: Upload, lang: str) -> str:
    entry = UPLOAD[value]
    return entry.get(lang) or entry["en"]


def past_upload_label(value: Tri, lang: str) -> str:
    entry = PAST_UPLOAD[value]
    return entry.get(lang) or entry["en"]
