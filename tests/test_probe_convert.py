"""Issue 17 probes of `cbam convert`: the output is what its name says, and nothing the input held is dropped
without a word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_conventions import STEEL, cbam


def test_a_json_conversion_is_not_written_under_an_xlsx_name(tmp_path: Path) -> None:
    # --to defaults to json: 'cbam convert steel.json -o steel.xlsx' wrote JSON text into steel.xlsx, exit 0
    target = tmp_path / "steel.xlsx"
    run = cbam("convert", str(STEEL), "-o", str(target))
    assert run.returncode == 2, run.stderr
    assert "--to ec-template" in run.stderr and ".xlsx" in run.stderr
    assert not target.exists()


def test_a_template_conversion_is_not_written_under_a_json_name(blank: Path, tmp_path: Path) -> None:
    target = tmp_path / "steel.json"
    run = cbam("convert", str(STEEL), "--to", "ec-template", "--template", str(blank), "-o", str(target))
    assert run.returncode == 2 and ".json" in run.stderr and "--to" in run.stderr
    assert not target.exists()


def test_the_definitive_block_the_template_cannot_hold_is_named_when_it_is_left_out(blank: Path,
                                                                                     tmp_path: Path) -> None:
    assert json.loads(STEEL.read_text(encoding="utf-8")).get("definitive")  # the example carries Annex IV data
    run = cbam("convert", str(STEEL), "--to", "ec-template", "--template", str(blank), "-o", str(tmp_path / "s.xlsx"))
    assert run.returncode == 0, run.stderr
    warning = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
    assert warning and "definitive" in warning[0] and "supplement" in warning[0]
    # quiet silences what was done, not what was lost
    quiet = cbam("-q", "convert", str(STEEL), "--to", "ec-template", "--template", str(blank), "-o",
                 str(tmp_path / "q.xlsx"))
    assert quiet.returncode == 0 and "warning:" in quiet.stderr


def test_a_json_copy_keeps_the_definitive_block_and_says_nothing(tmp_path: Path) -> None:
    run = cbam("convert", str(STEEL), "-o", str(tmp_path / "s.json"))
    assert run.returncode == 0 and "warning" not in run.stderr
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["definitive"]


def test_a_cell_that_could_not_be_read_is_named_when_converting(example_workbooks, tmp_path: Path) -> None:
    # the JSON kept a note, but the command said only 'wrote ...': the value left out was easy to miss
    from tests.xlsx_edit import edit_workbook
    odd = edit_workbook(example_workbooks["steelworks-bf-bof"], tmp_path / "odd.xlsx",
                        constants={"D_Processes!L16": "abc"})
    run = cbam("-q", "convert", str(odd), "-o", str(tmp_path / "odd.json"))
    assert run.returncode == 0
    warning = [line for line in run.stderr.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1 and "D_Processes!L16" in warning[0] and "'abc'" in warning[0]
    doc = json.loads((tmp_path / "odd.json").read_text(encoding="utf-8"))
    assert doc["processes"][0]["production"][0].get("amount") is None  # missing stays missing, not 0


@pytest.mark.parametrize("name, said", [("x" * 40_000, "32,767"), ("Sinter\x01plant", "U+0001")])
def test_text_a_workbook_cannot_carry_is_refused_not_written(blank: Path, tmp_path: Path, name: str,
                                                             said: str) -> None:
    # 40,000 characters were written, and the toolkit's own reader (like Excel) then refused the workbook; a control
    # character made the sheet's XML ill-formed, a file Excel offers to 'repair'
    data = json.loads(STEEL.read_text(encoding="utf-8"))
    data["installation"]["name"] = name
    source = tmp_path / "odd.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    target = tmp_path / "odd.xlsx"
    run = cbam("convert", str(source), "--to", "ec-template", "--template", str(blank), "-o", str(target))
    assert run.returncode == 2 and said in run.stderr and "A_InstData!" in run.stderr, run.stderr
    assert not target.exists()
