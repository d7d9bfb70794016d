"""Every sentence and label exists in English and German, and `--lang de` output is German.

The catalogue walk grows with the catalogues: a new message key, label or enum member without
both languages (or with placeholders that differ between them) fails here. The end-to-end test
runs `contact-audit demo --lang de` (a private adb server, the bundled fleet over the real ADB
protocol) and looks for English words in everything it prints.
"""

from __future__ import annotations

import re
import string
from enum import Enum

import pytest
from procs import command
from typer.testing import CliRunner

from audit.messages import CATALOGUE, LANGS
from audit.report import html_texts, labels
from audit.results import DeviceStatus, NumberClass, Severity
from audit.snapshot import PermissionStatus, UserKind

LABELLED_ENUMS: tuple[type[Enum], ...] = (Severity, DeviceStatus, UserKind, PermissionStatus, NumberClass)

# Words that are English and not also German (so "in", "an", "die", "was", "war", "so", "App",
# "Server", "Demo", "Profile", "offline" are left out on purpose). One of them in German output
# is English left behind.
_ENGLISH = """
the and of to is are be been were can could cannot not with for this that these those has have had
its it or from by at on no yes if when then than until there their they them which what who only also
phone phones user users audit audited auditing unknown critical high medium low worst verdict verdicts
number numbers permission permissions granted denied requested unlock accept replug reconnect restart
failed answer deadline report written attached ready stopped output ended early error none seen
address book contacts contact third party parties personal invalid colleagues owner clone
secure folder remediation finding severity action needed nothing settings choose allow please internal
simulated starting finished private phone's isn't don't doesn't frozen slow gone unplugged disconnected
should must read upload uploads uploaded evidence policy device devices hint state model serial
"""
ENGLISH_WORDS = frozenset(_ENGLISH.split())

# What may stay as it is in German output: commands, ids, app and product names.
ALLOWED = re.compile(
    r"`[^`]*`"  # a command to type
    r"|contact-audit|WhatsApp Business|Threema Work|Contact Picker|Example GmbH"
    r"|Android Device Policy|Microsoft Intune|Workspace ONE|Samsung Knox"  # MDM product names
    r"|\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b"  # package names and rule ids (com.whatsapp, upload.granted)
    r"|\b[A-Z][A-Z0-9_]{3,}\b"  # constants such as READ_CONTACTS
    r"|(?<!\S)--[a-z][a-z-]*"  # command-line options (--user) in a command shown to run
)


def english_words(text: str) -> list[str]:
    """The English words in ``text`` once allowed technical terms are taken out."""
    stripped = ALLOWED.sub(" ", text)
    # a word is letters between non-alphanumerics: "be" inside a scan id such as a60be6d16081 is
    # not a word (random ids made this check fail now and then)
    words = re.findall(r"(?<![0-9A-Za-z])[A-Za-z][A-Za-z']*(?![0-9A-Za-z])", stripped)
    return [w for w in words if w.lower() in ENGLISH_WORDS]


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def all_text_entries() -> dict[str, dict[str, str]]:
    entries = {f"message {k}": v for k, v in CATALOGUE.items()}
    entries |= {f"header {k}": v for k, v in labels.HEADERS.items()}
    entries |= {f"text {k}": v for k, v in labels.TEXTS.items()}
    # the HTML report's own words (audit/report/html_texts.py) follow the same rules
    entries |= {f"html {k}": v for k, v in html_texts.TEXTS.items()}
    for table_name in ("SEVERITY_MEANING", "UPLOAD", "PAST_UPLOAD"):
        table: dict[Enum, dict[str, str]] = getattr(html_texts, table_name)
        entries |= {f"html {table_name} {k.value}": v for k, v in table.items()}
    return entries


@pytest.mark.parametrize("name", sorted(all_text_entries()))
def test_every_message_and_label_has_both_languages_with_the_same_placeholders(name: str) -> None:
    entry = all_text_entries()[name]
    assert set(entry) == set(LANGS), name
    for lang in LANGS:
        assert entry[lang].strip(), (name, lang)
    assert fields(entry["en"]) == fields(entry["de"]), name


@pytest.mark.parametrize("member", [m for e in LABELLED_ENUMS for m in e], ids=str)
def test_every_enum_value_the_reports_show_has_both_labels(member: Enum) -> None:
    entry = labels.ENUMS.get(member)
    assert entry is not None, f"{member!r} has no label"
    assert set(entry) == set(LANGS) and all(entry[lang].strip() for lang in LANGS), member


def test_german_entries_hold_no_english_words_beyond_allowed_terms() -> None:
    offenders = {}
    for name, entry in all_text_entries().items():
        found = english_words(re.sub(r"\{[^}]*\}", " ", entry["de"]))
        if found:
            offenders[name] = found
    for member, entry in labels.ENUMS.items():
        if english_words(entry["de"]) and entry["de"] != "offline":
            offenders[str(member)] = english_words(entry["de"])
    assert offenders == {}


def test_the_english_detector_finds_english_and_spares_german() -> None:
    assert english_words("Not audited (unauthorized): unlock the phone and accept the RSA key prompt")
    assert english_words("worst critical, 1 verdict(s)")
    assert not english_words("Prüfung a60be6d16081 auf demo, sha256 3b5c3d2956b2")
    assert english_words("Prüfung a60be6d16081 be")
    assert english_words("no answer before the deadline (phone frozen)")
    assert not english_words("WhatsApp Business kann das Adressbuch von Benutzer 0 nicht lesen; "
                             "`contact-audit fix -s 127.0.0.1:5555 --user 0 --package com.whatsapp` ausführen")
    assert not english_words("Die App darf sie nicht erneut anfordern (READ_CONTACTS, reads.third_party)")


GLOSSARY_BANNED = {
    r"Fremdnummer": "Rufnummern Dritter",
    # an Android user is a Benutzer; people who use WhatsApp stay "WhatsApp-Nutzer"/"Nicht-Nutzer"
    # (the DPC decision's term), a compound the rule leaves alone
    r"(?<![-\w])Nutzer": "Benutzer",
    r"Hauptnutzer": "Hauptbenutzer",
    r"Zustimmung": "Einwilligung / erteilen",
    r"\bScan\b": "Prüfung",
    r"Risiko": "Schweregrad",
    r"nicht prüfbar": "nicht zuordenbar",
    r"Geräterichtlinie": "MDM-Richtlinie",
    r"App-Op": "AppOps-Einstellung",
    r"Werkzeug": "contact-audit",
    r"\bBeleg\b": "deutlicher Hinweis",
    r"Kurzwahl": "Kurznummer",
    r"datenschutzkonform": "in der Prüfrichtlinie hinterlegte Alternative",
    r"bis dahin gilt": "wird vorsorglich als nicht konform gewertet",
    r"nicht angefragt": "nicht angefordert",
    r"\bgesehen\b": "erkannt",
}


def test_german_follows_the_glossary() -> None:
    texts = [e["de"] for e in all_text_entries().values()] + [e["de"] for e in labels.ENUMS.values()]
    for pattern, instead in GLOSSARY_BANNED.items():
        hits = [t for t in texts if re.search(pattern, t)]
        assert hits == [], f"{pattern!r}: say {instead!r} ({hits[:2]})"
    assert labels.enum_label(DeviceStatus.NO_PERMISSIONS, "de") == "kein USB-Zugriff"
    assert [labels.enum_label(s, "de") for s in Severity] == [
        "kritisch", "hoch", "mittel", "niedrig", "OK", "unbekannt"]


@pytest.mark.adb  # the demo starts its own adb server and phones
def test_demo_in_german_prints_no_english_sentence() -> None:
    """The bundled fleet end to end (private adb server, real ADB protocol), 80 columns."""
    from audit.cli import app

    result = CliRunner().invoke(app, ["demo", "--lang", "de"], env={"COLUMNS": "80", "NO_COLOR": ""})
    assert result.exit_code == 0, result.stderr
    out, err = result.stdout, result.stderr
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "\x1b[" not in out  # not a terminal: plain text
    flat = " ".join(out.split())
    assert "Telefone: 14 erkannt, 12 geprüft, 2 nicht geprüft" in out
    assert "Nicht geprüft: 2" in flat and "nicht autorisiert: Telefon entsperren" in flat
    assert "Fehler: die Ausgabe endete vorzeitig" in flat
    assert "Maßnahme: Kontakte-Berechtigung von WhatsApp" in flat
    assert "Rufnummern Dritter: 53 (davon 20 geschäftlich, 29 privat, 4 nicht zuordenbar)" in flat
    assert "Angeschlossene Telefone: 14" in err and "Demo beendet" in err
    # Sentences wrap across lines (a command in backticks too), so the table is read as one text.
    pieces = [flat, *err.splitlines()]
    english = {piece[:200]: english_words(piece) for piece in pieces if english_words(piece)}
    assert english == {}


def test_station_and_devices_speak_german(start_isolated_fleet) -> None:  # type: ignore[no-untyped-def]
    """`devices --lang de` and `station --lang de` through the real adb server: hints, the
    station's lines and its start/stop lines are German; one audited and one locked phone."""
    import signal
    import subprocess
    import time

    from audit.cli import app

    fleet = start_isolated_fleet("pixel8-a14-critical", "xperia-xz-a7-unauthorized")
    port = str(fleet.adb_port)
    pixel, locked = fleet.serial_of("pixel8-a14-critical"), fleet.serial_of("xperia-xz-a7-unauthorized")

    listing = CliRunner().invoke(app, ["devices", "--adb-port", port, "--lang", "de"])
    assert listing.exit_code == 0, listing.stderr
    assert listing.stdout.split()[:4] == ["Seriennummer", "Zustand", "Modell", "Hinweis"]
    line = next(x for x in listing.stdout.splitlines() if locked in x)
    assert "Telefon entsperren und die Abfrage des RSA-Schlüssels bestätigen" in line
    assert english_words(line.replace(locked, " ").replace("unauthorized", " ")) == []  # adb's state word stays

    proc = subprocess.Popen(
        command("station", "--adb-port", port, "--no-history", "--timeout", "120", "--lang", "de"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        end = time.monotonic() + 60
        while time.monotonic() < end and not (any(pixel in x for x in lines) and any(locked in x for x in lines)):
            got = proc.stdout.readline()
            if not got:
                break
            lines.append(got)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    lines += out.splitlines()
    assert proc.returncode == 0, err
    pixel_line = next(x for x in lines if pixel in x)
    locked_line = next(x for x in lines if locked in x)
    assert "KRITISCH: WhatsApp kann das Adressbuch von Benutzer 0 lesen" in pixel_line
    assert "Nicht geprüft (nicht autorisiert): Telefon entsperren" in locked_line
    assert "Prüfplatz bereit" in err and "Prüfplatz beendet: Prüfungen: 1, Ergebnisse: 2" in err
    for text in (*lines, *err.splitlines()):
        assert english_words(text) == [], text


def test_interrupted_and_unattached_phones_are_german_in_the_table() -> None:
    """The reasons issue 9 added (a stopped scan, a serial the server does not list) come from
    the catalogue, so a German table says them in German; the English line stays for CSV/JSON."""
    from audit.adb import not_attached_reason
    from audit.messages import render
    from audit.report.table import render_table
    from audit.results import DeviceResult, ScanReport
    from audit.scan import INTERRUPTED_RUNNING, INTERRUPTED_WAITING

    devices = tuple(
        DeviceResult(serial, status, render(reason, "en"), reason=reason)
        for serial, status, reason in (
            ("SIMA0001", DeviceStatus.INTERRUPTED, INTERRUPTED_RUNNING),
            ("SIMB0002", DeviceStatus.INTERRUPTED, INTERRUPTED_WAITING),
            ("nosuch", DeviceStatus.NOT_ATTACHED, not_attached_reason(5037)),
        )
    )
    report = ScanReport("s1", "2026-12-03T10:00:00Z", "desk", "1.0", None, None, devices, interrupted=True)
    flat = " ".join(render_table(report, "de", width=120).split())
    assert "abgebrochen" in flat and "nicht angeschlossen" in flat and "Port 5037" in flat
    assert english_words(flat.replace("nosuch", " ")) == []
    assert "the scan was stopped" in devices[0].error  # the data formats keep the English line
