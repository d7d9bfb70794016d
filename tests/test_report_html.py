"""The HTML report: content, escaping of device text, self-containment, both languages, and the
`contact-audit report` command that renders it from a saved JSON report.

Pages are read back with the stdlib ``html.parser`` (no regex on markup), by the stable ids and
classes the template gives its figures.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from test_report_builders import assert_golden, counts, device, fleet, rich_scan, scan, snapshot, verdict
from typer.testing import CliRunner

from audit.cli import app
from audit.errors import ReportFileError
from audit.messages import CATALOGUE
from audit.report import FORMATS, render, summarize
from audit.report.html_report import format_time, render_html, render_html_document
from audit.report.html_texts import PAST_UPLOAD, SEVERITY_MEANING, TEXTS, UPLOAD
from audit.report.json_reader import parse_report, read_report
from audit.report.json_report import render_json
from audit.results import DeviceStatus, Message, Severity, Tri, Upload
from audit.snapshot import AndroidUser, UserKind

HOSTILE = "<img src=x onerror=alert(1)>"


class Page(HTMLParser):
    """Elements (tag, attributes) in document order, and the text inside each id'd element."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text_parts: list[str] = []
        self._open: list[tuple[str, str | None]] = []
        self.by_id: dict[str, str] = {}
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag not in ("meta", "br", "link", "img", "input"):
            self._open.append((tag, attributes.get("id")))
            if attributes.get("id"):
                self.by_id[attributes["id"]] = ""

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        for _, ident in self._open:
            if ident:
                self.by_id[ident] += " " + data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def find(self, tag: str | None = None, cls: str | None = None) -> list[dict[str, str]]:
        return [
            a for t, a in self.elements
            if (tag is None or t == tag) and (cls is None or cls in a.get("class", "").split())
        ]

    def value(self, ident: str) -> str:
        return " ".join(self.by_id[ident].split())


def test_html_is_a_registered_format() -> None:
    assert "html" in FORMATS
    assert render(fleet(), "html").startswith("<!DOCTYPE html>")


def test_summary_figures_match_the_fleet_summary() -> None:
    report = fleet()
    summary = summarize(report)
    page = Page(render_html(report))
    assert page.value("phones-seen") == str(summary.phones) == "5"
    assert page.value("phones-audited") == str(summary.audited) == "3"
    assert page.value("phones-not-audited") == str(summary.not_audited) == "2"
    assert page.value("phones-exposing") == str(summary.phones_exposing)
    assert summary.exposed_complete
    assert page.value("exposed-numbers") == str(summary.exposed_numbers)
    assert "unauthorized 1" in page.value("not-audited-reasons")
    assert "offline 1" in page.value("not-audited-reasons")
    assert page.value("scanned-at") == "2026-05-01 10:00:00 UTC"
    assert page.value("station") == "it-desk-1"
    assert page.value("policy-name") == "example-gmbh"
    assert page.value("policy-hash") == "ab" * 32


def test_exposed_numbers_are_a_lower_bound_when_a_book_is_unreadable() -> None:
    report = scan(device("SIMA0001", verdict(0, upload=Upload.POSSIBLE, severity=Severity.MEDIUM,
                                              number_counts=counts(0, known=False))))
    assert not summarize(report).exposed_complete
    assert Page(render_html(report)).value("exposed-numbers").startswith("at least 0")


def test_the_chart_has_a_bar_per_severity_scaled_to_the_counts() -> None:
    summary = summarize(fleet())
    page = Page(render_html(fleet()))
    bars = page.find("g", "bar")
    assert [b["data-severity"] for b in bars] == [s.value for s in Severity]
    assert {b["data-severity"]: int(b["data-count"]) for b in bars} == {
        s.value: n for s, n in summary.verdicts_by_severity
    }
    rects = {a["class"]: int(a["width"]) for t, a in page.elements if t == "rect"}
    assert rects["sev-ok"] == 380  # two verdicts: the longest bar fills the area
    assert rects["sev-critical"] == rects["sev-high"] == rects["sev-unknown"] == 190  # one each: half
    assert rects["sev-medium"] == rects["sev-low"] == 0
    assert page.find("svg")[0]["role"] == "img"


def test_a_section_per_phone_worst_first_with_unaudited_phones_as_unknown() -> None:
    page = Page(render_html(fleet()))
    sections = page.find("section", "phone")
    assert len(sections) == 5
    # critical, then high and unknown (same rank: high first, then the unaudited by serial), then ok
    assert [s["data-severity"] for s in sections] == ["critical", "high", "unknown", "unknown", "ok"]
    assert [s["data-status"] for s in sections][2:4] == ["unauthorized", "offline"]
    assert "accept the USB debugging prompt" in page.text
    assert page.text.count("Uncertain means not compliant") >= 2


def test_each_phone_shows_users_apps_permission_counts_evidence_finding_and_remediation() -> None:
    report = scan(device(
        "SIMA0001",
        verdict(0, number_counts=counts(0, colleague=2, business=3, personal=4, invalid=1)),
        model="Pixel 7",
    ))
    markup = render_html(report)
    page = Page(markup.replace("_<wbr>", "_"))  # flag names may break after an underscore
    text = page.text
    assert "Pixel 7" in text and "SIMA0001" in text
    assert "Third parties 8 (Business 3, Personal 4, Not attributable 1)" in text
    # users table: contacts, distinct, colleague, business, personal, not attributable, third parties
    cells = [a for t, a in page.elements if t == "td" and "num" in a.get("class", "")]
    assert len(cells) == 7
    assert "com.whatsapp" in text and "2.24.1.6" in text and "USER_SET" in text and "+3d2h ago" in text
    assert "yes: the app has read the address book before" in text
    assert page.find("dd", "finding") and page.find("dd", "remediation")
    assert "test.finding.upload.granted" in text  # builders' keys are not in the catalogue: saved text


def test_verdicts_inside_a_phone_are_worst_first() -> None:
    report = scan(device(
        "SIMA0001",
        verdict(0, severity=Severity.OK, upload=Upload.NO, rule="locked"),
        verdict(10, kind=UserKind.WORK_PROFILE, severity=Severity.CRITICAL, rule="reads.third_party"),
    ))
    page = Page(render_html(report))
    assert [a["data-severity"] for a in page.find("div", "verdict")] == ["critical", "ok"]


def test_upload_and_past_upload_are_labelled_separately() -> None:
    """Upload and Tri are str enums with equal values ("no"): a shared dict would mix their words."""
    report = scan(device("SIMA0001", verdict(0, severity=Severity.OK, upload=Upload.NO, rule="locked")))
    text = Page(render_html(report)).text
    assert "Can upload third parties' numbers no Third parties" in text  # the next field follows at once
    assert "Evidence of past upload yes: the app has read the address book before" in text
    assert UPLOAD[Upload.NO]["en"] == "no" and PAST_UPLOAD[Tri.NO]["en"] != "no"


def hostile_report() -> Any:
    users = (
        AndroidUser(0, HOSTILE, 0, UserKind.OWNER, True),
        AndroidUser(10, f"Work {HOSTILE}", 0, UserKind.WORK_PROFILE, True),
    )
    dev = device(
        f"SER{HOSTILE}",
        verdict(0, app=HOSTILE, app_version=HOSTILE, flags=(HOSTILE,), last_access=HOSTILE),
        verdict(10, kind=UserKind.WORK_PROFILE),
        users=users,
    )
    snap = snapshot(dev.serial, model=HOSTILE, manufacturer='"><script>alert(2)</script>', users=users,
                    problems=(f"odd line {HOSTILE}",))
    unaudited = device(f"X{HOSTILE}", status=DeviceStatus.ERROR, error=f"bad output {HOSTILE}")
    return replace(scan(replace(dev, snapshot=snap), unaudited), station=HOSTILE, policy_name=HOSTILE)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_device_strings_render_as_text_never_as_markup(lang: str) -> None:
    markup = render_html(hostile_report(), lang)
    page = Page(markup)
    tags = {t for t, _ in page.elements}
    assert "img" not in tags and "script" not in tags
    assert not any(k.startswith("on") for _, a in page.elements for k in a)
    assert HOSTILE in page.text  # shown, as text
    assert "<script>alert(2)</script>" in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in markup


def test_names_of_full_users_stay_out_profiles_keep_theirs() -> None:
    users = (AndroidUser(0, "Erika Mustermann", 0, UserKind.OWNER, True),
             AndroidUser(10, "Arbeitsprofil", 0, UserKind.WORK_PROFILE, True))
    dev = device("SIMA0001", verdict(0), verdict(10, kind=UserKind.WORK_PROFILE), users=users)
    text = Page(render_html(scan(dev))).text
    assert "Erika" not in text
    assert "Arbeitsprofil" in text


def test_the_page_is_self_contained_and_inert() -> None:
    markup = render_html(fleet())
    page = Page(markup)
    tags = {t for t, _ in page.elements}
    assert not tags & {"script", "link", "iframe", "object", "embed", "img", "base", "form"}
    assert not [a for _, a in page.elements if {"src", "href", "action", "srcset"} & set(a)]
    style = markup[markup.index("<style>"):markup.index("</style>")]
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    csp = [a["content"] for t, a in page.elements if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0]
    assert "@media print" in style and "break-before: page" in style


def test_german_page() -> None:
    report = fleet()
    page = Page(render_html(report, "de"))
    assert page.find("html")[0]["lang"] == "de"
    text = page.text
    for german in ("Übersicht", "Erkannte Telefone", "Bewertungen nach Schweregrad", "Was die Bewertungen bedeuten",
                   "Art. 4 Nr. 1 DSGVO", "225 Millionen Euro", "kritisch", "nicht autorisiert",
                   "vorsorglich als nicht konform gewertet"):
        assert german in text, german
    for english in ("Fleet summary", "Phones seen", "What the verdicts mean", "Uncertain means"):
        assert english not in text, english
    assert Page(render_html(report, "de")).value("scanned-at") == "01.05.2026 10:00:00 UTC"


def test_every_html_text_exists_in_both_languages() -> None:
    for key, entry in TEXTS.items():
        assert set(entry) == {"en", "de"} and all(entry.values()), key
    for table in (SEVERITY_MEANING, UPLOAD, PAST_UPLOAD):
        for value, entry in table.items():
            assert set(entry) == {"en", "de"} and all(entry.values()), value
    assert set(SEVERITY_MEANING) == set(Severity)
    assert set(UPLOAD) == set(Upload) and set(PAST_UPLOAD) == set(Tri)


def test_why_it_matters_names_the_law_and_the_dpc_decision() -> None:
    text = Page(render_html(fleet())).text
    for needle in ("Art. 4(1) GDPR", "Art. 6 GDPR", "Art. 14 GDPR", "2 September 2021", "EUR 225 million",
                   "lossy hashing", "Irish Data Protection Commission"):
        assert needle in text, needle


def test_the_page_from_a_saved_json_report_is_the_page_from_the_scan() -> None:
    report = fleet()
    for lang in ("en", "de"):
        saved = parse_report(render_json(report, lang).encode("utf-8"))
        assert render_html_document(saved, lang) == render_html(report, lang)


def test_a_saved_english_report_is_rendered_in_german_from_its_message_keys() -> None:
    key = "finding.reads_empty_book"
    assert key in CATALOGUE
    report = scan(device("SIMA0001", replace(
        verdict(0, severity=Severity.OK, upload=Upload.NO, rule="reads.empty_book"),
        finding=Message(key, (("app", "WhatsApp"), ("user", 0))),
    )))
    saved = parse_report(render_json(report, "en").encode("utf-8"))
    text = Page(render_html_document(saved, "de")).text
    assert "WhatsApp kann das Adressbuch von Benutzer 0 lesen" in text
    assert "can read the address book of user 0" not in text


def test_times_for_people() -> None:
    assert format_time("2026-11-30T10:23:09Z", "en") == "2026-11-30 10:23:09 UTC"
    assert format_time("2026-11-30T10:23:09Z", "de") == "30.11.2026 10:23:09 UTC"
    assert format_time("not a time", "de") == "not a time"
    assert format_time(None, "en") == "-"


def test_an_empty_scan_says_so() -> None:
    page = Page(render_html(scan()))
    assert page.value("phones-seen") == "0"
    assert "No phones were seen in this scan." in page.text
    assert not page.find("section", "phone")


# ---- the `report` command ------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def saved(tmp_path: Path, doc: Any, name: str = "scan.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def test_report_command_writes_the_html_file(tmp_path: Path) -> None:
    source = saved(tmp_path, render_json(fleet(), "de"))
    out = tmp_path / "report.html"
    code, stdout, stderr = cli("report", str(source), "--format", "html", "-o", str(out))
    assert code == 0, stderr
    assert stdout == ""
    page = Page(out.read_text(encoding="utf-8"))
    assert page.find("html")[0]["lang"] == "de"  # the saved report's language by default
    assert len(page.find("section", "phone")) == 5
    code, stdout, _ = cli("report", str(source), "--lang", "en")
    assert code == 0 and Page(stdout).find("html")[0]["lang"] == "en"


def damaged_documents() -> list[tuple[str, Any, str]]:
    good = json.loads(render_json(fleet()))

    def edit(change: Any) -> Any:
        doc = json.loads(json.dumps(good))
        change(doc)
        return doc

    text = json.dumps(good)
    return [
        ("truncated", text[: len(text) // 2], "not valid JSON"),
        ("not json", "hello", "not valid JSON"),
        ("a list", "[1, 2]", "not a contact-audit JSON report"),
        ("foreign object", {"name": "x", "version": 3}, "not a contact-audit JSON report"),
        ("version 2", edit(lambda d: d.update(schema_version=2)), "schema version 2"),
        ("version true", edit(lambda d: d.update(schema_version=True)), "schema version ?"),
        ("missing key", edit(lambda d: d["devices"][0].pop("status")), "$.devices[0].status is missing"),
        ("bad enum", edit(lambda d: d["devices"][0]["verdicts"][0].update(severity="fine")),
         "$.devices[0].verdicts[0].severity should be one of"),
        ("wrong type", edit(lambda d: d["summary"].update(phones="5")), "$.summary.phones should be integer"),
        ("negative", edit(lambda d: d["summary"].update(verdicts=-1)), "$.summary.verdicts should be at least 0"),
        ("summary lies", edit(lambda d: d["summary"].update(phones=4)), "summary.phones is 4, the phones give 5"),
        ("severity lies", edit(lambda d: d["devices"][2].update(severity="ok")), "devices[2].severity is ok"),
        ("milder verdicts", edit(lambda d: d["devices"][0]["verdicts"][0].update(severity="ok")),
         "summary.verdicts_by_severity"),
        ("duplicate key", text.replace('"schema_version": 1', '"schema_version": 1, "schema_version": 1'),
         "a key appears twice"),
        ("NaN", text.replace('"duration_s": 1.25', '"duration_s": NaN', 1), "NaN is not a JSON number"),
        ("deep", "[" * 100000 + "]" * 100000, "not a contact-audit JSON report"),
    ]


@pytest.mark.parametrize(("name", "doc", "expected"), damaged_documents(), ids=[d[0] for d in damaged_documents()])
def test_a_damaged_or_foreign_file_is_one_line_and_exit_2(tmp_path: Path, name: str, doc: Any, expected: str) -> None:
    path = saved(tmp_path, doc)
    out = tmp_path / "report.html"
    code, stdout, stderr = cli("report", str(path), "-o", str(out))
    assert code == 2, stderr
    assert stdout == ""
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert expected in " ".join(stderr.split()), stderr
    assert "Traceback" not in stderr
    assert not out.exists()


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    code, _, stderr = cli("report", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot read" in stderr and "No such file" in stderr
    binary = tmp_path / "x.json"
    binary.write_bytes(b"\xff\xfe\x00{")
    code, _, stderr = cli("report", str(binary))
    assert code == 2 and "not UTF-8" in stderr
    code, _, stderr = cli("report", str(tmp_path))
    assert code == 2 and len(stderr.strip().splitlines()) == 1


def test_error_lines_never_echo_values_from_the_file(tmp_path: Path) -> None:
    doc = json.loads(render_json(fleet()))
    doc["devices"][0]["status"] = "+49 30 90182000 erika@example.de"
    code, _, stderr = cli("report", str(saved(tmp_path, doc)))
    assert code == 2
    assert "90182000" not in stderr and "erika" not in stderr


def test_a_bom_and_keys_from_a_newer_v1_are_accepted(tmp_path: Path) -> None:
    doc = json.loads(render_json(fleet()))
    doc["future_key"] = {"anything": [1, 2]}
    doc["devices"][0]["another_new_key"] = True
    path = tmp_path / "scan.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc).encode("utf-8"))
    code, stdout, stderr = cli("report", str(path))
    assert code == 0, stderr
    assert len(Page(stdout).find("section", "phone")) == 5


def test_report_refuses_an_unwritable_output_before_reading(tmp_path: Path) -> None:
    source = saved(tmp_path, render_json(fleet()))
    code, _, stderr = cli("report", str(source), "-o", str(tmp_path / "no" / "dir" / "r.html"))
    assert code == 2 and "does not exist" in stderr


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_whole_page_of_a_varied_scan(lang: str) -> None:
    """The page for a scan in which every field has a value of its own (rich_scan): a figure, a
    count or an app fact in another's place, a note left out, a phone out of order, fails here.
    The page from the saved JSON report is the same page."""
    markup = render_html(rich_scan(), lang)
    assert render_html_document(parse_report(render_json(rich_scan(), lang).encode("utf-8")), lang) == markup
    assert_golden(f"rich.{lang}.html", markup)


# ---- reading a saved report back: the one line a damaged file gets --------------------------


def _edited(change: Any, base: Any = None) -> bytes:
    doc = json.loads(render_json(rich_scan())) if base is None else base
    change(doc)
    return json.dumps(doc).encode("utf-8")


def _set(path: str, value: Any) -> Any:
    """An edit that sets ``doc[a][b]...`` (keys split at '/', list indexes as numbers)."""
    *parents, last = [int(p) if p.isdigit() else p for p in path.split("/")]

    def change(doc: Any) -> None:
        for p in parents:
            doc = doc[p]
        doc[last] = value

    return change


def _several(*changes: Any) -> Any:
    def change(doc: Any) -> None:
        for c in changes:
            c(doc)

    return change


# rich_scan's devices: [0] timeout, [1] audited critical, [2] audited without verdicts,
# [3] unauthorized, [4] audited medium; 6 verdicts; worst critical.
DAMAGED = "the report is damaged or not a contact-audit JSON report v1: "
CONTRADICTS = "the report contradicts itself ({}): damaged or edited"
READER_CASES: list[tuple[str, bytes, str]] = [
    ("version 1.0", _edited(_set("schema_version", 1.0)), DAMAGED + "$.schema_version should be 1"),
    ("version 2", _edited(_set("schema_version", 2)),
     "the report is a JSON report of schema version 2; this contact-audit reads version 1"),
    ("version as text", _edited(_set("schema_version", "1")),
     "the report is a JSON report of schema version ?; this contact-audit reads version 1"),
    ("no devices", _edited(lambda d: d.pop("devices")),
     "the report is not a contact-audit JSON report (no schema_version and devices)"),
    ("no version", _edited(lambda d: d.pop("schema_version")),
     "the report is not a contact-audit JSON report (no schema_version and devices)"),
    ("a list", b"[]", "the report is not a contact-audit JSON report (no schema_version and devices)"),
    ("bad JSON", b'{"a": }', "the report is not valid JSON (line 1, column 7): damaged or not a contact-audit report"),
    ("NaN", b'{"a": NaN}', "the report is not a contact-audit JSON report (NaN is not a JSON number)"),
    ("twice", b'{"a": 1, "a": 1}', "the report is not a contact-audit JSON report (a key appears twice in one object)"),
    ("deep", b"[" * 100000 + b"]" * 100000, "the report is not a contact-audit JSON report (nested too deeply)"),
    ("not UTF-8", b'{"a": "\xff"}', "the report is not UTF-8 text: not a contact-audit JSON report"),
    ("name not text", _edited(_set("policy/name", 5)), DAMAGED + "$.policy.name should be string or null"),
    ("true as a count", _edited(_set("summary/phones", True)), DAMAGED + "$.summary.phones should be integer"),
    ("count as text", _edited(_set("summary/audited", "3")), DAMAGED + "$.summary.audited should be integer"),
    ("missing", _edited(lambda d: d["summary"].pop("phones")), DAMAGED + "$.summary.phones is missing"),
    ("milder word", _edited(_set("devices/1/verdicts/0/severity", "fine")),
     DAMAGED + "$.devices[1].verdicts[0].severity should be one of critical, high, medium, low, ok, unknown"),
    ("negative", _edited(_set("devices/1/verdicts/0/third_party_numbers", -1)),
     DAMAGED + "$.devices[1].verdicts[0].third_party_numbers should be at least 0"),
    ("three faults", _edited(_several(_set("summary/phones", "5"), _set("summary/verdicts", -1),
                                      _set("devices/1/status", "fine"))),
     DAMAGED + "$.summary.phones should be integer (and 2 more)"),
    ("odd parameter", _edited(_set("devices/3/reason/params", {"n": 1.5})),
     DAMAGED + "$.devices[3].reason.params.{key} should be string or integer"),
    ("odd app-op", _edited(_set("devices/1/users/0/apps/0/appops/1/op", 3)),
     DAMAGED + "$.devices[1].users[0].apps[0].appops[1].op should be string"),
    ("audited", _edited(_set("summary/audited", 2)), CONTRADICTS.format("summary.audited is 2, the phones give 3")),
    ("not audited", _edited(_set("summary/not_audited", 3)),
     CONTRADICTS.format("summary.not_audited is 3, the phones give 2")),
    ("verdicts", _edited(_set("summary/verdicts", 7)), CONTRADICTS.format("summary.verdicts is 7, the phones give 6")),
    ("by status", _edited(_set("summary/not_audited_by_status/timeout", 0)),
     CONTRADICTS.format("summary.not_audited_by_status.timeout is 0, the phones give 1")),
    ("by severity", _edited(_set("summary/verdicts_by_severity/low", 0)),
     CONTRADICTS.format("summary.verdicts_by_severity.low is 0, the phones give 1")),
    ("phone milder", _edited(_set("devices/2/severity", "ok")),
     CONTRADICTS.format("devices[2].severity is ok, its verdicts give unknown")),
    ("verdict milder", _edited(_several(_set("devices/4/verdicts/2/severity", "low"),
                                        _set("summary/verdicts_by_severity/medium", 0),
                                        _set("summary/verdicts_by_severity/low", 2))),
     CONTRADICTS.format("devices[4].severity is medium, its verdicts give low")),
    ("worst milder", _edited(_set("summary/worst_severity", "high")),
     CONTRADICTS.format("summary.worst_severity is high, the phones give critical")),
    ("worst missing", _edited(_set("summary/worst_severity", None)),
     CONTRADICTS.format("summary.worst_severity is None, the phones give critical")),
    ("worst of nothing", _edited(_set("summary/worst_severity", "ok"), json.loads(render_json(scan()))),
     CONTRADICTS.format("summary.worst_severity is ok, the phones give None")),
]


@pytest.mark.parametrize(("name", "data", "expected"), READER_CASES, ids=[c[0] for c in READER_CASES])
def test_a_damaged_report_is_refused_with_the_line_that_says_where(name: str, data: bytes, expected: str) -> None:
    """What a damaged or edited file gets: one line naming the first fault by its schema path (and
    how many more there are), never a report a data-protection officer might trust."""
    with pytest.raises(ReportFileError) as caught:
        parse_report(data)
    assert str(caught.value) == expected


def test_a_report_that_agrees_with_itself_is_read_whole() -> None:
    """The unedited file is read as written, also with an unknown worst severity stated as high (the
    same rank) and with a count of zero (the schema's minimum)."""
    doc = json.loads(render_json(rich_scan()))
    assert parse_report(json.dumps(doc).encode("utf-8")) == doc
    unknown_only = json.loads(render_json(scan(device("SIMX0001", status=DeviceStatus.OFFLINE))))
    unknown_only["summary"]["worst_severity"] = "high"
    assert parse_report(json.dumps(unknown_only).encode("utf-8"))["summary"]["worst_severity"] == "high"


def test_the_size_limit_and_the_file_name_in_the_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file over the limit is refused before it is parsed; one of exactly the limit is read. The
    name in an error line is the user's own input: quoted, control characters as '?', cut at 200."""
    from audit.report import json_reader

    monkeypatch.setattr(json_reader, "MAX_BYTES", 2 * 1024 * 1024)
    text = render_json(rich_scan()).encode("utf-8")
    exact = tmp_path / "exact.json"
    exact.write_bytes(b" " * (json_reader.MAX_BYTES - len(text)) + text)  # a cut would lose the final brace
    assert read_report(exact)["scan_id"] == "20260501T100000Z-00c3"
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (json_reader.MAX_BYTES + 1 - len(text)) + text)
    with pytest.raises(ReportFileError) as caught:
        read_report(big)
    assert str(caught.value) == f"'{big}' is larger than 2 MiB: not a contact-audit report"
    odd = tmp_path / ("x\x1b[31m" + "y" * 200)
    with pytest.raises(ReportFileError) as caught:
        read_report(odd)
    shown = str(tmp_path / ("x?[31m" + "y" * 200))[:200]
    assert str(caught.value) == f"cannot read {shown!r}: No such file or directory"


@pytest.mark.timeout(30)  # the bug this catches is a hang: reading on to the end of an endless stream
def test_a_report_from_an_endless_pipe_is_refused_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`contact-audit report /dev/stdin` fed by something that never ends (`cat /dev/zero`) gets the
    one-line error once the limit is passed: the reader never holds more than the limit in memory
    and never waits for an end that does not come."""
    from audit.report import json_reader

    monkeypatch.setattr(json_reader, "MAX_BYTES", 1024 * 1024)
    fifo = tmp_path / "stream.json"
    os.mkfifo(fifo)
    finished = threading.Event()

    def endless() -> None:
        with open(fifo, "wb") as pipe:
            pipe.write(b" " * (json_reader.MAX_BYTES + 1))
            pipe.flush()
            finished.wait()  # the stream stays open: no end of file while the reader runs

    writer = threading.Thread(target=endless, daemon=True)
    writer.start()
    try:
        with pytest.raises(ReportFileError, match=r"is larger than 1 MiB: not a contact-audit report"):
            read_report(fifo)
    finally:
        finished.set()
        writer.join(5)
