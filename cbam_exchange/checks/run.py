"""Run the rule catalogue on one submission."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from cbam_exchange.calc.recompute import recompute
from cbam_exchange.calc.results import Recomputation
from cbam_exchange.checks.catalogue import selected
from cbam_exchange.checks.context import CheckContext
from cbam_exchange.checks.findings import Finding, Severity
from cbam_exchange.model.submission import Submission

_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass
class ValidationReport:
    submission: Submission
    result: Recomputation
    year: int
    findings: list[Finding]
    waived: list[Finding] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts = {s.value + "s" if s is not Severity.INFO else "info": 0 for s in Severity}
        for f in self.findings:
            counts[f.severity.value + "s" if f.severity is not Severity.INFO else "info"] += 1
        counts["waived"] = len(self.waived)
        return counts

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


def reporting_year(submission: Submission) -> int:
    period = submission.reporting_period
    if period.end:
        return period.end.year
    if period.start:
        return period.start.year
    return dt.date.today().year


def validate(submission: Submission, *, year: int | None = None, select: Iterable[str] = (),
             ignore: Iterable[str] = ()) -> ValidationReport:
    resolved, result = recompute(submission)
    ctx = CheckContext(submission=resolved, result=result, year=year or reporting_year(resolved))
    for rule in selected(select, ignore):
        ctx.rule = rule
        rule.check(ctx)
    findings = sorted(ctx.findings, key=lambda f: (_ORDER[f.severity], f.sheet or "~", f.rule, f.path or ""))
    return ValidationReport(submission=resolved, result=result, year=ctx.year, findings=findings)
