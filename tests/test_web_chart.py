"""The result page's chart sets each good beside the default value of its own reporting period and beside the one
Column A benchmark of its CN code, or none where the route decides which applies; never the lowest over routes and
columns, which belongs to no good. Expected values are read here from ../shared/reference-data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cbam_exchange.checks.run import validate
from cbam_exchange.model.submission import Submission
from cbam_exchange.web.analysis import product_bars
from tests.conftest import ROOT, SHARED


def _csv(name: str) -> list[dict[str, str]]:
    path = SHARED / "reference-data" / name
    if not path.exists():
        pytest.skip(f"{name} is absent from ../shared/reference-data")
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _bars(example: str, year: int) -> tuple[dict, list]:
    data = json.loads((ROOT / f"examples/{example}.json").read_text(encoding="utf-8"))
    data["reporting_period"] = {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    return data, product_bars(validate(Submission.from_dict(data)))


def test_a_2023_good_is_charted_beside_the_transitional_default_value() -> None:
    transitional = {r["cn_code"].replace(" ", ""): r for r in _csv("default_values_transitional.csv")}
    data, bars = _bars("cement-clinker-two-cements", 2023)
    for product, bar in zip(data["products"], bars):
        assert bar.values["default"] == pytest.approx(float(transitional[product["cn_code"]]["direct_tco2e_per_t"]))


def test_the_benchmark_drawn_is_the_only_column_a_row_or_none() -> None:
    column_a: dict[str, list[float]] = {}
    for r in _csv("cbam_benchmarks.csv"):
        if r["column"] == "A":
            column_a.setdefault(r["cn_code"], []).append(float(r["benchmark_tco2e_per_t"]))
    for example in ("cement-clinker-two-cements", "steelworks-bf-bof"):
        data, bars = _bars(example, 2026)
        for product, bar in zip(data["products"], bars):
            rows = column_a.get(product["cn_code"], [])
            expected = rows[0] if len(rows) == 1 else None  # grey or white clinker: the route decides, none drawn
            assert bar.values["benchmark"] == (pytest.approx(expected) if expected is not None else None), product
    assert len(column_a["25231000"]) == 2  # the case that used to draw the minimum (0.666 of 0.666 and 0.859)
