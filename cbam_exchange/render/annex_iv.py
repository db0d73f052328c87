"""Annex IV reports as JSON and as PDF/A-3b (HTML from jinja2, rendered by WeasyPrint, the report's JSON attached
with pikepdf), in English as Art 10(4) of IR 2025/2547 requires."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cbam_exchange import __version__
from cbam_exchange.render.environment import html_environment
from cbam_exchange.resources import data_dir
from cbam_exchange.writers.atomic import atomic_output, write_text_atomic

if TYPE_CHECKING:
    from cbam_exchange.render.weasy import Early


def show(value: Any) -> str:
    """A value as a reader sees it: yes/no, numbers without noise, structures as 'key: value' text."""
    if value is None:
        return "not provided"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {show(v)}" for k, v in value.items() if v not in (None, [], {}))
    if isinstance(value, list):
        return " | ".join(show(v) for v in value) if value else "none"
    return str(value)


def report_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def report_html(doc: dict[str, Any]) -> str:
    env = html_environment().overlay()
    env.filters["show"] = show
    return env.get_template("annex_iv/report.html.j2").render(
        report={**doc, "inputs": doc.get("inputs")}, summary=doc["format"].endswith("summary-report"))


def _attach(raw: bytes, doc: dict[str, Any]) -> bytes:
    """The rendered report with its JSON attached and its title set."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(raw))
    name = f"{doc['format'].rsplit('/', 1)[-1]}.json"
    spec = pikepdf.AttachedFileSpec(pdf, report_json(doc).encode("utf-8"), filename=name,
                                    mime_type="application/json", description="the report as JSON",
                                    relationship=pikepdf.Name.Data)
    pdf.attachments[name] = spec
    pdf.Root.AF = pikepdf.Array([spec.obj])
    title = f"{doc['title']}: {doc.get('installation') or '-'}"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        meta["xmp:CreatorTool"] = f"cbam-exchange {__version__}"
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Creator"] = f"cbam-exchange {__version__}"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def renderer() -> Early:
    """The reports' renderer, started before the submission is read (`render.weasy.Early`)."""
    from cbam_exchange.render.weasy import Early

    return Early(data_dir("templates") / "annex_iv" / "report.css", data_dir("templates"))


def write_reports(reports: list[tuple[dict[str, Any], Path]], pdf_renderer: Early) -> list[Path]:
    """Write STEM.json and STEM.pdf atomically for each (report, STEM); returns the paths written. The reports are
    independent documents: they render at once where two cores allow (`render.weasy.render_all`)."""
    raws = pdf_renderer.render_all([report_html(doc) for doc, _ in reports])
    written: list[Path] = []
    for (doc, stem), raw in zip(reports, raws):
        json_path, pdf_path = stem.with_name(stem.name + ".json"), stem.with_name(stem.name + ".pdf")
        pdf = _attach(raw, doc)
        write_text_atomic(json_path, report_json(doc))
        with atomic_output(pdf_path) as tmp:
            tmp.write_bytes(pdf)
        written += [json_path, pdf_path]
    return written
