"""Every JSON output is valid against its published schema in schemas/ (issue 17): findings, validation,
recomputation and declaration. The schemas are written by hand, so a drift of either side fails here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

NAMES = ["findings-1.1", "validation-2.0", "recompute-1.0", "declaration-1.0"]


def _schema(name: str) -> dict:
    return json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


def _validator(name: str) -> jsonschema.Validator:
    resources = [(f"{n}.schema.json", referencing.Resource.from_contents(_schema(n))) for n in NAMES]
    resources += [(_schema(n)["$id"], referencing.Resource.from_contents(_schema(n))) for n in NAMES]
    registry = referencing.Registry().with_resources(resources)
    return jsonschema.Draft202012Validator(_schema(name), registry=registry,
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def cbam(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.mark.parametrize("name", NAMES)
def test_each_schema_is_a_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(_schema(name))


def _with_findings(tmp_path: Path) -> Path:
    data = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text(encoding="utf-8"))
    data["emissions"]["source_streams"][2]["ef"] = 0.0561
    data["declared"] = {"available": True, "products": [{"row": 1, "see_direct": 0.0, "see_indirect": 0.0,
                                                         "see_total": 0.0}]}
    path = tmp_path / "with-findings.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_validate_output_matches_its_schema(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_text("no")
    bad = _with_findings(tmp_path)
    waivers = tmp_path / "w.json"
    first = json.loads(cbam("validate", str(bad), "--format", "json").stdout)
    finding = next(f for f in first["files"][0]["findings"] if f["rule"] == "UN-001")
    waivers.write_text(json.dumps({"waivers": [
        {"fingerprint": finding["fingerprint"], "installation": first["files"][0]["installation"], "who": "a",
         "why": "b", "until": "2099-01-01"}]}))
    run = cbam("validate", str(bad), *map(str, EXAMPLES), str(broken), "--format", "json", "--jobs", "1",
               "--waivers", str(waivers))
    doc = json.loads(run.stdout)
    _validator("validation-2.0").validate(doc)
    assert doc["files"][0]["waived"] and "unreadable" in doc["files"][-1]
    for file_doc in doc["files"]:
        _validator("findings-1.1").validate(file_doc)
    # the schema has teeth: a finding without a fingerprint, or an unknown severity, is refused
    broken_doc = json.loads(json.dumps(doc["files"][0]))
    broken_doc["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        _validator("findings-1.1").validate(broken_doc)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_recompute_output_matches_its_schema(example: Path) -> None:
    _validator("recompute-1.0").validate(json.loads(cbam("recompute", str(example), "--format", "json").stdout))


def test_recompute_with_declared_values_matches_its_schema(tmp_path: Path) -> None:
    doc = json.loads(cbam("recompute", str(_with_findings(tmp_path)), "--format", "json").stdout)
    _validator("recompute-1.0").validate(doc)
    assert any(d["basis"] == "recomputed" for d in doc["differences"])


def test_declaration_output_matches_its_schema(tmp_path: Path) -> None:
    folder = tmp_path / "suppliers"
    folder.mkdir()
    for example in EXAMPLES:
        (folder / example.name).write_bytes(example.read_bytes())
    db = tmp_path / "ws.sqlite"
    assert cbam("collect", str(folder), "--db", str(db)).returncode in (0, 1)
    imports = tmp_path / "imports.csv"
    imports.write_text("date,cn_code,country,net_mass_t\n2026-03-01,72083900,CN,120\n2026-04-01,25232900,XX,80\n")
    cbam("declare", "--db", str(db), "--imports", str(imports), "--year", "2026", "-o", str(tmp_path / "out"))
    doc = json.loads((tmp_path / "out" / "declaration.json").read_text(encoding="utf-8"))
    _validator("declaration-1.0").validate(doc)
    assert doc["lines"] == 2 and doc["problems"][0]["value"] == "XX"
