"""The supplement: `cbam supplement init` writes exactly the Annex IV items the workbook lacks; filled in, it is read
together with the workbook, every value checked, and errors name the field (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.readers import read_submission
from cbam_exchange.readers.supplement import read_with_supplement
from tests.conftest import ROOT

STEEL = ROOT / "examples" / "steelworks-bf-bof.json"
SUPPLEMENTS_DIR = ROOT / "examples" / "supplements"
STEEL_SUPPLEMENT = SUPPLEMENTS_DIR / "steelworks-bf-bof.supplement.yaml"


def cbam(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def _leaves(node: object, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(_leaves(v, f"{prefix}.{k}" if prefix else k))
    elif isinstance(node, list) and node and all(isinstance(v, dict) for v in node):
        for i, v in enumerate(node):
            out.update(_leaves(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = node
    return out


def test_init_writes_exactly_the_items_the_workbook_lacks(example_workbooks, tmp_path: Path) -> None:
    out = tmp_path / "s.yaml"
    run = cbam("supplement", "init", str(example_workbooks["steelworks-bf-bof"]), "-o", str(out))
    assert run.returncode == 0, run.stderr
    data = yaml.safe_load(out.read_text())
    leaves = _leaves(data["definitive"])
    # items the template has no cell for are there, empty ...
    for path in ("operator.name", "operator.registration_number", "registry_installation_id",
                 "goods[0].sefa", "goods[0].benchmarks_confirmed", "co2.capture_used", "zero_rated_fuels.used",
                 "precursors[0].cn_code", "precursors[0].origin.registry_id", "precursors[0].year_of_use"):
        assert path in leaves and leaves[path] is None, path
    # ... keyed to the workbook's own rows and precursors
    assert [g["product_row"] for g in data["definitive"]["goods"]] == [1, 2, 3]
    assert data["definitive"]["precursors"][0]["precursor_id"] == "PP1"
    # items the template holds are not asked again
    text = out.read_text()
    for held in ("unlocode", "latitude", "see_direct", "installation_name", "values:"):
        assert held not in text
    # steel is an Annex II good: no indirect split is asked; no electricity good: no addenda
    assert "indirect_actual_share" not in text and "electricity_addenda" not in text
    # each item says its Annex IV number and who needs it
    assert "# [D] §1.1 1(d); §1.2 (2)(b)" in text


def test_cement_asks_for_the_indirect_split_of_non_annex_ii_goods(tmp_path: Path) -> None:
    data = json.loads((ROOT / "examples" / "cement-clinker-two-cements.json").read_text())
    del data["definitive"]
    bare = tmp_path / "cement.json"
    bare.write_text(json.dumps(data))
    out = tmp_path / "s.yaml"
    assert cbam("supplement", "init", str(bare), "-o", str(out)).returncode == 0
    good = yaml.safe_load(out.read_text())["definitive"]["goods"][0]
    assert {"indirect_actual_share", "indirect_default_share", "pt6_confirmed"} <= set(good)


def test_a_filled_supplement_is_read_with_the_workbook(example_workbooks) -> None:
    submission = read_with_supplement(example_workbooks["steelworks-bf-bof"], STEEL_SUPPLEMENT)
    d = submission.definitive
    assert submission.source.format == "ec-template"
    assert d.registry_installation_id == "TR-INST-2026-000417"
    assert d.goods[0].sefa == 1.266 and d.goods[0].product_row == 1
    assert d.precursors[0].origin.registry_id == "ZA-INST-000088"
    assert d.co2.capture_used is False and d.monitoring_months is None


def test_an_init_file_filled_in_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "s.yaml"
    legacy = ROOT / "tests" / "data" / "legacy-submission-1.0.json"  # the steel example without definitive data
    assert cbam("supplement", "init", str(legacy), "-o", str(out)).returncode == 0
    text = out.read_text()
    assert "registry_installation_id: null" in text and "sefa: null" in text
    text = text.replace("registry_installation_id: null", 'registry_installation_id: "TR-1234"')
    text = text.replace("sefa: null", "sefa: 1.25", 1)
    out.write_text(text)
    d = read_with_supplement(legacy, out).definitive
    assert d.registry_installation_id == "TR-1234" and d.goods[0].sefa == 1.25 and d.goods[1].sefa is None


@pytest.mark.parametrize("old, new, where", [
    ('registry_installation_id: "TR-INST-2026-000417"', 'registry_installation_id: "TR INST 417!"',
     "definitive.registry_installation_id"),
    ("default_share: 2.1\n      quantity: 1400000", "default_share: 210\n      quantity: 1400000",
     "definitive.goods[0].default_share"),
    ('cn_code: "72021120"', 'cn_code: "99999999"', "definitive.precursors[0].cn_code"),
    ("period_end: 2026-12-31", "period_end: 2025-12-31", "definitive.precursors[0].period_end"),
    ("period_start: 2026-01-01", "period_start: 2026-02-30", "definitive.precursors[0].period_start"),
    ("values: actual", "values: measured", "definitive.precursors[0].values"),
    ("- product_row: 3", "- product_row: 7", "definitive.goods[2].product_row"),
    ('precursor_id: "PP1"', 'precursor_id: "PP9"', "definitive.precursors[0].precursor_id"),
    ("country_code: TR", "country_code: Turkey", "definitive.operator.address.country_code"),
    ("capture_used: false", "capture_used: maybe", "definitive.co2.capture_used"),
    ("data_gaps:", "unknown_item: 1\n  data_gaps:", "definitive.unknown_item"),
])
def test_bad_values_exit_2_naming_the_field(old: str, new: str, where: str, tmp_path: Path) -> None:
    text = STEEL_SUPPLEMENT.read_text()
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(UnreadableInput) as err:
        read_with_supplement(STEEL, bad)
    assert where in err.value.describe() and str(bad) in err.value.describe()
    run = cbam("validate", str(STEEL), "--supplement", str(bad))
    assert run.returncode == 2 and where in (run.stdout + run.stderr)


def test_yaml_aliases_and_other_files_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text('format: cbam-exchange/supplement\nformat_version: "1.0"\na: &a ["x", "x"]\nb: [*a, *a]\n')
    with pytest.raises(UnreadableInput, match="aliases"):
        read_with_supplement(STEEL, bomb)
    other = tmp_path / "other.yaml"
    other.write_text("waivers: []\n")
    with pytest.raises(UnreadableInput, match="not a cbam-exchange supplement"):
        read_with_supplement(STEEL, other)


def test_init_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    run = cbam("supplement", "init", str(STEEL), "-o", str(STEEL))
    assert run.returncode == 2
    assert read_submission(STEEL).installation.name  # untouched


@pytest.mark.parametrize("name", ["steelworks-bf-bof", "cement-clinker-two-cements", "aluminium-primary-smelter"])
def test_each_example_carries_its_supplement(name: str) -> None:
    """The example JSON (format 1.1) and its supplement for the workbook route hold the same definitive data."""
    from cbam_exchange.readers.supplement import read_supplement

    example = read_submission(ROOT / "examples" / f"{name}.json")
    assert example.definitive == read_supplement(SUPPLEMENTS_DIR / f"{name}.supplement.yaml")
