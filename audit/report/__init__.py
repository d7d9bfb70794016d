"""Reports: a human table, CSV schema v1, JSON schema v1 and an HTML page of one ``ScanReport``.

Every function here returns text and prints nothing: stdout belongs to the CLI, which writes
exactly one report there (or to a file via ``write_atomic``).
"""

from __future__ import annotations

from audit.errors import UsageError
from audit.report.csv_report import render_csv
from audit.report.exit_codes import exit_code
from audit.report.json_report import render_json
from audit.report.output import write_atomic
from audit.report.summary import FleetSummary, summarize
from audit.report.table import WIDTH as TABLE_WIDTH
from audit.report.table import render_table
from audit.results import ScanReport

FORMATS = ("table", "csv", "json", "html")

__all__ = ["FORMATS", "FleetSummary", "exit_code", "render", "summarize", "write_atomic"]


def render(
    report: ScanReport,
    fmt: str,
    lang: str = "en",
    excel: bool = False,
    *,
    width: int | None = None,
    colour: bool = False,
) -> str:
    """``report`` in format ``fmt``. ``excel`` only affects CSV (BOM and ``;``); ``width`` (the
    terminal's columns) and ``colour`` only the table."""
    if fmt == "table":
        return render_table(report, lang, width=width or TABLE_WIDTH, colour=colour)
    if fmt == "csv":
        return render_csv(report, lang, excel=excel)
    if fmt == "json":
        return render_json(report, lang)
    if fmt == "html":
        from audit.report.html_report import render_html  # Jinja is loaded only when asked for

        return render_html(report, lang)
    raise UsageError(f"unknown report format {fmt[:20]!r}; choose one of {', '.join(FORMATS)}")
