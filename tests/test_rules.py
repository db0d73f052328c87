"""Tests generated from the rule catalogue: every rule's bad example is caught (at the right model path, and at
the right cell once written into the official template) and its good example passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbam_exchange.checks.catalogue import FAMILIES, all_rules
from cbam_exchange.checks.run import validate
from cbam_exchange.readers import read_submission
from tests.rule_examples import example_submission, write_example_workbook

RULES = all_rules()
JSON_RULES = [r for r in RULES if not r.template_only]
CELL_RULES = [r for r in RULES if r.bad.cell]


def test_every_rule_is_documented_and_in_a_known_family() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes)) and len(codes) >= 30
    for r in RULES:
        assert r.family in FAMILIES, r.code
        assert r.name and r.message and r.rationale and r.remedy and r.reference, r.code
        assert r.bad.path or r.bad.cell, f"{r.code}: the bad example must say where it is caught"
    assert {r.family for r in RULES} == set(FAMILIES)


@pytest.mark.parametrize("rule", JSON_RULES, ids=lambda r: r.code)
def test_bad_example_is_caught_at_its_path(rule) -> None:
    report = validate(example_submission(rule.bad), select=[rule.code])
    paths = [f.path for f in report.findings if f.rule == rule.code]
    assert paths, f"{rule.code} did not fire on its bad example"
    if rule.bad.path:
        assert rule.bad.path in paths, f"{rule.code} fired at {paths}, expected {rule.bad.path}"


@pytest.mark.parametrize("rule", JSON_RULES, ids=lambda r: r.code)
def test_good_example_passes(rule) -> None:
    report = validate(example_submission(rule.good), select=[rule.code])
    assert [f.message for f in report.findings if f.rule == rule.code] == []


@pytest.mark.parametrize("rule", CELL_RULES, ids=lambda r: r.code)
def test_bad_example_is_caught_at_its_cell_in_the_template(rule, blank: Path, tmp_path: Path) -> None:
    workbook = write_example_workbook(rule.bad, blank, tmp_path / "bad.xlsx")
    report = validate(read_submission(workbook), select=[rule.code])
    cells = [f"{f.sheet}!{f.cell}" for f in report.findings if f.rule == rule.code]
    assert rule.bad.cell in cells, f"{rule.code} fired at {cells}, expected {rule.bad.cell}"


@pytest.mark.parametrize("rule", [r for r in RULES if r.template_only], ids=lambda r: r.code)
def test_good_example_passes_in_the_template(rule, blank: Path, tmp_path: Path) -> None:
    workbook = write_example_workbook(rule.good, blank, tmp_path / "good.xlsx")
    report = validate(read_submission(workbook), select=[rule.code])
    assert [f.message for f in report.findings if f.rule == rule.code] == []
