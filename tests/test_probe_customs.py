"""Issue 17 probes of customs exports given to `cbam declare`: an over-long field is a clear refusal (exit 2, not an
internal error), a header that names a column twice is refused rather than read from whichever came first, and a row
of empty cells (what spreadsheets append) is skipped like an empty line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.workspace.db import connect
from cbam_exchange.workspace.declare import declare
from tests.test_conventions import cbam

HEADER = "date;cn_code;country;net_mass;unit\n"
LINE = "15.03.2026;72083900;CN;1000;kg\n"


@pytest.fixture
def db(tmp_path: Path) -> sqlite3.Connection:
    return connect(tmp_path / "ws.sqlite")


@pytest.mark.parametrize("tail", ["15.03.2026;72083900;CN;1000;kg;" + "x" * 200_000 + "\n",  # an extra column
                                  '"' + "x" * 200_000 + "\n"])  # a quote never closed swallows the rest
def test_a_field_too_long_for_a_customs_line_is_refused_naming_the_file(db, tmp_path: Path, tail: str) -> None:
    path = tmp_path / "imports.csv"
    path.write_text(HEADER + LINE * 3 + tail, encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        declare(db, path, 2026)
    text = caught.value.describe()
    assert str(path) in text and "line 5" in text and "characters" in text


def test_the_cli_says_so_with_exit_2(tmp_path: Path) -> None:
    ws = tmp_path / "ws.sqlite"
    connect(ws).close()
    path = tmp_path / "imports.csv"
    path.write_text(HEADER + LINE + "15.03.2026;72083900;CN;1000;kg;" + "x" * 200_000 + "\n", encoding="utf-8")
    run = cbam("declare", "--db", str(ws), "--imports", str(path), "--year", "2026", "-o", str(tmp_path / "out"))
    assert run.returncode == 2 and "internal error" not in run.stderr and "imports.csv" in run.stderr


@pytest.mark.parametrize("header, row", [
    ("date;cn_code;country;net_mass;net_mass;unit\n", "15.03.2026;72083900;CN;1000;5;kg\n"),
    ("date;cn_code;country;Net mass;net mass;unit\n", "15.03.2026;72083900;CN;1000;5;kg\n"),
    ("date;cn_code;country;net_mass;unit;unit\n", "15.03.2026;72083900;CN;1000;kg;t\n"),
])
def test_a_column_named_twice_is_refused(db, tmp_path: Path, header: str, row: str) -> None:
    # the first 'net_mass' was read and the second ignored without a word (1 t declared, or 5 kg: a guess)
    path = tmp_path / "imports.csv"
    path.write_text(header + row, encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        declare(db, path, 2026)
    text = caught.value.describe()
    assert "line 1" in text and "twice" in text and ("net" in text or "unit" in text)


def test_a_column_the_declaration_does_not_use_may_repeat(db, tmp_path: Path) -> None:
    path = tmp_path / "imports.csv"
    path.write_text("date;cn_code;country;net_mass;unit;remark;remark\n15.03.2026;72083900;CN;1000;kg;a;b\n",
                    encoding="utf-8")
    assert len(declare(db, path, 2026).lines) == 1


def test_rows_of_empty_cells_are_skipped_like_empty_lines(db, tmp_path: Path) -> None:
    path = tmp_path / "imports.csv"
    path.write_text(HEADER + LINE + "\n;;;;\n" + LINE + " ; ; ; ; \n", encoding="utf-8")
    decl = declare(db, path, 2026)
    assert [line["line"] for line in decl.lines] == [2, 5] and not decl.problems


def test_a_long_field_past_the_lines_read_ahead_is_refused_too(db, tmp_path: Path) -> None:
    # a ',' file is not read ahead for its decimal mark: the long field is met while the lines are valued
    path = tmp_path / "imports.csv"
    path.write_text("date,cn_code,country,net_mass,unit\n" + "2026-03-15,72083900,CN,1000,kg\n" * 3
                    + "2026-03-15,72083900,CN,1000,kg," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        declare(db, path, 2026)
    assert "line 5" in caught.value.describe() and "too long" in caught.value.describe()


def test_an_xlsx_export_without_the_columns_names_the_sheet_it_read(db, tmp_path: Path) -> None:
    # only the first sheet is read; the message said 'line 1' of a workbook whose lines were on its second sheet
    import openpyxl
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.active.append(["Customs export, Q1 2026"])
    book.create_sheet("Lines").append(["date", "cn_code", "country", "net_mass", "unit"])
    path = tmp_path / "imports.xlsx"
    book.save(path)
    with pytest.raises(UnreadableInput) as caught:
        declare(db, path, 2026)
    assert "sheet 'Cover', line 1" in caught.value.describe()


def test_a_mapping_unit_that_contradicts_the_column_header_is_refused(db, tmp_path: Path) -> None:
    # 'net_mass_kg' with 'unit: t' in the mapping file: 1000 kg was declared as 1000 t, without a word
    path = tmp_path / "imports.csv"
    path.write_text("date,cn_code,country,net_mass_kg\n2026-03-15,72083900,CN,1000\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("unit: t\n", encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        declare(db, path, 2026, mapping)
    text = caught.value.describe()
    assert "net_mass_kg" in text and "'t'" in text and "line 1" in text
    mapping.write_text("unit: KGM\n", encoding="utf-8")  # the same unit in other words is no contradiction
    assert [line["net_mass_t"] for line in declare(db, path, 2026, mapping).lines] == [1.0]


def test_a_unit_column_that_contradicts_the_column_header_is_a_problem_line(db, tmp_path: Path) -> None:
    path = tmp_path / "imports.csv"
    path.write_text("date,cn_code,country,net_mass_kg,unit\n2026-03-15,72083900,CN,1000,t\n"
                    "2026-03-16,72083900,CN,2000,kg\n2026-03-17,72083900,CN,3000,t\n", encoding="utf-8")
    decl = declare(db, path, 2026)
    assert [line["net_mass_t"] for line in decl.lines if line["line"] == 3] == [2.0]
    problems = {p[0]: p for p in decl.problems}
    assert sorted(problems) == [2, 4]
    assert problems[2][1] == "unit" and problems[2][2] == "t" and "net_mass_kg" in problems[2][3]


def test_a_comma_separated_file_with_decimal_commas_is_read_as_such(db, tmp_path: Path) -> None:
    # quoted "1,5" showed the file's decimal comma, yet "1,234" on the next line was read as 1234 kg (thousands):
    # a factor of 1000 between two lines of one file
    path = tmp_path / "imports.csv"
    path.write_text('date,cn_code,country,net_mass,unit\n2026-03-15,72083900,CN,"1500,5",t\n'
                    '2026-03-16,72083900,CN,"1,234",t\n', encoding="utf-8")
    decl = declare(db, path, 2026)
    assert not decl.problems
    assert {line["line"]: line["net_mass_t"] for line in decl.lines} == {2: 1500.5, 3: 1.234}


def test_a_comma_separated_file_with_decimal_points_keeps_its_thousands_commas(db, tmp_path: Path) -> None:
    path = tmp_path / "imports.csv"
    path.write_text('date,cn_code,country,net_mass,unit\n2026-03-15,72083900,CN,1.5,t\n'
                    '2026-03-16,72083900,CN,"1,234",kg\n', encoding="utf-8")
    assert {line["line"]: line["net_mass_t"] for line in declare(db, path, 2026).lines} == {2: 1.5, 3: 1.234}
