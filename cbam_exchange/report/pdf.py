"""Render the draft: HTML (jinja2) -> PDF/A-3b (WeasyPrint) -> evidence attached and metadata set (pikepdf)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from cbam_exchange import __version__
from cbam_exchange.report.context import draft_context
from cbam_exchange.verification.decisions import Decisions
from cbam_exchange.report.evidence import MANIFEST, build, sha256
from cbam_exchange.render.environment import html_environment
from cbam_exchange.resources import data_dir
from cbam_exchange.writers.atomic import atomic_output, write_text_atomic

_MIME = {".json": "application/json", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def stylesheet_path() -> Path:
    """The draft's CSS: a file of its own, given to WeasyPrint as a stylesheet (quotes survive, unlike in an
    autoescaped template)."""
    return data_dir("templates") / "report" / "draft.css"


def render_html(source: Path, year: int | None, decisions: Decisions | None) -> tuple[str, dict[str, bytes], Any]:
    """The HTML for WeasyPrint (styled by `stylesheet_path()`), the evidence files and the validation report."""
    report, files = build(source, year)
    evidence = {name: sha256(data) for name, data in files.items() if name != MANIFEST}
    context = draft_context(report, evidence, decisions, source.name)
    html = html_environment().get_template("report/draft.html.j2").render(**context)
    return html, files, report


def standalone_html(html: str) -> str:
    """The same HTML with the stylesheet inlined, for a browser reading the file on its own."""
    css = stylesheet_path().read_text(encoding="utf-8")
    return html.replace("</head>", f"<style>\n{css}</style>\n</head>", 1)


def _finish(pdf_bytes: bytes, files: dict[str, bytes], source_name: str, title: str, subject: str) -> bytes:
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    af = pikepdf.Array()
    for name, data in files.items():
        relationship = pikepdf.Name.Source if name == source_name else pikepdf.Name.Data
        spec = pikepdf.AttachedFileSpec(pdf, data, filename=name, mime_type=_MIME.get(Path(name).suffix, ""),
                                        description=f"evidence: {name}", relationship=relationship)
        pdf.attachments[name] = spec
        af.append(spec.obj)
    pdf.Root.AF = af
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["dc:description"] = subject
        meta["xmp:CreatorTool"] = f"cbam-exchange {__version__}"
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Subject"] = subject
    pdf.docinfo["/Creator"] = f"cbam-exchange {__version__}"
    pdf.docinfo["/Keywords"] = "CBAM; verification report; DRAFT; not a verification opinion"
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def write_draft(source: Path, target: Path, *, year: int | None = None, decisions: Decisions | None = None,
                html_target: Path | None = None) -> Any:
    """Write the PDF draft (and the HTML where asked); returns the validation report it was made from."""
    import weasyprint

    html, files, report = render_html(source, year, decisions)
    if html_target is not None:
        write_text_atomic(html_target, standalone_html(html))
    pdf = weasyprint.HTML(string=html, base_url=str(data_dir("templates"))).write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(stylesheet_path()))], pdf_variant="pdf/a-3b")
    s = report.submission
    title = f"Verification-report draft: {s.installation.name or source.name}"
    subject = (f"{s.installation.name or '-'} ({s.installation.country_code or '-'}), reporting period "
               f"{s.reporting_period.start or '?'} to {s.reporting_period.end or '?'}; generated "
               f"{dt.date.today().isoformat()}")
    finished = _finish(pdf, files, source.name, title, subject)
    with atomic_output(target) as tmp:
        tmp.write_bytes(finished)
    return report
