"""Annex IV reports as JSON and as PDF/A-3b (HTML from jinja2, rendered by WeasyPrint, the report's JSON attached
with pikepdf), in English as Art 10(4) of IR 2025/2547 requires."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from cbam_exchange import __version__
from cbam_exchange.render.environment import html_environment
from cbam_exchange.resources import data_dir
from cbam_exchange.writers.atomic import atomic_output, write_text_atomic


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


def _pdf_bytes(doc: dict[str, Any]) -> bytes:
    import pikepdf
    import weasyprint

    css = data_dir("templates") / "annex_iv" / "report.css"
    raw = weasyprint.HTML(string=report_html(doc), base_url=str(data_dir("templates"))).write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(css))], pdf_variant="pdf/a-3b")
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


def write_report(doc: dict[str, Any], stem: Path) -> list[Path]:
    """Write STEM.json and STEM.pdf atomically; returns the paths written."""
    json_path, pdf_path = stem.with_name(stem.name + ".json"), stem.with_name(stem.name + ".pdf")
    pdf = _pdf_bytes(doc)
    write_text_atomic(json_path, report_json(doc))
    with atomic_output(pdf_path) as tmp:
        tmp.write_bytes(pdf)
    return [json_path, pdf_path]
