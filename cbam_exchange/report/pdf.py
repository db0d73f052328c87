"""Render the draft: HTML (jinja2) -> PDF/A-3b (WeasyPrint) -> evidence attached and metadata set (pikepdf)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cbam_exchange import __version__
from cbam_exchange.report.context import draft_context
from cbam_exchange.report.evidence import (CONTEXT, CONTRACT_VERSION, MANIFEST, PAGES, build, dumps, manifest,
                                           render_inputs, sha256)
from cbam_exchange.report.pages import page_texts
from cbam_exchange.report.xmp import info_dictionary, pdf_date, xmp_packet
from cbam_exchange.verification.decisions import Decisions, parse_decisions
from cbam_exchange.render.environment import html_environment
from cbam_exchange.resources import data_dir
from cbam_exchange.writers.atomic import atomic_output, write_text_atomic

if TYPE_CHECKING:
    from cbam_exchange.render.weasy import Early

_MIME = {".json": "application/json", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
KEYWORDS = "CBAM; verification report; DRAFT; not a verification opinion"


def stylesheet_path() -> Path:
    """The draft's CSS: a file of its own, given to WeasyPrint as a stylesheet (quotes survive, unlike in an
    autoescaped template)."""
    return data_dir("templates") / "report" / "draft.css"


def html_for(report: Any, files: dict[str, bytes], source_name: str, generated: str,
             decisions: Decisions | None) -> str:
    """The HTML for WeasyPrint (styled by `stylesheet_path()`): depends only on the evidence files, the verifier's
    decisions and the date of the draft, all recorded in the draft so that `check` renders the same pages."""
    evidence = {name: sha256(data) for name, data in files.items() if name not in (MANIFEST, PAGES)}
    context = draft_context(report, evidence, decisions, source_name)
    context["generated"] = generated
    return html_environment().get_template("report/draft.html.j2").render(**context)


def render_html(source: Path, year: int | None, decisions: Decisions | None) -> tuple[str, dict[str, bytes], Any]:
    """The HTML of a draft of `source` dated today, its evidence files and the validation report."""
    report, files = build(source.name, source.read_bytes(), year)
    return html_for(report, files, source.name, dt.date.today().isoformat(), decisions), files, report


def decisions_from(recorded: dict[str, Any] | None) -> Decisions | None:
    """The verifier's decisions from their record in `draft-context.json` (name and mapping as read)."""
    return parse_decisions(recorded["data"], recorded["name"]) if recorded else None


def early_renderer() -> Early:
    """The draft's renderer, started before the submission is read (`render.weasy.Early`)."""
    from cbam_exchange.render.weasy import Early

    return Early(stylesheet_path(), data_dir("templates"))


def standalone_html(html: str) -> str:
    """The same HTML with the stylesheet inlined, for a browser reading the file on its own."""
    css = stylesheet_path().read_text(encoding="utf-8")
    return html.replace("</head>", f"<style>\n{css}</style>\n</head>", 1)


def _finish(pdf_bytes: bytes, files: dict[str, bytes], source_name: str, title: str, subject: str,
            created: dt.datetime) -> bytes:
    """Attach every evidence file (with its relationship and dates), set XMP and the information dictionary."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    af = pikepdf.Array()
    stamp = pdf_date(created)
    for name, data in files.items():
        relationship = pikepdf.Name.Source if name == source_name else pikepdf.Name.Data
        spec = pikepdf.AttachedFileSpec(pdf, data, filename=name, mime_type=_MIME.get(Path(name).suffix, ""),
                                        description=f"evidence: {name}", relationship=relationship,
                                        creation_date=stamp, mod_date=stamp)
        pdf.attachments[name] = spec
        af.append(spec.obj)
    pdf.Root.AF = af
    pdf.Root.PageMode = pikepdf.Name.UseAttachments
    tool = f"cbam-exchange {__version__}"
    producer = str(pdf.docinfo.get("/Producer", "WeasyPrint")) + f"; {tool}"
    meta = {"title": title, "subject": subject, "keywords": KEYWORDS, "creator_tool": tool, "producer": producer,
            "created": created}
    pdf.Root.Metadata = pdf.make_stream(xmp_packet(**meta, file_name=MANIFEST, version=CONTRACT_VERSION),
                                        Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    for key, value in info_dictionary(**meta).items():
        pdf.docinfo[key] = value
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def write_draft(source: Path, target: Path, *, year: int | None = None,
                decisions: tuple[str, dict[str, Any]] | None = None, html_target: Path | None = None) -> Any:
    """Write the PDF draft (and the HTML where asked); returns the validation report it was made from.
    `decisions` is the verifier's decisions file as read: its name and its mapping (recorded in the draft)."""
    created = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    generated = created.date().isoformat()
    recorded = None
    if decisions is not None:
        # recorded as JSON and parsed from that record, exactly as `check` will parse it
        recorded = {"name": decisions[0], "data": json.loads(json.dumps(decisions[1], default=str))}
    with early_renderer() as renderer:  # a child imports WeasyPrint meanwhile, where a second core can help
        parsed = decisions_from(recorded)
        report, files = build(source.name, source.read_bytes(), year)
        files[CONTEXT] = render_inputs(generated, recorded, report.year)
        html = html_for(report, files, source.name, generated, parsed)
        if html_target is not None:
            write_text_atomic(html_target, standalone_html(html))
        pdf = renderer.render(html)
    files[PAGES] = dumps({"pages": page_texts(pdf)})
    files[MANIFEST] = manifest(files, source.name, report.year)
    s = report.submission
    title = f"Verification-report draft: {s.installation.name or source.name}"
    subject = (f"{s.installation.name or '-'} ({s.installation.country_code or '-'}), reporting period "
               f"{s.reporting_period.start or '?'} to {s.reporting_period.end or '?'}; generated {generated}")
    finished = _finish(pdf, files, source.name, title, subject, created)
    with atomic_output(target) as tmp:
        tmp.write_bytes(finished)
    return report
