"""The rule catalogue, in the spirit of ruff and sqlfluff: stable codes grouped by family, each documented with a
rationale, a remedy, a legal or methodological reference and a bad and a good example that are also its tests.

A rule is a function decorated with `@rule(...)`; it receives a CheckContext and yields findings through
`ctx.report(...)`. Examples are patches on a clean base submission, written with model paths.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cbam_exchange.checks.findings import Severity

FAMILIES = {
    "SC": "schema: types, ranges, required fields and allowed values of the model's tables",
    "RD": "reading: what the reader could not take from the file",
    "ID": "identity and period",
    "AR": "arithmetic: recomputation, totals and the workbook's own formulas",
    "UN": "units and scale",
    "PH": "physics and plausibility",
    "PR": "precursors",
    "EL": "electricity",
    "CP": "carbon price paid",
    "MZ": "missing versus zero, and inputs required only in some cases",
    "DV": "default values: the official value for code, country and year, or a finding where none resolves",
}


@dataclass(frozen=True)
class Example:
    """A patch on the clean base submission: model path -> value (None deletes)."""

    patch: dict[str, Any]
    path: str | None = None  # where the bad example's finding must point
    cell: str | None = None  # ... and its cell, once written into the official template
    base: str = "steelworks-bf-bof"  # the clean example submission (examples/) the patch applies to


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    message: str
    rationale: str
    remedy: str
    reference: str
    bad: Example
    good: Example
    check: Callable[..., Iterable[None]] = field(compare=False, repr=False)
    blocking: bool = False  # a blocking error cannot be waived
    template_only: bool = False  # bad example only meaningful on a workbook

    @property
    def family(self) -> str:
        return self.code.split("-")[0]


_RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, message: str, *, rationale: str, remedy: str, reference: str,
         bad: Example, good: Example, blocking: bool = False, template_only: bool = False
         ) -> Callable[[Callable[..., Iterable[None]]], Callable[..., Iterable[None]]]:
    def register(fn: Callable[..., Iterable[None]]) -> Callable[..., Iterable[None]]:
        if code in _RULES:
            raise ValueError(f"rule code {code} registered twice")
        _RULES[code] = Rule(code, name, Severity(severity), message, rationale, remedy, reference, bad, good, fn,
                            blocking, template_only)
        return fn
    return register


def all_rules() -> list[Rule]:
    from cbam_exchange.checks import rules  # noqa: F401  (registers every rule module)
    return sorted(_RULES.values(), key=lambda r: r.code)


def _plain(value: Any) -> Any:
    """An example's patch as strict JSON: NaN and infinities as their names."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def describe(r: Rule) -> dict[str, Any]:
    """A rule's documentation as data: what `cbam rules` prints and docs/rules.md is generated from."""
    return {"code": r.code, "name": r.name, "family": FAMILIES[r.family], "severity": r.severity.value,
            "blocking": r.blocking, "template_only": r.template_only, "message": r.message,
            "rationale": r.rationale, "remedy": r.remedy, "reference": r.reference,
            "bad_example": {"base": r.bad.base, "patch": _plain(r.bad.patch), "path": r.bad.path, "cell": r.bad.cell},
            "good_example": {"base": r.good.base, "patch": _plain(r.good.patch)}}


def selected(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> Iterator[Rule]:
    """Rules whose code starts with one of `select` (all where empty) and with none of `ignore`."""
    sel, ign = [s.upper() for s in select if s], [s.upper() for s in ignore if s]
    for r in all_rules():
        if sel and not any(r.code.startswith(s) for s in sel):
            continue
        if any(r.code.startswith(s) for s in ign):
            continue
        yield r
