"""What every rule sees: the submission, its recomputation, the year, and a way to report a finding at a place."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from cbam_exchange.calc.results import ProcessResult, Recomputation
from cbam_exchange.checks.catalogue import Rule
from cbam_exchange.checks.findings import Finding
from cbam_exchange.layouts import expected_cell
from cbam_exchange.model.submission import ProductionProcess, Submission


def key(text: Any) -> str:
    """A list value as the template compares it: without outer spaces and case ("Pig iron" = "pig iron ")."""
    return str(text).strip().casefold() if text is not None else ""


def by_key(table: dict[str, Any], text: Any) -> Any:
    """The entry of a table keyed by category, route or code whose key matches `text` without case and spaces."""
    wanted = key(text)
    if not wanted:
        return None
    return next((v for k, v in table.items() if key(k) == wanted), None)


def finite(value: Any) -> bool:
    """True for a real, finite number: None, text, NaN and infinities are not numbers a rule can judge with."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _show(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


@dataclass
class CheckContext:
    submission: Submission
    result: Recomputation
    year: int
    findings: list[Finding] = field(default_factory=list)
    rule: Rule | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    def locate(self, path: str | None) -> tuple[str | None, str | None]:
        """Sheet and cell of a model path; for a whole item, the first cell it was read from."""
        if not path:
            return None, None
        source = self.submission.sources.get(path)
        if source is None:
            for key, candidate in self.submission.sources.items():
                if key.startswith(path + ".") or key.startswith(path + "["):
                    source = candidate
                    break
        if source is not None:
            return source.sheet, source.cell
        ref = expected_cell(self.submission, path)
        return (ref.sheet, ref.cell) if ref else (None, None)

    def report(self, path: str | None, *, value: Any = None, expected: Any = None,
               details: dict[str, object] | None = None, at: tuple[str | None, str | None] | None = None,
               **message_args: Any) -> None:
        """Record a finding of the running rule at `path` (or at the cell `at`, where the reader noted one), with
        the severity the rule declares: a rule never emits another severity (ruff's contract)."""
        rule = self.rule
        assert rule is not None
        sheet, cell = at if at and at[0] else self.locate(path)
        args = {"value": _show(value), "expected": _show(expected), **message_args}
        self.findings.append(Finding(
            rule=rule.code, severity=rule.severity, title=rule.name,
            message=rule.message.format(**args), path=path, sheet=sheet, cell=cell, value=_show(value),
            expected=_show(expected), remedy=rule.remedy, reference=rule.reference, details=details or {},
            args=args))

    # shared lookups ---------------------------------------------------------------------------------------------
    def process_result(self, process_id: str) -> ProcessResult | None:
        return next((p for p in self.result.processes if p.id == process_id), None)

    def process_by_name(self, name: str | None) -> tuple[int, ProductionProcess] | None:
        for k, p in enumerate(self.submission.processes):
            if p.name is not None and name is not None and key(p.name) == key(name):
                return k, p
        return None

    def process_index(self, process_id: str) -> int | None:
        return next((k for k, p in enumerate(self.submission.processes) if p.id == process_id), None)
