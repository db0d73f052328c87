"""`cbam supplement init`: a YAML file with exactly the Annex IV elements the given submission lacks, pre-filled
where the template suggests a value, each line commented with its item numbers and who needs it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cbam_exchange.annex_iv.elements import Element, elements
from cbam_exchange.model.codec import to_dict
from cbam_exchange.model.paths import tokens
from cbam_exchange.model.submission import Submission
from cbam_exchange.readers.supplement import SUPPLEMENT_FORMAT, SUPPLEMENT_VERSION

_SHAPES = {
    "electricity_sources": '[{kind: grid, mwh: 1200, emission_factor: 0.45, emission_factor_basis: "...", '
                           'supplier: {name: "...", country_code: XX}}]',
    "non_cbam_goods": '[{name: "...", process: P1, quantity: 100, unit: t}]',
    "non_cbam_processes": '["..."]',
    "heat_counterparts": '[{name: "...", installation: "...", country_code: XX}]',
    "waste_gas_counterparts": '[{name: "...", installation: "...", country_code: XX}]',
    "transfers": '[{direction: sent, purpose: geological storage, captured: true, amount: 1000, '
                 'counterpart: {name: "...", contact: "..."}}]',
    "electricity_addenda": '[{declarant_eori: XX123456789, pt5_confirmed: true, mwh: 1000}]',
}
_HEADER = """\
# Supplement to {name}: the items of Annex IV to Implementing Regulation (EU) 2025/2547 that the Commission's
# "Communication template for installations" has no cell for. Fill in what applies and leave null what you cannot
# provide: null is reported as "not provided", never as zero. Use with the workbook, e.g.
#   cbam annex-iv {name} --supplement THIS.yaml -o report
# Item numbers: §1.1 operator's emissions report, §1.2 summary report (what an importer may see).
# [D] the declarant needs it (missing: error); [V] the verifier's context (missing: warning).
# Percentages are 0-100. Dates are YYYY-MM-DD. Country codes are ISO 3166-1 alpha-2.
"""


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(to_dict(value), ensure_ascii=False)  # text, lists, mappings: JSON is valid YAML flow style


def _comment(text: str) -> str:
    return "".join(ch if ch >= " " else " " for ch in text)


def _tree(submission: Submission, items: list[Element]) -> dict[str, Any]:
    """Nested mapping of the elements: leaves are (value, comment); list entries are dicts keyed by index."""
    root: dict[str, Any] = {}
    d = submission.definitive
    rows = {**{k: g.product_row for k, g in enumerate(d.goods)}} if d else {}
    pids = {**{k: p.precursor_id for k, p in enumerate(d.precursors)}} if d else {}
    for e in items:
        if e.from_template:
            continue
        toks = tokens(e.path)[1:]  # without "definitive"
        node = root
        for i, tok in enumerate(toks[:-1]):
            if isinstance(tok, int):
                continue
            nxt = toks[i + 1]
            if isinstance(nxt, int):
                node = node.setdefault(tok, {}).setdefault(nxt, {})
                if tok == "goods" and "product_row" not in node:
                    row = rows.get(nxt) or _row_of(e)
                    node["product_row"] = (row, e.label.split(":")[0])
                if tok == "precursors" and "precursor_id" not in node:
                    node["precursor_id"] = (pids.get(nxt) or e.label.split(" ")[0], e.label.split(":")[0])
            else:
                node = node.setdefault(tok, {})
        value = e.value if e.value is not None else e.prefill
        note = f"[{e.need}] {e.items}: {e.label.split(': ', 1)[-1]}"
        if e.hint:
            note += f"; {e.hint}"
        shape = _SHAPES.get(str(toks[-1]))
        if shape and value is None:
            note += f"; e.g. {shape}"
        node[toks[-1]] = (value, note)
    return root


def _row_of(e: Element) -> int:
    return int(e.label.split(" ")[1])


def _emit(node: dict[str, Any], indent: int, lines: list[str]) -> None:
    pad = "  " * indent
    for key, child in node.items():
        if isinstance(child, tuple):
            value, note = child
            lines.append(f"{pad}{key}: {_scalar(value)}  # {_comment(note)}")
        elif child and all(isinstance(k, int) for k in child):
            lines.append(f"{pad}{key}:")
            for k in sorted(child):
                entry = child[k]
                first, *rest = entry.items()
                value, note = first[1]
                lines.append(f"{pad}  - {first[0]}: {_scalar(value)}  # {_comment(note)}")
                sub: list[str] = []
                _emit(dict(rest), indent + 2, sub)
                lines.extend(sub)
        else:
            lines.append(f"{pad}{key}:")
            _emit(child, indent + 1, lines)


def supplement_yaml(submission: Submission, file_name: str) -> str:
    """The pre-filled supplement for a submission, as YAML text with comments."""
    lines = [_HEADER.format(name=_comment(file_name)).rstrip("\n"),
             f"format: {SUPPLEMENT_FORMAT}", f'format_version: "{SUPPLEMENT_VERSION}"',
             f"workbook: {json.dumps(file_name, ensure_ascii=False)}", "definitive:"]
    _emit(_tree(submission, elements(submission)), 1, lines)
    return "\n".join(lines) + "\n"
