"""What every rule sees: the submission, its recomputation, the year, and a way to report a finding at a place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cbam_exchange.calc.results import ProcessResult, Recomputation
from cbam_exchange.checks.catalogue import Rule
from cbam_exchange.checks.findings import Finding, Severity
from cbam_exchange.layouts import expected_cell
from cbam_exchange.model.submission import ProductionProcess, Submission


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

    def report(self, path: str | None, *, value: Any = None, expected: Any = None, severity: Severity | None = None,
               details: dict[str, object] | None = None, at: tuple[str | None, str | None] | None = None,
               **message_args: Any) -> None:
        """Record a finding of the running rule at `path` (or at the cell `at`, where the reader noted one)."""
        rule = self.rule
        assert rule is not None
        sheet, cell = at if at and at[0] else self.locate(path)
        args = {"value": _show(value), "expected": _show(expected), **message_args}
        self.findings.append(Finding(
            rule=rule.code, severity=severity or rule.severity, title=rule.name,
            message=rule.message.format(**args), path=path, sheet=sheet, cell=cell, value=_show(value),
            expected=_show(expected), remedy=rule.remedy, reference=rule.reference, details=details or {},
            args=args))

    # shared lookups ---------------------------------------------------------------------------------------------
    def process_result(self, process_id: str) -> ProcessResult | None:
        return next((p for p in self.result.processes if p.id == process_id), None)

    def process_by_name(self, name: str | None) -> tuple[int, ProductionProcess] | None:
        for k, p in enumerate(self.submission.processes):
            if p.name is not None and name is not None and p.name.strip() == name.strip():
                return k, p
        return None

    def process_index(self, process_id: str) -> int | None:
        return next((k for k, p in enumerate(self.submission.processes) if p.id == process_id), None)
