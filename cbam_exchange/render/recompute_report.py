"""`cbam recompute` output: the JSON contract and the text view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cbam_exchange.calc.comparison import Difference
from cbam_exchange.calc.results import Recomputation
from cbam_exchange.model.codec import to_dict
from cbam_exchange.model.submission import Submission
from cbam_exchange.render import formatting
from cbam_exchange.render.environment import text_environment

CONTRACT_VERSION = "1.0"


def recompute_document(file: Path, sha256: str, submission: Submission, result: Recomputation,
                       differences: list[Difference]) -> dict[str, Any]:
    """The stable JSON contract: SEE in tCO2e per t (per MWh for electricity); null where not computed/declared."""
    declared = submission.declared if submission.declared and submission.declared.available else None
    d_proc = {p.id: p for p in declared.processes} if declared else {}
    d_prod = {p.row: p for p in declared.products} if declared else {}
    processes = []
    for p in result.processes:
        d = d_proc.get(p.id)
        processes.append({
            "id": p.id, "name": p.name, "category": p.category, "activity_level": p.activity_level,
            "see_direct": p.see_direct, "see_indirect": p.see_indirect,
            "se_direct": p.se_direct, "se_indirect": p.se_indirect,
            "attributed_direct": p.attributed_direct, "attributed_indirect": p.attributed_indirect,
            "embedded_electricity": p.embedded_electricity,
            "precursors": [{"id": u.id, "kind": u.kind, "amount": u.amount, "per_unit": u.per_unit}
                           for u in p.precursors],
            "declared": {"see_direct": d.see_direct if d else None, "see_indirect": d.see_indirect if d else None},
            "missing": p.missing,
        })
    products = []
    for pr in result.products:
        d = d_prod.get(pr.row)
        products.append({
            "row": pr.row, "cn_code": pr.cn_code, "name": pr.name, "process": pr.process,
            "see_direct": pr.see_direct, "see_indirect": pr.see_indirect, "see_total": pr.see_total,
            "embedded_electricity": pr.embedded_electricity,
            "declared": {"see_direct": d.see_direct if d else None, "see_indirect": d.see_indirect if d else None,
                         "see_total": d.see_total if d else None},
            "missing": pr.missing,
        })
    return {
        "contract": f"cbam-exchange/recompute {CONTRACT_VERSION}",
        "file": str(file), "sha256": sha256,
        "format": submission.source.format, "template_version": submission.source.template_version,
        "declared_available": declared is not None,
        "installation": {"name": submission.installation.name, "totals": to_dict(result.totals,
                                                                                 exclude_defaults=False)},
        "processes": processes,
        "purchased_precursors": [{"id": p.id, "name": p.name, "category": p.category, "amount": p.amount,
                                  "see_direct": p.see_direct, "see_indirect": p.see_indirect, "missing": p.missing}
                                 for p in result.purchased],
        "products": products,
        "differences": [to_dict(d, exclude_defaults=False) for d in differences],
        "notes": [to_dict(n) for n in submission.notes],
        "solver_note": result.solver_note,
    }


def recompute_text(document: dict[str, Any]) -> str:
    shown = [d for d in document["differences"] if d["relative"] is not None and abs(d["relative"]) > 1e-9]
    top = sorted(shown, key=lambda d: abs(d["relative"]), reverse=True)[:10]
    return text_environment().get_template("recompute.txt.j2").render(doc=document, top=top, fmt=formatting,
                                                                      tables=_tables(document, top))


def _tables(document: dict[str, Any], top: list[dict[str, Any]]) -> dict[str, str]:
    """Processes, products and differences laid out by rich: aligned columns, names wrapped, never cut."""
    from cbam_exchange.render.tables import table

    declared = document["declared_available"]
    see, text = formatting.see, formatting.text
    head = ["process", "name", "SEE direct"] + (["declared"] if declared else []) + ["SEE indirect"] + \
        (["declared"] if declared else [])
    rows = []
    for p in document["processes"]:
        row = [p["id"], text(p["name"]), see(p["see_direct"])]
        row += [see(p["declared"]["see_direct"])] if declared else []
        row += [see(p["see_indirect"])] + ([see(p["declared"]["see_indirect"])] if declared else [])
        rows.append(row)
    processes = table(head, rows, right=range(2, len(head)), title="Processes (SEE in tCO2e per t or MWh)")
    head = ["row", "CN code", "name", "SEE direct", "SEE indirect", "SEE total"] + \
        (["declared direct", "declared indirect", "declared total"] if declared else [])
    rows = []
    for pr in document["products"]:
        row = [str(pr["row"]), text(pr["cn_code"]), text(pr["name"]), see(pr["see_direct"]),
               see(pr["see_indirect"]), see(pr["see_total"])]
        if declared:
            row += [see(pr["declared"][q]) for q in ("see_direct", "see_indirect", "see_total")]
        rows.append(row)
    products = table(head, rows, right=[0] + list(range(3, len(head))), title="Products")
    differences = table(["subject", "quantity", "recomputed", "declared", "difference"],
                        [[d["subject"], d["quantity"], formatting.num(d["recomputed"], 5),
                          formatting.num(d["declared"], 5), f"{d['relative'] * 100:+.3f} %"] for d in top],
                        right=(2, 3, 4))
    return {"processes": processes, "products": products, "differences": differences}
