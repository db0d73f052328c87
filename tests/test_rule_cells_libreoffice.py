"""Every finding points at the edited input cell, also in workbooks that carry the template's own results (issue 12):
- stale: a workbook calculated by LibreOffice, then one input edited without recalculation (the cached results
  still show the clean figures, as in a supplier file edited in a program that does not calculate);
- recalculated: the same edited workbook calculated again (the template's results follow the error).
The rules must see the input in both. Representative rules of several families are injected into one workbook so
that the whole test needs two LibreOffice recalculations. Runs where LibreOffice is installed and CI=true or
CBAM_LIBREOFFICE=1; under CI=true a missing LibreOffice or blank template fails the test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cbam_exchange.checks.run import validate
from cbam_exchange.readers import read_submission
from cbam_exchange.writers.ec_template import write_ec_template
from cbam_exchange.writers.recalculate import recalculate, soffice
from tests.conftest import EXAMPLES
from tests.xlsx_edit import edit_workbook

CI = os.environ.get("CI") == "true"
WANTED = CI or os.environ.get("CBAM_LIBREOFFICE") == "1"

# rule -> (input cells edited in the steelworks workbook, the cell its finding must point at)
INJECTED = {
    "UN-001": ({"B_EmInst!J19": 0.0561}, "B_EmInst!J19"),            # natural gas EF in tCO2/GJ
    "UN-005": ({"B_EmInst!L18": 0.3}, "B_EmInst!L18"),               # PCI carbon content of another material
    "MZ-006": ({"B_EmInst!L17": None}, "B_EmInst!L17"),              # coke without carbon content
    "PH-005": ({"D_Processes!L260": 4380000}, "D_Processes!L260"),   # hot strip mill electricity in kWh
    "AR-009": ({"D_Processes!L92": 250000}, "D_Processes!L92"),      # pig iron to market does not balance
    # a site in Türkiye at 41.0 N 29.0 E entered with latitude and longitude exchanged
    "ID-005": ({"A_InstData!I28": 29.0, "A_InstData!I29": 41.0}, "A_InstData!I28"),
}


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from tests.conftest import BLANK

    if not WANTED:
        pytest.skip("needs LibreOffice and CI=true or CBAM_LIBREOFFICE=1 (two recalculations, about a minute)")
    if BLANK is None or soffice() is None:
        if CI:
            pytest.fail("CI=true: the blank template and LibreOffice (soffice) are required")
        pytest.skip("the blank template or LibreOffice is absent")
    folder = tmp_path_factory.mktemp("lo")
    example = next(p for p in EXAMPLES if p.stem == "steelworks-bf-bof")
    written = folder / "written.xlsx"
    write_ec_template(read_submission(example), BLANK, written)
    clean = folder / "clean.xlsx"
    recalculate(written, clean)
    edits = {cell: value for cells, _ in INJECTED.values() for cell, value in cells.items()}
    stale = edit_workbook(clean, folder / "stale.xlsx", constants=edits)
    recalculated = folder / "recalculated.xlsx"
    recalculate(stale, recalculated)
    return {"clean": clean, "stale": stale, "recalculated": recalculated}


def test_the_clean_calculated_workbook_has_none_of_these_findings(workbooks: dict[str, Path]) -> None:
    report = validate(read_submission(workbooks["clean"]), select=list(INJECTED))
    assert report.findings == []


@pytest.mark.parametrize("variant", ["stale", "recalculated"])
def test_each_finding_points_at_the_edited_input_cell(workbooks: dict[str, Path], variant: str) -> None:
    submission = read_submission(workbooks[variant])
    assert submission.declared is not None and submission.declared.available  # it carries cached results
    report = validate(submission, select=list(INJECTED))
    for code, (_, cell) in INJECTED.items():
        cells = {f"{f.sheet}!{f.cell}" for f in report.findings if f.rule == code}
        assert cell in cells, f"{variant}: {code} fired at {cells or 'nothing'}, expected {cell}"
