"""Issue 17 probes of `cbam validate` on odd input: messages say what was found, and `-` reads standard input once."""

from __future__ import annotations

import datetime as dt
import json

from cbam_exchange.checks.run import validate
from cbam_exchange.model.submission import Submission
from tests.conftest import ROOT
from tests.test_conventions import STEEL, cbam


def test_a_period_not_a_calendar_year_is_shown_with_its_own_end() -> None:
    # the message printed the start twice ('2030-01-02 to 2030-01-02 covers 12.0 months'), e.g. for a 1904-dated
    # workbook read with the 1900 system in mind
    data = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text(encoding="utf-8"))
    data["reporting_period"] = {"start": "2030-01-02", "end": "2031-01-01"}
    hits = [f for f in validate(Submission.from_dict(data)).findings if f.rule == "ID-002"]
    assert len(hits) == 1
    assert "2030-01-02 to 2031-01-01" in hits[0].message
    assert hits[0].path == "reporting_period.start" and hits[0].value in (dt.date(2030, 1, 2), "2030-01-02")


def test_empty_standard_input_is_a_usage_error_not_invalid_json() -> None:
    run = cbam("validate", "-", stdin=b"")
    assert run.returncode == 2 and "standard input is empty" in run.stderr and "cbam-stdin-" not in run.stderr


def test_a_dash_given_twice_is_refused() -> None:
    # the second '-' read the exhausted stream and reported a private temporary file as 'not valid JSON'
    run = cbam("validate", "-", "-", stdin=STEEL.read_bytes())
    assert run.returncode == 2 and "standard input is empty" in run.stderr and "cbam-stdin-" not in run.stderr
