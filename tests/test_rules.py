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


def test_the_plain_python_screen_is_at_least_as_strict_as_pandera() -> None:
    """Where the screen passes a table pandera is skipped, so it must never pass a table pandera would fail."""
    import random

    import pandas as pd
    import pandera.pandas as pa

    from cbam_exchange.calc.recompute import recompute
    from cbam_exchange.checks.catalogue import Example
    from cbam_exchange.checks.context import CheckContext
    from cbam_exchange.checks.rules import schema

    rng = random.Random(3)
    numbers = [None, -1.0, 0.0, 0.5, 1.0, 99.0, 100.0, 150.0, 1e9]
    texts = [None, "combustion", "process emissions", "x", "TR", "tr", "TRISK", "TR ISK", "72083900", "7208", "d.4(a)"]
    kinds = {"min": pa.Check.ge, "max": pa.Check.le, "isin": pa.Check.isin, "match": pa.Check.str_matches}
    screened = 0
    for example in ("steelworks-bf-bof", "cement-clinker-two-cements", "aluminium-primary-smelter"):
        base = example_submission(Example({}, base=example))
        _, result = recompute(base)
        ctx = CheckContext(submission=base, result=result, year=2026)
        for table, (spec, columns) in schema.TABLES.items():
            rows = schema._rows(ctx, spec)
            if not rows:
                continue
            for _ in range(30):
                values = {n: [schema._value(obj, n, col) for _, obj in rows] for n, col in columns.items()}
                name = rng.choice(list(columns))
                values[name][rng.randrange(len(rows))] = rng.choice(numbers if columns[name].type == "number"
                                                                    else texts)
                if not schema.passes_screen(values, columns):
                    continue
                frame = pd.DataFrame({n: pd.Series(v, dtype=float if columns[n].type == "number" else object)
                                      for n, v in values.items()})
                pa.DataFrameSchema({n: pa.Column(float if c.type == "number" else object, nullable=not c.required,
                                                 checks=[kinds[k](a) for k, a in c.checks])
                                    for n, c in columns.items()}).validate(frame, lazy=True)  # must not raise
                screened += 1
    assert screened > 100
