"""What changed between two submissions of one installation (a resubmission after the verifier's findings):
inputs changed with their cells, declared and recomputed SEE per good, findings opened and closed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cbam_exchange.checks.findings import Finding
from cbam_exchange.checks.run import ValidationReport
from cbam_exchange.model.identity import installation_id
from cbam_exchange.model.submission import Submission

_NOT_INPUTS = ("format", "format_version", "source", "declared", "sources", "notes")


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, v in value.items():
            _flatten(v, f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        for k, v in enumerate(value):
            _flatten(v, f"{prefix}[{k}]", out)
    else:
        out[prefix] = value


def inputs_of(submission: Submission) -> dict[str, Any]:
    """Every input the submission provides, by model path (declared results and read bookkeeping left out)."""
    data = {k: v for k, v in submission.to_dict().items() if k not in _NOT_INPUTS}
    out: dict[str, Any] = {}
    _flatten(data, "", out)
    return out


@dataclass
class InputChange:
    path: str
    cell: str | None
    old: Any
    new: Any


@dataclass
class GoodChange:
    row: int
    cn_code: str | None
    declared_old: dict[str, float | None]
    declared_new: dict[str, float | None]
    recomputed_old: dict[str, float | None]
    recomputed_new: dict[str, float | None]


@dataclass
class SubmissionDiff:
    same_installation: bool
    installation_old: str
    installation_new: str
    inputs: list[InputChange] = field(default_factory=list)
    goods: list[GoodChange] = field(default_factory=list)
    opened: list[Finding] = field(default_factory=list)
    closed: list[Finding] = field(default_factory=list)
    kept: list[Finding] = field(default_factory=list)


def _cell(submission: Submission, path: str) -> str | None:
    s = submission.sources.get(path)
    return f"{s.sheet}!{s.cell}" if s else None


def _key(f: Finding) -> tuple[str, str, str, str]:
    """A finding is the same finding in both files where rule and place match, whatever the value found."""
    return (f.rule, f.path or "", f.sheet or "", f.cell or "")


def _parts(obj: Any) -> dict[str, float | None]:
    return {q: getattr(obj, q, None) if obj is not None else None for q in ("see_direct", "see_indirect", "see_total")}


def diff_submissions(old: ValidationReport, new: ValidationReport) -> SubmissionDiff:
    a, b = old.submission, new.submission
    ida, idb = installation_id(a), installation_id(b)
    d = SubmissionDiff(ida == idb, ida, idb)
    before, after = inputs_of(a), inputs_of(b)
    for path in sorted(set(before) | set(after)):
        if before.get(path) != after.get(path):
            d.inputs.append(InputChange(path, _cell(b, path) or _cell(a, path), before.get(path), after.get(path)))
    declared_old = {p.row: p for p in a.declared.products} if a.declared else {}
    declared_new = {p.row: p for p in b.declared.products} if b.declared else {}
    rec_old = {p.row: p for p in old.result.products}
    rec_new = {p.row: p for p in new.result.products}
    for row in sorted(set(rec_old) | set(rec_new)):
        product = rec_new.get(row) or rec_old[row]
        d.goods.append(GoodChange(row, product.cn_code, _parts(declared_old.get(row)), _parts(declared_new.get(row)),
                                  _parts(rec_old.get(row)), _parts(rec_new.get(row))))
    keys_old = {_key(f): f for f in old.findings}
    keys_new = {_key(f): f for f in new.findings}
    d.closed = [f for k, f in keys_old.items() if k not in keys_new]
    d.opened = [f for k, f in keys_new.items() if k not in keys_old]
    d.kept = [f for k, f in keys_new.items() if k in keys_old]
    return d
