"""`cbam risk` output: the risk ranking per good as a JSON document or as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cbam_exchange.verification.sensitivity import PRO_RATA, GoodRisk

CONTRACT = "cbam-exchange/risk 1.0"


def risk_document(file: Path, sha256: str, risks: list[GoodRisk]) -> dict[str, Any]:
    return {"contract": CONTRACT, "file": file.name, "sha256": sha256,
            "elasticity": "relative change of the good's SEE (on its legal basis) per relative change of the input",
            "pro_rata": "source-stream inputs are not linked to processes in the template: their elasticity assumes "
                        "the stream's emissions spread over the processes in proportion to DirEm",
            "goods": [r.as_dict() for r in risks]}


def risk_text(document: dict[str, Any], top: int) -> str:
    lines = [f"{document['file']}: sensitivity of each good's SEE to its inputs (elasticity = % change of SEE per "
             "% change of the input)"]
    for g in document["goods"]:
        see = "not computed" if g["see"] is None else f"{g['see']:.5f} tCO2e/t"
        share = "" if g["default_share"] is None else f"; {g['default_share'] * 100:.1f} % on default values"
        lines.append("")
        lines.append(f"product row {g['row']} {g['cn_code'] or '-'} {g['name'] or ''}: {g['basis']} {see}{share}")
        lines.append(f"  basis: {g['basis_reference']}")
        if g["note"]:
            lines.append(f"  {g['note']}")
        for k, s in enumerate(g["inputs"][:top], 1):
            mark = " *" if s["via"] == PRO_RATA else ""
            lines.append(f"  {k:>2}. {s['elasticity']:+8.4f}  {s['cell'] or s['path']:<24} {s['value']:>14,.6g}  "
                         f"{s['label']}{mark}")
        if len(g["inputs"]) > top:
            lines.append(f"      ... {len(g['inputs']) - top} more (--top N or --format json)")
    lines.append("")
    lines.append("* " + document["pro_rata"])
    return "\n".join(lines) + "\n"
