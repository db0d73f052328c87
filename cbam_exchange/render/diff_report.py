"""`cbam diff` output: what changed between two submissions, as a JSON document or as text."""

from __future__ import annotations

from typing import Any

from cbam_exchange.checks.findings import Finding
from cbam_exchange.verification.diff import SubmissionDiff

CONTRACT = "cbam-exchange/diff 1.0"


def _finding(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "severity": f.severity.value, "cell": f"{f.sheet}!{f.cell}" if f.sheet else None,
            "path": f.path, "message": f.message, "fingerprint": f.fingerprint}


def _json_value(v: Any) -> Any:
    return v if v is None or isinstance(v, (str, int, float, bool)) else str(v)


def diff_document(old_name: str, new_name: str, d: SubmissionDiff) -> dict[str, Any]:
    return {"contract": CONTRACT, "old": old_name, "new": new_name, "same_installation": d.same_installation,
            "installation": {"old": d.installation_old, "new": d.installation_new},
            "inputs_changed": [{"path": c.path, "cell": c.cell, "old": _json_value(c.old), "new": _json_value(c.new)}
                               for c in d.inputs],
            "goods": [{"row": g.row, "cn_code": g.cn_code,
                       "declared": {"old": g.declared_old, "new": g.declared_new},
                       "recomputed": {"old": g.recomputed_old, "new": g.recomputed_new}} for g in d.goods],
            "findings": {"opened": [_finding(f) for f in d.opened], "closed": [_finding(f) for f in d.closed],
                         "still_open": [_finding(f) for f in d.kept]}}


def _see(v: float | None) -> str:
    return "—" if v is None else f"{v:.5f}"


def diff_text(doc: dict[str, Any]) -> str:
    lines = [f"{doc['old']} -> {doc['new']}"]
    if not doc["same_installation"]:
        lines.append(f"warning: not the same installation ({doc['installation']['old']} vs "
                     f"{doc['installation']['new']})")
    lines.append(f"\ninputs changed: {len(doc['inputs_changed'])}")
    for c in doc["inputs_changed"]:
        lines.append(f"  {c['cell'] or c['path']:<28} {c['old']!s:>16} -> {c['new']!s:<16} {c['path']}")
    lines.append("\nSEE per good (tCO2e/t): declared old -> new | recomputed old -> new")
    for g in doc["goods"]:
        for q in ("see_direct", "see_indirect", "see_total"):
            do, dn = g["declared"]["old"][q], g["declared"]["new"][q]
            ro, rn = g["recomputed"]["old"][q], g["recomputed"]["new"][q]
            mark = "" if (do, dn) == (dn, dn) and ro == rn else "  *"
            lines.append(f"  row {g['row']} {g['cn_code'] or '-'} {q:<12} {_see(do)} -> {_see(dn)} | "
                         f"{_see(ro)} -> {_see(rn)}{mark}")
    for title, key in (("findings closed", "closed"), ("findings opened", "opened"), ("still open", "still_open")):
        items = doc["findings"][key]
        lines.append(f"\n{title}: {len(items)}")
        for f in items:
            lines.append(f"  {f['rule']} {f['severity']:<7} {f['cell'] or f['path'] or '-'}: {f['message']}")
    return "\n".join(lines) + "\n"
