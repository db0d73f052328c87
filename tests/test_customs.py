"""Customs exports as brokers send them, declared line by line. Every expected tCO2e is looked up here, in the
project's reference data (../shared/reference-data), with the table line written out by hand for each test line:
never through the toolkit's own lookup."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cbam_exchange.reference.scope import code_scope, origin
from cbam_exchange.workspace.db import connect
from cbam_exchange.workspace.declare import declare
from cbam_exchange.workspace.outputs import write_outputs
from tests.conftest import SHARED

REFERENCE = SHARED / "reference-data"
MARKUP_2026 = {"Iron and steel": 0.10, "Cement": 0.10, "Aluminium": 0.10, "Hydrogen": 0.10, "Fertilisers": 0.01}


def _need_reference() -> None:
    if not (REFERENCE / "default_values_definitive_corrected.csv").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("../shared/reference-data is required in CI")
        pytest.skip("../shared/reference-data is absent")


def table_total(table: str, code: str, taric: str = "") -> float:
    """Total default value of one line of one table (ISO-2 or table name), read from the shared CSV."""
    _need_reference()
    with (REFERENCE / "default_values_definitive_corrected.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (row["country_iso2"] or row["country_table"]) == table and row["cn_code"] == code and \
                    row["taric_code"] == taric and row["total_tco2e_per_t"]:
                return float(row["total_tco2e_per_t"])
    raise AssertionError(f"no value for {table} {code} {taric}")


@pytest.fixture
def db(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "ws.sqlite")


def run(db, path: Path, year: int = 2026, mapping: Path | None = None) -> tuple[dict[int, dict], object]:
    decl = declare(db, path, year, mapping)
    return {line["line"]: line for line in decl.lines}, decl


BROKER = (
    "Datum;Warennummer;Ursprungsland;Eigenmasse (kg);Lieferant\n"
    "15.03.2026;7208 51 20;TR;1.234,5;Çelik A.S. – Werk 2\n"  # 6 digits of a heading valued at 4: TR 7208
    "16.03.2026;2523.29.00;CH;100000;Zement AG\n"  # Annex III origin: exempt
    "17.03.2026;8471 30 00;CN;5;Laptops\n"  # outside Annex I
    "18.03.2026;72083900;XX;5;?\n"  # not a country code
    "19.03.2026;72083900;CN;NaN;x\n"
    "20.03.2026;72083900;CN;-5;x\n"
    "21.03.2026;72083900;CN;inf;x\n"
    "22.03.2026;72083900;CN;5000000000000;x\n"  # 5 billion t: a typing error
    "31.12.2025;72083900;CN;5;x\n"  # outside the year
    "23.03.2026;7202;CN;5;x\n"  # heading partly excepted from Annex I
    "24.03.2026;2523 10 00 10;EG;2000;weiß\n"  # TARIC white clinker
    "25.03.2026;3105 60 00;MA;1000;x\n"  # excepted from heading 3105
    "26.03.2026;7601 10 00 00;IN;2500,5;x\n"  # 10-digit TARIC of an 8-digit line
    "27.03.2026;7204 41 10;CN;9000;Schrott\n"  # scrap: excepted
)


def test_a_brokers_semicolon_cp1252_export_with_decimal_commas_is_declared_line_by_line(db, tmp_path: Path) -> None:
    path = tmp_path / "broker.csv"
    path.write_bytes(BROKER.encode("cp1252"))
    lines, decl = run(db, path)
    steel = 1.2345 * table_total("TR", "7208") * 1.10
    assert lines[2]["net_mass_t"] == pytest.approx(1.2345) and lines[2]["emissions"] == pytest.approx(steel)
    assert "7208" in lines[2]["default_line"]
    white = 2.0 * table_total("Other countries and territories", "25231000", "2523100010") * 1.10
    if _has_value("EG", "25231000", "2523100010"):
        white = 2.0 * table_total("EG", "25231000", "2523100010") * 1.10
    assert lines[12]["emissions"] == pytest.approx(white)
    alu = 2.5005 * table_total("IN", "7601") * 1.10  # India values 7601 at heading level
    assert lines[14]["emissions"] == pytest.approx(alu)
    assert lines[3]["source"] == "exempt" and "Annex III" in lines[3]["reason"] and lines[3]["emissions"] == 0
    assert lines[4]["source"] == "out of scope" and lines[13]["source"] == "out of scope"
    assert lines[15]["source"] == "out of scope"
    assert lines[2]["Lieferant"] == "Çelik A.S. – Werk 2"  # Windows-1252 decoded, not mangled
    assert decl.totals["emissions"] == pytest.approx(steel + white + alu)
    problems = {n: (column, value, why) for n, column, value, why in decl.problems}
    assert problems[5][:2] == ("Ursprungsland", "XX") and "ISO 3166" in problems[5][2]
    assert {6, 7, 8, 9} <= set(problems) and all(problems[n][0] == "Eigenmasse (kg)" for n in (6, 7, 8, 9))
    assert problems[10][:2] == ("Datum", "31.12.2025") and "outside the declared year" in problems[10][2]
    assert problems[11][:2] == ("Warennummer", "7202")
    assert set(problems) == {5, 6, 7, 8, 9, 10, 11}
    assert decl.exit_findings


def _has_value(table: str, code: str, taric: str) -> bool:
    try:
        table_total(table, code, taric)
        return True
    except AssertionError:
        return False


def test_outputs_are_valid_json_and_hold_valuations_not_lines(db, tmp_path: Path) -> None:
    path = tmp_path / "broker.csv"
    path.write_bytes(BROKER.encode("cp1252"))
    _, decl = run(db, path)
    write_outputs(decl, tmp_path / "out")

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in JSON")

    document = json.loads((tmp_path / "out" / "declaration.json").read_text(), parse_constant=refuse)
    assert document["problem_count"] == 7 and document["problems"][0]["line"] == 5
    import openpyxl
    book = openpyxl.load_workbook(tmp_path / "out" / "declaration.xlsx", read_only=True)
    assert "Valuations" in book.sheetnames and "Lines" not in book.sheetnames
    rows = list(csv.reader((tmp_path / "out" / "problems.csv").open(encoding="utf-8")))
    assert rows[0] == ["line", "column", "value", "problem"] and len(rows) == 8


def test_units_codes_header_and_never_a_guess(db, tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("date,cn_code,country,net_mass,unit\n"
                    "2026-01-05,72083900,TR,2000,KGM\n"
                    "2026-01-06,72083900,TR,2,TNE\n"
                    "2026-01-07,72083900,TR,2,\n"  # blank unit: refused, not taken as tonnes
                    "2026-01-08,72083900,TR,2,MWH\n"  # MWh of steel
                    "2026-01-09,72083900,TR,2,lbs\n", encoding="utf-8")
    lines, decl = run(db, path)
    per_t = table_total("TR", "7208") * 1.10
    assert lines[2]["emissions"] == pytest.approx(2 * per_t) == lines[3]["emissions"]
    assert sorted(n for n, *_ in decl.problems) == [4, 5, 6]
    no_unit = tmp_path / "no-unit.csv"
    no_unit.write_text("date,cn_code,country,net_mass\n2026-01-05,72083900,TR,2000\n", encoding="utf-8")
    from cbam_exchange.errors import UnreadableInput
    with pytest.raises(UnreadableInput, match="unit of net mass is not stated"):
        run(db, no_unit)
    by_header = tmp_path / "kg.csv"
    by_header.write_text("import_date,cn_code,country_of_origin,net_mass_kg\n2026-01-05,72083900,TR,2000\n",
                         encoding="utf-8")
    lines, _ = run(db, by_header)
    assert lines[2]["net_mass_t"] == 2 and lines[2]["emissions"] == pytest.approx(2 * per_t)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_encodings_are_detected(db, tmp_path: Path, encoding: str) -> None:
    name = "Société Générale Métallurgie" + (" – 2" if encoding == "cp1252" else "") + \
        ("\x81" if encoding == "latin-1" else "")
    path = tmp_path / "enc.csv"
    path.write_bytes(f"date,cn_code,country,net_mass_t,note\n2026-02-01,72083900,TR,3,{name}\n".encode(encoding))
    lines, _ = run(db, path)
    assert lines[2]["note"] == name and lines[2]["emissions"] == pytest.approx(3 * table_total("TR", "7208") * 1.10)


def test_a_mapping_file_names_the_declarants_columns(db, tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text("Tag;Code;Herkunft;Gewicht\n02.02.2026;25232900;EG;12,5\n", encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  date: Tag\n  cn_code: Code\n  country: Herkunft\n  net_mass: Gewicht\n"
                       "unit: t\n", encoding="utf-8")
    lines, _ = run(db, path, mapping=mapping)
    assert lines[2]["emissions"] == pytest.approx(12.5 * table_total("EG", "25232900") * 1.10)


def test_an_xlsx_export(db, tmp_path: Path) -> None:
    import openpyxl
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Import date", "CN code", "Country of origin", "Net mass (kg)"])
    sheet.append([dt.datetime(2026, 4, 2), 72083900, "TR", 1500])
    sheet.append([dt.datetime(2026, 4, 3), "2523 29 00", "DE", 1000])
    path = tmp_path / "export.xlsx"
    book.save(path)
    lines, decl = run(db, path)
    assert lines[2]["emissions"] == pytest.approx(1.5 * table_total("TR", "7208") * 1.10)
    assert lines[3]["source"] == "exempt" and "EU member state" in lines[3]["reason"]
    assert not decl.exit_findings


def test_the_de_minimis_threshold_spares_goods_but_not_hydrogen(db, tmp_path: Path) -> None:
    path = tmp_path / "small.csv"
    path.write_text("date,cn_code,country,net_mass_t\n2026-03-01,72083900,TR,30\n2026-04-01,25232900,EG,15\n"
                    "2026-05-01,28041000,ZZZ,1\n2026-05-02,28041000,,1\n", encoding="utf-8")
    lines, decl = run(db, path)
    assert decl.totals["threshold_mass_t"] == 45 and decl.totals["exempt_below_threshold"] is True
    hydrogen = lines[5]
    assert hydrogen["source"] == "default" and hydrogen["default_table"].startswith("Annex IV")
    assert decl.totals["certificates_to_surrender"] == pytest.approx(hydrogen["certificates"])
    assert [n for n, *_ in decl.problems] == [4]  # 'ZZZ' is no country
    over = tmp_path / "over.csv"
    over.write_text("date,cn_code,country,net_mass_t\n2026-03-01,72083900,TR,30\n2026-04-01,72083900,TR,30\n",
                    encoding="utf-8")
    lines, decl = run(db, over)
    assert decl.totals["exempt_below_threshold"] is False
    assert decl.totals["certificates_to_surrender"] == pytest.approx(lines[2]["certificates"] + lines[3]["certificates"])


def test_the_real_customs_export_reads_by_its_own_headers(db) -> None:
    real = SHARED / "real-world" / "customs" / "eucbam01_imports-test-2025Q4.csv"
    if not real.exists():
        pytest.skip("../shared/real-world/customs is absent")
    lines, decl = run(db, real, year=2025)
    assert [lines[n]["net_mass_t"] for n in (2, 3)] == [0.54, 0.27]  # net_mass_kg, not 'quantity'
    assert lines[2]["cn_code"] == "73089000" and lines[2]["source"] == "unresolved" and "2026" in lines[2]["reason"]


def test_every_listed_cbam_code_is_in_annex_i_and_the_exceptions_are_not() -> None:
    _need_reference()
    with (REFERENCE / "cn_codes.csv").open(encoding="utf-8") as fh:
        listed = [r["cn_code"] for r in csv.DictReader(fh)]
    assert all(code_scope(c).status == "in" for c in listed)
    for code in ("72022100", "7204 41 10", "31056000", "72029980", "8471"):
        assert code_scope(code).status == "out", code
    for code in ("7202", "2523", "72 02"):
        assert code_scope(code).status in ("ambiguous", "invalid"), code
    assert code_scope("7208.39.00.00").status == "in" and code_scope("720839").status == "in"


def test_origins_exempt_priced_unknown_and_invalid() -> None:
    for code in ("DE", "EL", "IS", "LI", "NO", "CH", "XC", "XL", "Büsingen", "Heligoland", "Livigno", "CHE"):
        assert origin(code).status == "exempt", code
    assert origin("TR").status == "priced" and origin("TUR").code == "TR"
    assert origin("").status == "unknown"
    assert origin("UK").status == "invalid" and origin("Turkey").status == "invalid"


def test_the_cli_exit_codes_tell_out_of_scope_from_not_valued(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite"
    connect(ws).close()
    ok = tmp_path / "ok.csv"
    ok.write_text("date,cn_code,country,net_mass_kg\n2026-03-01,72083900,TR,1000\n2026-03-02,84713000,CN,5\n"
                  "2026-03-03,72083900,NO,5\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,cn_code,country,net_mass_kg\n2026-03-01,72083900,TR,nan\n", encoding="utf-8")

    def cbam(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, text=True,
                              cwd=tmp_path)

    done = cbam("declare", "--db", str(ws), "--imports", str(ok), "--year", "2026", "-o", str(tmp_path / "a"))
    assert done.returncode == 0, done.stderr
    assert "out of scope: 1 line(s)" in done.stdout and "exempt: 1 line(s)" in done.stdout
    failed = cbam("declare", "--db", str(ws), "--imports", str(bad), "--year", "2026", "-o", str(tmp_path / "b"))
    assert failed.returncode == 1 and "line 2, column 'net_mass_kg': 'nan'" in failed.stderr
    missing = cbam("declare", "--db", str(ws), "--imports", str(tmp_path / "nope.csv"), "--year", "2026")
    assert missing.returncode == 2 and "nope.csv" in missing.stderr
    exempt = cbam("defaults", "2523 29 00", "CH", "--year", "2026")
    assert exempt.returncode == 0 and "outside CBAM" in exempt.stdout and "Annex III" in exempt.stdout
    value = cbam("defaults", "7208.51.20", "TR", "--year", "2026")
    assert f"{table_total('TR', '7208') * 1.10:.3f}" in value.stdout and "line 7208" in value.stdout
    assert math.isfinite(table_total("TR", "7208"))
