"""`cbam risk`: analytic elasticities checked against a finite-difference recomputation through the whole chain;
`cbam diff`: the inputs changed with their cells, SEE per good and findings opened and closed."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cbam_exchange.calc.recompute import recompute
from cbam_exchange.model.paths import set_path
from cbam_exchange.readers import read_submission
from cbam_exchange.verification.sensitivity import CHAIN, PRO_RATA, good_risks
from tests.conftest import EXAMPLES, ROOT


def cbam(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def _see(submission, row, basis):  # type: ignore[no-untyped-def]
    _, result = recompute(submission)
    p = next(p for p in result.products if p.row == row)
    return basis.value(p.see_direct, p.see_indirect)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_elasticities_match_a_finite_difference_recomputation(example: Path) -> None:
    submission, result = recompute(read_submission(example))
    risks = good_risks(submission, result)
    checked = 0
    for risk in risks:
        for s in risk.inputs:
            if s.via != CHAIN:
                continue
            h = 1e-6
            values = []
            for sign in (1, -1):
                patched = copy.deepcopy(submission)
                set_path(patched, s.path, s.value * (1 + sign * h))
                values.append(_see(patched, risk.row, risk.basis))
            numeric = (values[0] - values[1]) / (2 * h) / risk.see
            assert s.elasticity == pytest.approx(numeric, rel=1e-4, abs=1e-7), (risk.row, s.path)
            checked += 1
    assert checked >= 4


def test_stream_elasticity_equals_scaling_every_process_by_the_streams_share() -> None:
    submission, result = recompute(read_submission(ROOT / "examples/steelworks-bf-bof.json"))
    risk = next(r for r in good_risks(submission, result) if r.row == 3)
    coke = next(s for s in risk.inputs if s.via == PRO_RATA and s.path.endswith("activity_data"))
    k = int(coke.path.split("[")[1].split("]")[0])
    share = result.streams[k].fossil / result.totals.direct
    h = 1e-6
    values = []
    for sign in (1, -1):
        patched = copy.deepcopy(submission)
        for p in patched.processes:  # the stream's change spread over DirEm pro rata
            if p.direct_emissions:
                p.direct_emissions *= 1 + sign * h * share
        values.append(_see(patched, 3, risk.basis))
    assert coke.elasticity == pytest.approx((values[0] - values[1]) / (2 * h) / risk.see, rel=1e-6)


def test_indirect_inputs_do_not_move_an_annex_ii_good_but_move_cement() -> None:
    for name, moves in (("steelworks-bf-bof", False), ("cement-clinker-two-cements", True)):
        submission, result = recompute(read_submission(ROOT / "examples" / f"{name}.json"))
        paths = {s.path for r in good_risks(submission, result) for s in r.inputs}
        assert any(p.endswith("electricity_ef") for p in paths) is moves, name


def test_risk_json_on_a_workbook_names_cells(example_workbooks: dict[str, Path]) -> None:
    run = cbam("risk", str(example_workbooks["steelworks-bf-bof"]), "--format", "json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    g = doc["goods"][0]
    assert {"row", "cn_code", "basis", "see", "inputs"} <= set(g)
    assert g["basis"] == "SEE direct" and g["cn_code"] == "72083900"
    top = g["inputs"][0]
    assert {"cell", "value", "elasticity"} <= set(top)
    assert all(s["cell"] and "!" in s["cell"] for s in g["inputs"])
    assert abs(top["elasticity"]) >= max(abs(s["elasticity"]) for s in g["inputs"])
    dirm = next(s for s in g["inputs"] if s["path"] == "processes[3].direct_emissions")
    assert dirm["cell"].startswith("D_Processes!")


def test_risk_text_and_a_missing_file() -> None:
    run = cbam("risk", str(ROOT / "examples/cement-clinker-two-cements.json"), "--top", "3")
    assert run.returncode == 0 and "SEE total" in run.stdout and "elasticity" in run.stdout
    run = cbam("risk", "no-such-file.xlsx")
    assert run.returncode == 2 and "Traceback" not in run.stderr


def test_diff_lists_changed_inputs_see_and_findings(tmp_path: Path) -> None:
    data = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text())
    old = tmp_path / "v1.json"
    old.write_text(json.dumps(data))
    data["processes"][1]["direct_emissions"] = 5_000_000
    data["emissions"]["source_streams"][2]["ef"] = 0.0561  # a unit slip: opens UN-001
    new = tmp_path / "v2.json"
    new.write_text(json.dumps(data))
    run = cbam("diff", str(old), str(new), "--format", "json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    changes = {c["path"]: c for c in doc["inputs_changed"]}
    assert set(changes) == {"processes[1].direct_emissions", "emissions.source_streams[2].ef"}
    assert changes["processes[1].direct_emissions"]["old"] == 5_520_000
    assert changes["processes[1].direct_emissions"]["new"] == 5_000_000
    assert doc["same_installation"] is True
    row1 = doc["goods"][0]["recomputed"]
    assert row1["new"]["see_direct"] < row1["old"]["see_direct"]
    assert "UN-001" in {f["rule"] for f in doc["findings"]["opened"]}
    back = json.loads(cbam("diff", str(new), str(old), "--format", "json").stdout)
    assert "UN-001" in {f["rule"] for f in back["findings"]["closed"]}


def test_diff_of_workbooks_names_the_cell(example_workbooks: dict[str, Path], tmp_path: Path) -> None:
    from tests.xlsx_edit import edit_workbook

    old = example_workbooks["cement-clinker-two-cements"]
    cell = read_submission(old).sources["processes[0].direct_emissions"]
    new = edit_workbook(old, tmp_path / "v2.xlsx", constants={f"{cell.sheet}!{cell.cell}": 1234567})
    run = cbam("diff", str(old), str(new))
    assert run.returncode == 0, run.stderr
    assert f"{cell.sheet}!{cell.cell}" in run.stdout and "1234567" in run.stdout
