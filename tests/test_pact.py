"""`cbam pact`: each good as a PACT v3 ProductFootprint with a CBAM extension, valid against the PACT schema (written
from the PACT Technical Specifications v3, schemas/) and carrying the template's own figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT

PACT_SCHEMA = json.loads((ROOT / "schemas" / "pact-v3-product-footprint.schema.json").read_text())
EXTENSION_SCHEMA = json.loads((ROOT / "schemas" / "pact-cbam-extension-1.0.schema.json").read_text())
RECORDED = ROOT / "tests" / "differential" / "libreoffice"
CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


def export(tmp_path: Path, source: Path, *extra: str) -> tuple[list[dict], str]:
    out = tmp_path / "pact.json"
    run = subprocess.run([sys.executable, "-m", "cbam_exchange", "pact", str(source), "-o", str(out), *extra],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(out.read_text())["data"], run.stderr


def test_every_footprint_is_valid_pact_v3_with_a_valid_cbam_extension(tmp_path: Path) -> None:
    footprints, _ = export(tmp_path, ROOT / "examples" / "steelworks-bf-bof.json")
    assert len(footprints) == 3
    for fp in footprints:
        jsonschema.Draft202012Validator(PACT_SCHEMA, format_checker=CHECKER).validate(fp)
        [ext] = fp["extensions"]
        jsonschema.Draft202012Validator(EXTENSION_SCHEMA, format_checker=CHECKER).validate(ext["data"])
        assert ext["dataSchema"] == EXTENSION_SCHEMA["$id"]
    assert len({fp["id"] for fp in footprints}) == 3


def test_the_footprint_is_the_see_the_templates_own_formulas_give(tmp_path: Path) -> None:
    """SEE total of hot-rolled coil from LibreOffice's calculation of the template: 1.66479908670681 tCO2e/t."""
    recorded = json.loads((RECORDED / "steelworks-bf-bof.json").read_text())["products"]["1"]
    [coil, *_] = export(tmp_path, ROOT / "examples" / "steelworks-bf-bof.json")[0]
    assert coil["pcf"]["declaredUnitOfMeasurement"] == "kilogram" and coil["pcf"]["declaredUnitAmount"] == "1000"
    assert float(coil["pcf"]["pcfExcludingBiogenicUptake"]) == pytest.approx(recorded["see_total"] * 1000, rel=1e-9)
    assert float(coil["pcf"]["fossilCarbonContent"]) == pytest.approx(1.2)  # 0.12 % carbon of 1000 kg
    assert coil["pcf"]["referencePeriodEnd"] == "2027-01-01T00:00:00Z"
    data = coil["extensions"][0]["data"]
    assert data["cnCode"] == "72083900" and data["installation"]["registryId"] == "TR-INST-2026-000417"
    assert data["seeDirect"] == pytest.approx(recorded["see_direct"], rel=1e-9)
    assert data["indirectCounted"] is False and data["sefa"] == 1.266


def test_a_good_without_a_required_pact_value_is_left_out_not_invented(tmp_path: Path) -> None:
    footprints, stderr = export(tmp_path, ROOT / "examples" / "cement-clinker-two-cements.json")
    assert footprints == []  # the cement example gives no carbon content
    assert "carbon content" in stderr and "row 1" in stderr
