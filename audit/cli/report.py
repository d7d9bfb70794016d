"""`contact-audit report`: a saved JSON report (schema v1) turned into a report for people.

Why a command of its own: the scan that produced the evidence and the document a data-protection
officer reads are often days and desks apart. The JSON report is the archive (history, CI
artefacts); this renders it again without a phone, in either language.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from audit.cli.common import EXIT_OK, Lang, app, err, guard


class ReportFormat(str, Enum):
    html = "html"


@app.command("report")
def report_command(
    file: Annotated[Path, typer.Argument(metavar="FILE.json", show_default=False,
                                         help="A JSON report (schema v1), as written by `scan -f json`.")],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.html,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the report to this file (atomically) instead of stdout."),
    ] = None,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", envvar="CONTACT_AUDIT_LANG",
                     help="Language of the report (default: the language the JSON report was written in)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Say nothing on stderr.")] = False,
) -> None:
    """Render a saved JSON report as HTML for the data-protection officer.

    The file is checked against JSON schema v1 and against itself (the summary must match the
    phones); a damaged, foreign or other-version file is refused with one line and exit status 2.
    Exit status 0 when the report was written.
    """

    def body() -> int:
        from audit.cli.scan import check_writable
        from audit.report.html_report import render_html_document
        from audit.report.json_reader import read_report
        from audit.report.output import write_atomic

        if output is not None:
            check_writable(output)
        renderers = {ReportFormat.html: render_html_document}
        doc = read_report(file)
        chosen = lang.value if lang is not None else doc["lang"]
        text = renderers[fmt](doc, chosen)
        if output is not None:
            write_atomic(output, text)
            if not quiet:
                err.print(f"report written to {escape(str(output))}")
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        return EXIT_OK

    raise typer.Exit(guard(body))
