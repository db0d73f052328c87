"""The `cbam` command as a user runs it: summaries, conversion, and one clear line with exit code 2 for every kind
of unreadable input, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT
from tests.xlsx_edit import edit_workbook


def cbam(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_inspect_summarises_an_example() -> None:
    run = cbam("inspect", "examples/steelworks-bf-bof.json")
    assert run.returncode == 0, run.stderr
    for text in ("Anatolia Integrated Steel Works", "2026-01-01 to 2026-12-31", "72083900", "72071210",
                 "Blast furnaces 1-2", "SEE not declared", "PP1"):
        assert text in run.stdout


def test_inspect_shows_the_template_version_and_declared_status(example_workbooks: dict[str, Path]) -> None:
    run = cbam("inspect", str(example_workbooks["cement-clinker-two-cements"]))
    assert run.returncode == 0, run.stderr
    assert "official template 2.1.1" in run.stdout and "declared results  absent" in run.stdout
    assert "25232900" in run.stdout


def test_convert_writes_the_json_model(example_workbooks: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    run = cbam("convert", str(example_workbooks["aluminium-primary-smelter"]), "-o", str(out))
    assert run.returncode == 0, run.stderr
    data = json.loads(out.read_text())
    assert data["format"] == "cbam-exchange/submission"
    assert data["source"] == {"format": "ec-template", "template_version": "2.1.1",
                              "file_name": "aluminium-primary-smelter.xlsx"}
    assert data["sources"]["processes[0].direct_emissions"] == {"sheet": "D_Processes", "cell": "L54"}
    assert data["emissions"]["pfc"][0]["slope_cf4"] == 0.143


def test_convert_to_the_template_and_back(blank: Path, tmp_path: Path) -> None:
    xlsx, back = tmp_path / "filled.xlsx", tmp_path / "back.json"
    run = cbam("convert", str(EXAMPLES[0]), "--to", "ec-template", "--template", str(blank), "-o", str(xlsx))
    assert run.returncode == 0, run.stderr
    assert cbam("convert", str(xlsx), "-o", str(back)).returncode == 0
    assert json.loads(back.read_text())["installation"] == json.loads(EXAMPLES[0].read_text())["installation"]


def test_the_blank_is_never_modified(blank: Path, tmp_path: Path) -> None:
    before = blank.read_bytes()
    cbam("convert", str(EXAMPLES[1]), "--to", "ec-template", "--template", str(blank), "-o", str(tmp_path / "x.xlsx"))
    assert blank.read_bytes() == before


def _truncated(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 2])
    return dst


def _not_a_template(dst: Path) -> Path:
    with zipfile.ZipFile(dst, "w") as z:  # a minimal valid workbook with one sheet "Data"
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
                   '<t>hello</t></is></c></row></sheetData></worksheet>')
    return dst


@pytest.mark.parametrize("kind, expected", [
    ("not-a-zip", "not an .xlsx workbook"),
    ("truncated", "cannot be opened"),
    ("encrypted", "password-protected"),
    ("not-a-template", "not a CBAM communication template"),
    ("sheet-missing", "E_PurchPrec absent"),
    ("missing-file", "file not found"),
])
def test_unreadable_input_exits_2_with_one_clear_line(kind: str, expected: str, tmp_path: Path,
                                                     example_workbooks: dict[str, Path]) -> None:
    src = example_workbooks["steelworks-bf-bof"]
    path = tmp_path / f"{kind}.xlsx"
    if kind == "not-a-zip":
        path.write_text("date,cn_code\n2026-01-01,72083900\n")
    elif kind == "truncated":
        _truncated(src, path)
    elif kind == "encrypted":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    elif kind == "not-a-template":
        _not_a_template(path)
    elif kind == "sheet-missing":
        edit_workbook(src, path, remove_sheet="E_PurchPrec")
    for command in (["inspect", str(path)], ["convert", str(path), "-o", str(tmp_path / "o.json")]):
        run = cbam(*command)
        assert run.returncode == 2, (kind, run.stderr)
        assert "Traceback" not in run.stderr and run.stdout == ""
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and str(path) in lines[0], run.stderr
        assert expected in lines[0], lines[0]
    assert not (tmp_path / "o.json").exists()


def test_usage_errors_exit_2() -> None:
    assert cbam("convert", "examples/steelworks-bf-bof.json").returncode == 2  # -o missing
    run = cbam("convert", str(EXAMPLES[0]), "--to", "ec-template", "-o", "/tmp/x.xlsx")
    assert run.returncode == 2 and "--template" in run.stderr


def test_help_lists_the_commands_and_exit_codes() -> None:
    run = cbam("--help")
    assert run.returncode == 0
    assert "inspect" in run.stdout and "convert" in run.stdout and "Exit codes" in run.stdout


def test_recompute_json_contract(example_workbooks: dict[str, Path]) -> None:
    run = cbam("recompute", "examples/steelworks-bf-bof.json", "--format", "json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    import hashlib
    assert doc["sha256"] == hashlib.sha256((ROOT / "examples/steelworks-bf-bof.json").read_bytes()).hexdigest()
    assert doc["file"] == "examples/steelworks-bf-bof.json"
    process = doc["processes"][0]
    assert {"id", "name", "activity_level", "see_direct", "see_indirect", "declared"} <= set(process)
    assert process["declared"] == {"see_direct": None, "see_indirect": None}  # a JSON file declares nothing
    # sinter: 1 080 000 t CO2 / 5 400 000 t = 0.2; indirect 162 000 MWh x 0.44 / 5 400 000 t = 0.0132
    assert process["see_direct"] == pytest.approx(0.2) and process["see_indirect"] == pytest.approx(0.0132)
    product = doc["products"][0]
    assert {"row", "cn_code", "process", "see_direct", "see_indirect", "see_total", "declared"} <= set(product)
    assert product["process"] == "P4" and set(product["declared"]) == {"see_direct", "see_indirect", "see_total"}
    assert product["see_total"] == pytest.approx(product["see_direct"] + product["see_indirect"])


def test_recompute_text_on_an_uncalculated_workbook(example_workbooks: dict[str, Path]) -> None:
    run = cbam("recompute", str(example_workbooks["aluminium-primary-smelter"]))
    assert run.returncode == 0, run.stderr
    assert "declares no calculated results" in run.stdout and "76011090" in run.stdout


def test_collect_and_declare_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "suppliers"
    folder.mkdir()
    for example in EXAMPLES:
        (folder / example.name).write_bytes(example.read_bytes())
    db = tmp_path / "ws.sqlite"
    run = cbam("collect", str(folder), "--db", str(db), "--jobs", "1")
    assert run.returncode == 0, run.stderr
    assert "3 stored, 0 unchanged" in run.stdout and "INST-" in run.stdout
    inspect_id = next(line.split()[-1] for line in cbam("inspect", str(EXAMPLES[0])).stdout.splitlines()
                      if "installation id" in line)
    assert inspect_id in run.stdout  # the same stable identifier in inspect and collect
    lines = tmp_path / "lines.csv"
    lines.write_text("date,cn_code,country,net_mass_t\n2026-03-01,72083900,CN,120\n")
    run = cbam("declare", "--db", str(db), "--imports", str(lines), "--year", "2026", "-o", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "declaration.xlsx").exists() and "1 supplier(s) to follow up" in run.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("when,what\n1,2\n")
    run = cbam("declare", "--db", str(db), "--imports", str(bad), "--year", "2026")
    assert run.returncode == 2 and "lack required columns" in run.stderr and "Traceback" not in run.stderr
