"""Both Annex IV reports for one submission: recompute, compute SEFA and the default-value shares, assemble."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from cbam_exchange import __version__
from cbam_exchange.annex_iv.full_report import full_sections
from cbam_exchange.annex_iv.items import Report, Sources
from cbam_exchange.annex_iv.shares import default_shares
from cbam_exchange.annex_iv.summary import summary_section
from cbam_exchange.calc.free_allocation import sefa_for_submission
from cbam_exchange.calc.recompute import recompute
from cbam_exchange.checks.run import reporting_year
from cbam_exchange.model.submission import Submission


def _sha256(path: Path | None) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else None


def sources_for(submission: Submission, year: int | None = None, supplement: str | None = None) -> Sources:
    resolved, result = recompute(submission)
    year = year or reporting_year(resolved)
    return Sources(resolved, result, sefa_for_submission(resolved, result, year), default_shares(resolved, result),
                   year, supplement)


def build_reports(submission: Submission, *, year: int | None = None, file: Path | None = None,
                  supplement: Path | None = None) -> tuple[Report, Report]:
    """(operator's emissions report, summary report)."""
    src = sources_for(submission, year, supplement.name if supplement else None)
    s = src.submission
    header = {
        "installation": s.installation.name,
        "reporting_period": {"start": s.reporting_period.start.isoformat() if s.reporting_period.start else None,
                             "end": s.reporting_period.end.isoformat() if s.reporting_period.end else None},
        "free_allocation_year": src.year,
        "generated": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "generator": f"cbam-exchange {__version__}",
        "language": "en",
    }
    inputs = {"submission": {"file": file.name if file else None, "sha256": _sha256(file)}}
    if supplement is not None:
        inputs["supplement"] = {"file": supplement.name, "sha256": _sha256(supplement)}
    full = Report("operator-emissions-report", "Operator's emissions report (IR (EU) 2025/2547 Annex IV §1.1, "
                  "§1.1.1, §2)", {**header, "inputs": inputs}, full_sections(src))
    summary = Report("summary-report", "Operator's summary emissions report (IR (EU) 2025/2547 Annex IV §1.2)",
                     header, [summary_section(src)])
    return full, summary
