"""The HTML report as a browser shows it: the bundled fleet scanned through the real adb server,
the page opened in a real headless Chromium (tests/browser.py, DevTools protocol).

Checks what only a browser can tell: the DOM it builds (a section per phone, the chart laid
out), that nothing logs to the console, that nothing is requested besides the file itself,
that no table is wider than the page, and that printing starts every phone on a new page. A
screenshot of the whole page is written to the test's temporary directory, its path printed
with ``-v``, so a person can look at it. Skipped, saying why, only when no Chromium is found.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import Chromium, PageLoad, find_chromium, pdf_pages
from test_report_html import HOSTILE, hostile_report
from typer.testing import CliRunner

from audit.cli import app
from audit.report.html_report import render_html
from audit.results import Severity
from audit.simulator.profile import bundled_profiles

DEMO_POLICY = Path(__file__).resolve().parent.parent / "audit" / "data" / "demo-policy.toml"
BUNDLED = sorted(p.stem for p in bundled_profiles())
RANK = {s.value: s.rank for s in Severity}


@pytest.fixture(scope="module")
def chromium_binary() -> str:
    binary = find_chromium()
    if binary is None:
        pytest.skip("no Chromium found (looked for chromium, chromium-browser, google-chrome on PATH and "
                    "$CONTACT_AUDIT_CHROMIUM); install the Debian package 'chromium'")
    return binary


@pytest.fixture
def browser(chromium_binary: str, tmp_path: Path) -> Iterator[Chromium]:
    with Chromium(chromium_binary, tmp_path / "chromium-profile") as chromium:
        yield chromium


@pytest.fixture(scope="module")
def fleet_reports(module_fleet: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled fleet scanned once as HTML and once as JSON, that JSON rendered by `report`."""
    fleet = module_fleet(*BUNDLED)
    out = tmp_path_factory.mktemp("reports")
    common = ["scan", "--adb-port", str(fleet.adb_port), "--policy", str(DEMO_POLICY), "-q", "--fail-on", "never"]
    paths = {"scan": out / "scan.html", "json": out / "scan.json", "report": out / "report-de.html"}
    for fmt, key in (("html", "scan"), ("json", "json")):
        result = CliRunner().invoke(app, [*common, "--format", fmt, "-o", str(paths[key])], catch_exceptions=False)
        assert result.exit_code == 3, result.stderr  # two bundled phones cannot be audited, by design
    result = CliRunner().invoke(app, ["report", str(paths["json"]), "--format", "html", "--lang", "de",
                                      "-o", str(paths["report"]), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return paths


def show(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str], line: str) -> None:
    """A line on the terminal with -v (the screenshot's path), past pytest's capture."""
    if request.config.getoption("verbose") > 0:
        with capsys.disabled():
            print(f"\n    {line}")


def assert_clean_load(seen: PageLoad, url: str) -> None:
    assert seen.console == [], seen.console
    assert seen.dialogs == []
    assert seen.requests == [url], seen.requests  # nothing fetched but the page itself


LAYOUT_PROBE = """(() => {
  const width = document.documentElement.clientWidth;
  // a table in a .scroll box may be wider on a narrow screen: it scrolls there (never in print)
  const scrolls = e => e.parentElement.classList.contains('scroll') && getComputedStyle(e.parentElement).overflowX === 'auto';
  const wide = [...document.querySelectorAll('table, figure, dl, .verdict, section.phone, .scroll')]
    .filter(e => !scrolls(e) && e.getBoundingClientRect().right > e.parentElement.getBoundingClientRect().right + 1)
    .map(e => (e.closest('section.phone') || {}).id + ' ' + e.tagName + '.' + e.className);
  return {overflow: document.documentElement.scrollWidth - width, wide};
})()"""

DOM_PROBE = """(() => {
  const phones = [...document.querySelectorAll('section.phone')];
  const chart = document.querySelector('#severity-chart svg');
  const box = chart ? chart.getBoundingClientRect() : null;
  return {
    lang: document.documentElement.lang,
    title: document.title,
    phones: phones.map(p => ({id: p.id, severity: p.dataset.severity, status: p.dataset.status,
                              heading: p.querySelector('h3') ? p.querySelector('h3').textContent : null,
                              verdicts: p.querySelectorAll('.verdict').length,
                              height: p.getBoundingClientRect().height})),
    bars: [...document.querySelectorAll('#severity-chart g.bar')].map(g => ({
      severity: g.dataset.severity, count: Number(g.dataset.count),
      width: g.querySelector('rect').getBoundingClientRect().width})),
    chart: box ? {width: box.width, height: box.height} : null,
    phonesSeen: document.getElementById('phones-seen').textContent.trim(),
    scripts: document.scripts.length,
    images: document.images.length,
  };
})()"""


def test_the_bundled_fleets_report_in_chromium(
    browser: Chromium, fleet_reports: dict[str, Path], tmp_path: Path,
    request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str],
) -> None:
    url = fleet_reports["scan"].as_uri()
    assert_clean_load(browser.load(url), url)
    dom = browser.evaluate(DOM_PROBE)
    saved = json.loads(fleet_reports["json"].read_text(encoding="utf-8"))

    # a section per phone, each with a heading and content, worst first
    assert len(dom["phones"]) == len(BUNDLED) == 14
    assert dom["phonesSeen"] == "14"
    assert all(p["heading"] and p["height"] > 100 for p in dom["phones"]), dom["phones"]
    ranks = [RANK[p["severity"]] for p in dom["phones"]]
    assert ranks == sorted(ranks, reverse=True)
    assert sorted(p["status"] for p in dom["phones"]) == sorted(d["status"] for d in saved["devices"])
    assert {"unauthorized", "error"} <= {p["status"] for p in dom["phones"]}
    assert sum(p["verdicts"] for p in dom["phones"]) == saved["summary"]["verdicts"]

    # the chart: laid out, one bar per severity, bar lengths in proportion to the counts
    assert dom["chart"] and dom["chart"]["width"] > 300 and dom["chart"]["height"] > 100
    assert [b["severity"] for b in dom["bars"]] == [s.value for s in Severity]
    assert {b["severity"]: b["count"] for b in dom["bars"]} == saved["summary"]["verdicts_by_severity"]
    top = max(dom["bars"], key=lambda b: b["count"])
    for bar in dom["bars"]:
        assert (bar["width"] > 0) == (bar["count"] > 0)
        assert abs(bar["width"] / top["width"] - bar["count"] / top["count"]) < 0.05
    assert dom["scripts"] == 0 and dom["images"] == 0

    # layout: nothing wider than the page or than the box it sits in
    layout = browser.evaluate(LAYOUT_PROBE)
    assert layout == {"overflow": 0, "wide": []}, layout

    shot = browser.screenshot(tmp_path / "fleet-report.png")
    assert shot.stat().st_size > 50_000
    show(request, capsys, f"screenshot of the fleet report: {shot}")

    # printing: every phone starts a page (print CSS), so the PDF has at least a page per phone
    browser.call("Emulation.setEmulatedMedia", media="print")
    breaks = browser.evaluate("[...document.querySelectorAll('section.phone')].map(s => getComputedStyle(s).breakBefore)")
    assert breaks == ["page"] * 14
    # the print layout at A4's text width (210 mm less 2 x 12 mm margins: 703 CSS px) fits without scrolling
    browser.call("Emulation.setDeviceMetricsOverride", width=703, height=1000, deviceScaleFactor=1, mobile=False)
    layout = browser.evaluate(LAYOUT_PROBE)
    assert layout == {"overflow": 0, "wide": []}, layout
    browser.call("Emulation.clearDeviceMetricsOverride")
    browser.call("Emulation.setEmulatedMedia", media="")
    pdf = browser.print_pdf(tmp_path / "fleet-report.pdf")
    assert pdf_pages(pdf.read_bytes()) >= 14 + 2  # the summary, a page per phone, the explanation


def test_the_german_page_from_the_saved_json_report(
    browser: Chromium, fleet_reports: dict[str, Path], tmp_path: Path,
    request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str],
) -> None:
    url = fleet_reports["report"].as_uri()
    assert_clean_load(browser.load(url), url)
    dom = browser.evaluate(DOM_PROBE)
    assert dom["lang"] == "de"
    assert dom["title"].startswith("Prüfbericht contact-audit")
    assert len(dom["phones"]) == 14
    text = browser.evaluate("document.body.innerText")
    assert "Was die Bewertungen bedeuten" in text and "Rufnummern Dritter" in text
    layout = browser.evaluate(LAYOUT_PROBE)
    assert layout == {"overflow": 0, "wide": []}, layout
    # German words are longer: the print layout at A4's text width must still fit
    browser.call("Emulation.setEmulatedMedia", media="print")
    browser.call("Emulation.setDeviceMetricsOverride", width=703, height=1000, deviceScaleFactor=1, mobile=False)
    assert browser.evaluate(LAYOUT_PROBE) == {"overflow": 0, "wide": []}
    browser.call("Emulation.clearDeviceMetricsOverride")
    browser.call("Emulation.setEmulatedMedia", media="")
    shot = browser.screenshot(tmp_path / "fleet-report-de.png")
    show(request, capsys, f"screenshot of the German fleet report: {shot}")


def test_hostile_device_text_stays_text_in_the_browser(browser: Chromium, tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(render_html(hostile_report()), encoding="utf-8")
    seen = browser.load(page.as_uri())
    assert_clean_load(seen, page.as_uri())  # no alert(), no request for "x"
    assert browser.evaluate("document.querySelectorAll('img, script').length") == 0
    text = browser.evaluate("document.body.innerText")
    assert HOSTILE in text and "<script>alert(2)</script>" in text
