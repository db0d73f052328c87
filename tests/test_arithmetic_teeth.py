"""AR rules (checks/rules/arithmetic.py) where mutants survived: the legal basis of a process and of a good whose CN
code and process disagree, the materiality wording in full, the 5 % boundary in exact binary arithmetic, a recomputed
SEE of zero, and the installation balance's yardstick (attributed = DirEm + heat + waste-gas emissions of the
processes with a finite DirEm, the largest process named). Figures are hand-made."""

from __future__ import annotations

import json
from types import SimpleNamespace as NS
from typing import Any

from cbam_exchange.checks.rules.arithmetic import _balance
from cbam_exchange.checks.run import validate
from cbam_exchange.model.submission import Submission
from tests.conftest import ROOT
from tests.test_mutation_teeth import _ar002

P4_SEE_DIRECT = 1.51552406735005  # the template's own SEE direct of the hot strip mill (LibreOffice)


def _steel() -> dict[str, Any]:
    return json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text(encoding="utf-8"))


def _findings(data: dict[str, Any], rule: str) -> list[Any]:
    return [f for f in validate(Submission.from_dict(data), select=[rule]).findings if f.rule == rule]


def test_a_process_is_judged_on_the_basis_of_its_category() -> None:
    data = _steel()
    data["declared"] = {"available": True, "processes": [{"id": "P4", "see_direct": 1.7}]}
    [f] = _findings(data, "AR-001")
    relative = (1.7 - P4_SEE_DIRECT) / P4_SEE_DIRECT
    assert f"declared minus recomputed {relative * 100:+.2f} %: overstated; material on SEE direct (5 % or more))" \
        in f.message
    assert f.details["legal_basis"] == "SEE direct" and f.details["material"] is True


def _declared_products(data: dict[str, Any], row: int, **values: float) -> dict[str, Any]:
    data["declared"] = {"available": True, "products": [{"row": row, **values}]}
    return data


def test_a_goods_cn_code_decides_its_basis_before_its_process_and_its_own_row_counts() -> None:
    data = _steel()
    data["products"][0]["cn_code"] = "25232900"  # Portland cement (SEE total) in the hot strip mill's row 1
    [f] = _findings(_declared_products(data, 1, see_total=10.0), "AR-002")
    assert f.details["legal_basis"] == "SEE total" and f.details["material"] is True
    # row 2 next to it is still hot-rolled steel: SEE direct
    [f] = _findings(_declared_products(data, 2, see_direct=10.0), "AR-002")
    assert f.details["legal_basis"] == "SEE direct" and f.details["material"] is True


def test_without_a_cn_code_the_process_category_decides_the_basis() -> None:
    data = _steel()
    data["products"][1]["cn_code"] = None
    [f] = _findings(_declared_products(data, 2, see_direct=10.0), "AR-002")
    assert f.details["legal_basis"] == "SEE direct" and f.details["material"] is True


def test_the_materiality_wording_in_full(monkeypatch) -> None:
    steel = "steelworks-bf-bof"
    indirect = _ar002(monkeypatch, recomputed=1.0, declared=1.3, quantity="see_indirect", example=steel)[0]
    assert indirect.message.endswith("overstated; reported, not counted: Annex II good, direct emissions only).")
    total = _ar002(monkeypatch, recomputed=1.0, declared=1.3, quantity="see_total", example=steel)[0]
    assert total.message.endswith("overstated; not the legal basis: SEE direct counts for this good).")
    cement = _ar002(monkeypatch, recomputed=1.0, declared=0.7, quantity="see_direct",
                    example="cement-clinker-two-cements")[0]
    assert cement.message.endswith("understated; part of SEE total, the legal basis for this good).")


def test_exactly_five_percent_is_material(monkeypatch) -> None:
    # 21 declared against 20 recomputed: 1/20 is the double nearest 0.05, the same as the level read from the rules
    [f] = _ar002(monkeypatch, recomputed=20.0, declared=21.0, quantity="see_direct")
    assert f.details["misstatement_relative"] == 0.05 and f.details["material"] is True


def test_a_recomputed_zero_is_measured_against_the_declared_value(monkeypatch) -> None:
    [f] = _ar002(monkeypatch, recomputed=0.0, declared=0.5, quantity="see_direct")
    assert f.details["misstatement_relative"] == 1.0 and "declared minus recomputed +100.00 %" in f.message


def _ctx(processes: list[NS], direct: float, incomplete: list[str] | None = None) -> Any:
    index = {p.id: k for k, p in enumerate(processes)}
    return NS(result=NS(processes=processes, totals=NS(direct=direct, incomplete=incomplete or [])),
              process_index=lambda pid: index[pid])


def _p(pid: str, direct: float | None, heat: float | None = None, waste: float | None = None) -> NS:
    return NS(id=pid, direct_emissions=direct, heat_emissions=heat, waste_gas_emissions=waste)


def test_the_balance_adds_heat_and_waste_gas_of_processes_with_a_finite_direct_value() -> None:
    processes = [_p("P1", 100.0, 10.0, 5.0), _p("P2", 300.0), _p("P3", float("nan"), 7.0), _p("P4", None, 9.0)]
    assert _balance(_ctx(processes, 500.0)) == (415.0, 500.0, "processes[1].direct_emissions")
    # a process of zero is counted as zero and not taken for the largest
    assert _balance(_ctx([_p("P1", 0.0), _p("P2", 0.5)], 2.0)) == (0.5, 2.0, "processes[1].direct_emissions")


def test_no_balance_without_a_complete_nonzero_total_or_a_process_to_attribute_to() -> None:
    processes = [_p("P1", 100.0)]
    for direct in (0.0, float("nan"), None):
        assert _balance(_ctx(processes, direct)) is None, direct  # type: ignore[arg-type]
    assert _balance(_ctx(processes, 500.0, incomplete=["coke"])) is None
    assert _balance(_ctx([_p("P1", float("inf"))], 500.0)) is None
