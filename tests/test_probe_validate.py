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


def test_a_period_date_typed_as_text_is_one_finding_in_a_dates_words(example_workbooks, tmp_path) -> None:
    # ID-015 said it (error); RD-002 said it again as 'the number '01/01/2026' as text' with 'Convert to Number'
    from cbam_exchange.readers import read_submission
    from tests.xlsx_edit import edit_workbook
    path = edit_workbook(example_workbooks["steelworks-bf-bof"], tmp_path / "d.xlsx",
                         constants={"A_InstData!I9": "01/01/2026", "A_InstData!L9": "end of year"})
    findings = validate(read_submission(path)).findings
    at_period = sorted((f.rule, f.cell) for f in findings if f.path.startswith("reporting_period."))
    assert ("ID-015", "I9") in at_period and ("ID-015", "L9") in at_period
    assert not [f for f in findings if f.rule in ("RD-001", "RD-002") and f.path.startswith("reporting_period.")]
    assert all("number" not in f.message for f in findings if f.cell in ("I9", "L9"))


def test_a_fifo_or_a_device_is_refused_instead_of_waiting_for_ever(tmp_path) -> None:
    # a FIFO with no writer blocked the open() for ever; /dev/zero was called 'empty (0 bytes)'
    import os
    fifo = tmp_path / "supplier.xlsx"
    os.mkfifo(fifo)
    for target in (str(fifo), "/dev/zero"):
        run = cbam("validate", target)
        assert run.returncode == 2, run.stderr
        assert "not a regular file" in run.stdout + run.stderr and "empty" not in run.stdout + run.stderr


def test_junit_stays_well_formed_xml_with_control_characters_in_supplier_text(tmp_path) -> None:
    # a process named with \x01 or \x08 (pasted from another system) made the JUnit report unparseable for CI
    import xml.etree.ElementTree as ET
    data = json.loads(STEEL.read_text(encoding="utf-8"))
    data["processes"][0]["name"] = "Sinter\x01plant\x08 \ufffe"
    data["processes"][0]["direct_emissions"] = -5.0  # a finding whose message carries the name
    path = tmp_path / "ctrl.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    run = cbam("validate", str(path), "--format", "junit")
    assert run.returncode == 1
    root = ET.fromstring(run.stdout.encode("utf-8"))
    messages = [f.get("message") for f in root.iter("failure")]
    assert any("Sinter\ufffdplant\ufffd" in m for m in messages), messages


def test_the_summary_line_counts_unreadable_files_and_is_not_green(tmp_path) -> None:
    # '0 error(s), 0 warning(s), 0 info, 0 waived in 2 file(s)' in bold green closed a run where a file was unreadable
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    run = cbam("validate", str(broken), str(STEEL), "--color", "always", "--jobs", "1")
    assert run.returncode == 2
    last = run.stdout.rstrip().splitlines()[-1]
    assert "1 unreadable" in last and "in 2 file(s)" in last
    assert "\x1b[31m" in last and "\x1b[32m" not in last  # red, not green
    clean = cbam("validate", str(STEEL)).stdout.rstrip().splitlines()[-1]
    assert "unreadable" not in clean
