"""The importer's workspace: collecting supplier files, and line-level declaration figures checked by hand
arithmetic against the official tables and the template's own results (recorded by LibreOffice)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from cbam_exchange.workspace import collect as collect_module
from cbam_exchange.workspace.collect import collect
from cbam_exchange.workspace.db import HEAD, MIGRATIONS, Workspace, connect
from cbam_exchange.workspace.declare import declare
from cbam_exchange.workspace.outputs import write_outputs
from tests.conftest import EXAMPLES, ROOT

TABLES = ROOT / "cbam_exchange" / "reference" / "tables"
RECORDED = ROOT / "tests" / "differential" / "libreoffice"
IMPORTS = """date,cn_code,country,net_mass,unit,installation,customs_ref
2026-02-10,72083900,TR,1200,t,Anatolia Integrated Steel Works – Iskenderun plant,MRN-1
2026-03-05,7208 51 20,TR,800000,kg,TRISK,MRN-2
2026-05-20,25232900,EG,5000,t,Nile Delta Cement Company – Amreya plant,MRN-3
2026-06-11,25232900,EG,2000,t,,MRN-4
2026-09-30,25231000,TR,1000,t,,=HYPERLINK("http://x")
"""


def table_value(country: str, cn: str, column: str = "total_tco2e_per_t") -> float:
    """A default value read straight from the packaged CSV (not through the toolkit's lookup)."""
    with (TABLES / "default_values_definitive_corrected.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (row["country_iso2"] or row["country_table"]) == country and row["cn_code"] == cn and row[column]:
                last = float(row[column])
    return last


def recorded(example: str) -> dict:
    return json.loads((RECORDED / f"{example}.json").read_text())


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    folder = tmp_path / "suppliers"
    folder.mkdir()
    for example in EXAMPLES:
        shutil.copy(example, folder / example.name)
    (folder / "broken.xlsx").write_text("not a workbook")
    db = connect(tmp_path / "ws.sqlite")
    summary = collect(db, [folder], jobs=1)
    assert (summary.stored, summary.unreadable) == (3, 1)
    return db


def lines_of(db: Workspace, tmp_path: Path, text: str = IMPORTS) -> dict[int, dict]:
    path = tmp_path / "imports.csv"
    path.write_text(text, encoding="utf-8")
    decl = declare(db, path, 2026)
    return {line["line"]: line for line in decl.lines}, decl


def test_actual_data_lines_count_direct_only_for_annex_ii_goods(workspace, tmp_path: Path) -> None:
    lines, _ = lines_of(workspace, tmp_path)
    steel = recorded("steelworks-bf-bof")["products"]["1"]
    # 1200 t hot-rolled coil x SEE direct 1.51552406735005 (the template's own figure); indirect 0.149 not counted
    assert lines[2]["source"] == "actual" and lines[2]["emissions"] == pytest.approx(1200 * steel["see_direct"])
    # 800000 kg = 800 t of plate from the same installation, named by its UN/LOCODE
    assert lines[3]["net_mass_t"] == 800 and lines[3]["emissions"] == pytest.approx(800 * steel["see_direct"])


def test_cement_counts_direct_and_indirect_and_the_higher_product(workspace, tmp_path: Path) -> None:
    lines, _ = lines_of(workspace, tmp_path)
    cements = recorded("cement-clinker-two-cements")["products"]
    highest = max(cements["1"]["see_total"], cements["2"]["see_total"])  # CEM I and CEM II share 2523 29 00
    assert lines[4]["counted"] == "direct and indirect"
    assert lines[4]["emissions"] == pytest.approx(5000 * highest)


def test_default_value_lines_carry_the_years_markup(workspace, tmp_path: Path) -> None:
    lines, _ = lines_of(workspace, tmp_path)
    # no installation named: Egypt's default for grey Portland cement, total x (1 + 10 %)
    assert lines[5]["source"] == "default"
    assert lines[5]["emissions"] == pytest.approx(2000 * table_value("EG", "25232900") * 1.10)


def test_fallback_to_other_countries_and_territories(workspace, tmp_path: Path) -> None:
    lines, _ = lines_of(workspace, tmp_path)
    # Türkiye's table has no value for clinker: Other countries and territories, grey clinker line
    assert lines[6]["default_table"] == "Other countries and territories"
    assert lines[6]["emissions"] == pytest.approx(1000 * table_value("Other countries and territories", "25231000")
                                                  * 1.10)


def test_the_50_tonne_threshold(workspace, tmp_path: Path) -> None:
    _, big = lines_of(workspace, tmp_path)
    assert big.totals["exempt_below_threshold"] is False
    small = "date,cn_code,country,net_mass_t\n2026-03-01,72083900,CN,30\n2026-04-01,25232900,EG,15\n"
    _, decl = lines_of(workspace, tmp_path, small)
    assert decl.totals["threshold_mass_t"] == 45 and decl.totals["exempt_below_threshold"] is True
    assert any("50 t annual threshold" in n for n in decl.notes)
    assert decl.totals["certificates_to_surrender"] == 0


def test_certificates_and_cost(workspace, tmp_path: Path) -> None:
    lines, decl = lines_of(workspace, tmp_path)
    line = lines[5]
    # SEFA by hand: 2000 t x Column B of 2523 29 00 (0.666, IR 2025/2620 point 5) x CBAM factor 2026 (0.975) x CSCF 1
    assert line["benchmark_column"] == "B" and line["sefa"] == pytest.approx(2000 * 0.666 * 0.975)
    assert line["price_period"] == "2026-Q2" and line["price"] == 75.28
    assert line["cost"] == pytest.approx((line["emissions"] - line["sefa"]) * 75.28)
    total = sum(x["emissions"] - x["sefa"] - x["carbon_price_deduction"] for x in lines.values())
    assert decl.totals["certificates_to_surrender"] == pytest.approx(total)


def test_followup_and_outputs(workspace, tmp_path: Path) -> None:
    _, decl = lines_of(workspace, tmp_path)
    suppliers = [s["supplier"] for s in decl.followup]
    assert "unnamed supplier, EG" in suppliers and "unnamed supplier, TR" in suppliers
    written = write_outputs(decl, tmp_path / "out")
    names = {p.name for p in written}
    assert {"declaration.xlsx", "declaration.json", "lines.csv", "followup.csv"} <= names
    letters = [p for p in written if p.parent.name == "letters"]
    assert len(letters) == 2 and "25232900" in letters[0].read_text()
    rows = list(csv.DictReader((tmp_path / "out" / "lines.csv").open(encoding="utf-8")))
    assert rows[-1]["customs_ref"].startswith("'=")  # supplier text cannot run as a formula
    import openpyxl
    book = openpyxl.load_workbook(tmp_path / "out" / "declaration.xlsx")
    assert book.sheetnames == ["Summary", "By CN code", "By country", "By installation", "Not priced", "Valuations",
                               "Follow-up"]
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for row in book["Valuations"].iter_rows()
                   for c in row)


def test_collect_again_changes_nothing(workspace, tmp_path: Path) -> None:
    before = workspace.scalar("SELECT COUNT(*) FROM submissions")
    summary = collect(workspace, [tmp_path / "suppliers"], jobs=1)
    assert (summary.stored, summary.unchanged) == (0, 4)
    assert workspace.scalar("SELECT COUNT(*) FROM submissions") == before


def _dated(path: Path, when: str) -> None:
    """Set a workbook's own modified date (docProps/core.xml), as Excel does on saving."""
    import re
    import zipfile
    parts = {}
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            parts[info.filename] = z.read(info.filename)
    core = parts["docProps/core.xml"]
    stamp = f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'.encode()
    core, n = re.subn(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>", stamp, core)
    if not n:
        core = core.replace(b"</cp:coreProperties>", stamp + b"</cp:coreProperties>")
    parts["docProps/core.xml"] = core
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_the_newer_file_supersedes_by_its_own_date_not_its_name(workspace, tmp_path: Path, blank: Path) -> None:
    from cbam_exchange.readers import read_submission
    from cbam_exchange.workspace.collect import listing
    from cbam_exchange.writers.ec_template import write_ec_template
    folder = tmp_path / "later"
    folder.mkdir()
    submission = read_submission(EXAMPLES[0])
    write_ec_template(submission, blank, folder / "steel-v2.xlsx")  # the correction, saved later
    _dated(folder / "steel-v2.xlsx", "2030-06-01T10:00:00Z")
    submission.products[0].name = "older wording"
    write_ec_template(submission, blank, folder / "steel.xlsx")  # the older file, sorting after the newer
    _dated(folder / "steel.xlsx", "2030-05-01T10:00:00Z")
    summary = collect(workspace, [folder], jobs=1)
    assert summary.stored == 2 and summary.older == 1
    rows = [r for r in listing(workspace) if r["path"].endswith(("steel.xlsx", "steel-v2.xlsx"))]
    state = {Path(r["path"]).name: r["state"] for r in rows}
    assert state["steel-v2.xlsx"] == "current"
    assert state["steel.xlsx"].startswith("superseded by") and state["steel.xlsx"].endswith("steel-v2.xlsx")
    assert all(r["file_date_basis"] == "workbook modified date" for r in rows)
    ids = {r["installation_id"] for r in listing(workspace)}
    # both workbooks of the steelworks and the JSON example (format 1.1, which carries the CBAM Registry identifier
    # the template has no cell for) are one installation: the workbooks are recognised by their place key
    assert len(ids) == 3


def test_an_interrupted_run_loses_nothing_already_stored(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "suppliers"
    folder.mkdir()
    for example in EXAMPLES:
        shutil.copy(example, folder / example.name)
    real = collect_module.process_file
    calls = []

    def failing(path: Path) -> dict:
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(path)

    monkeypatch.setattr(collect_module, "process_file", failing)
    db = connect(tmp_path / "ws.sqlite")
    with pytest.raises(KeyboardInterrupt):
        collect(db, [folder], jobs=1)
    assert db.scalar("SELECT COUNT(*) FROM submissions") == 2
    monkeypatch.setattr(collect_module, "process_file", real)
    summary = collect(db, [folder], jobs=1)
    assert (summary.stored, summary.unchanged) == (1, 2)


def test_which_submission_is_current_is_answered_from_an_index(tmp_path: Path) -> None:
    """The current-submission condition runs for every stored submission; answered from the rows, SQLite walks each
    stored model (file_date is stored after it) and the cost grows with the square of the submissions."""
    from cbam_exchange.workspace.collect import CURRENT
    db = connect(tmp_path / "ws.sqlite")
    plan = " | ".join(str(r[-1]) for r in db.rows(f"EXPLAIN QUERY PLAN SELECT s.id FROM submissions s WHERE {CURRENT}"))
    db.close()
    assert "SEARCH t USING COVERING INDEX submissions_current" in plan, plan


def test_the_schema_is_migrated_by_alembic_and_versioned(tmp_path: Path) -> None:
    import sqlite3
    heads = {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*.py")}
    assert HEAD == max(heads)
    db = connect(tmp_path / "new.sqlite")
    assert db.scalar("SELECT version_num FROM alembic_version") == HEAD
    db.close()
    raw = sqlite3.connect(tmp_path / "new.sqlite")
    raw.execute("UPDATE alembic_version SET version_num = '9999'")
    raw.commit()
    raw.close()
    from cbam_exchange.errors import UnreadableInput
    with pytest.raises(UnreadableInput, match="newer than this toolkit"):
        connect(tmp_path / "new.sqlite")


def test_a_workspace_made_before_alembic_is_migrated_with_its_data(tmp_path: Path) -> None:
    import sqlite3
    path = tmp_path / "old.sqlite"
    raw = sqlite3.connect(path)
    raw.executescript("""
        CREATE TABLE files (sha256 TEXT PRIMARY KEY, path TEXT NOT NULL, first_seen TEXT NOT NULL,
                            status TEXT NOT NULL, error TEXT);
        CREATE TABLE installations (id TEXT PRIMARY KEY, name TEXT, country_code TEXT, unlocode TEXT);
        CREATE TABLE submissions (id INTEGER PRIMARY KEY AUTOINCREMENT, sha256 TEXT NOT NULL UNIQUE
            REFERENCES files(sha256), installation_id TEXT NOT NULL REFERENCES installations(id), period_start TEXT,
            period_end TEXT, format TEXT, template_version TEXT, collected_at TEXT NOT NULL, errors INTEGER NOT NULL,
            warnings INTEGER NOT NULL, superseded_by INTEGER REFERENCES submissions(id), model_json TEXT NOT NULL);
        CREATE TABLE findings (submission_id INTEGER NOT NULL REFERENCES submissions(id), rule TEXT NOT NULL,
            severity TEXT NOT NULL, sheet TEXT, cell TEXT, path TEXT, message TEXT NOT NULL, fingerprint TEXT NOT NULL);
        CREATE TABLE products (submission_id INTEGER NOT NULL REFERENCES submissions(id), row INTEGER NOT NULL,
            cn_code TEXT, name TEXT, process TEXT, see_direct REAL, see_indirect REAL, see_total REAL,
            carbon_price_effective REAL, currency TEXT);
        CREATE TABLE processes (submission_id INTEGER NOT NULL REFERENCES submissions(id), process TEXT NOT NULL,
            name TEXT, category TEXT, see_direct REAL, see_indirect REAL);
        CREATE TABLE precursor_links (submission_id INTEGER NOT NULL REFERENCES submissions(id),
            precursor TEXT NOT NULL, upstream_submission_id INTEGER NOT NULL REFERENCES submissions(id),
            see_declared REAL, see_upstream REAL);
        INSERT INTO files VALUES ('abc', 'old.json', '2026-01-01', 'read', NULL);
        INSERT INTO installations VALUES ('INST-1', 'Old works', 'TR', NULL);
        INSERT INTO submissions VALUES (1, 'abc', 'INST-1', '2025-01-01', '2025-12-31', 'json', NULL,
                                        '2026-01-01', 0, 0, NULL, '{}');
        INSERT INTO products VALUES (1, 1, '72083900', 'coil', 'P1', 1.5, NULL, 1.5, NULL, NULL);
        PRAGMA user_version = 1;
    """)
    raw.close()
    db = connect(path)
    assert db.scalar("SELECT version_num FROM alembic_version") == HEAD
    assert db.rows("SELECT id, installation_id, file_date FROM submissions") == [(1, "INST-1", None)]
    assert db.scalar("SELECT COUNT(*) FROM products") == 1


def test_the_migration_joins_an_installation_stored_twice_with_and_without_its_registry_id(tmp_path: Path) -> None:
    """A workspace of revision 0002 holding one installation under two ids (seen with and without its Registry
    identifier) is one installation after the upgrade, under the id of its Registry identifier."""
    from alembic import command
    from alembic.config import Config

    from cbam_exchange.workspace.db import _engine
    path = tmp_path / "v2.sqlite"
    engine = _engine(f"sqlite:///{path}", foreign_keys=False)
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    steel = json.loads(EXAMPLES[-1].read_text())
    registry = steel["definitive"]["registry_installation_id"]
    without = json.loads(json.dumps(steel))
    without["definitive"]["registry_installation_id"] = None
    import sqlalchemy as sa
    with engine.begin() as conn:
        for k, (inst, reg, model) in enumerate((("INST-PLACE", None, without), ("INST-REG", registry, steel))):
            conn.execute(sa.text("INSERT INTO files VALUES (:s, :p, '2026-01-01', 'read', NULL)"),
                         {"s": f"sha{k}", "p": f"f{k}.json"})
            conn.execute(sa.text("INSERT INTO installations VALUES (:i, 'Anatolia', 'TR', 'TRISK', :r)"),
                         {"i": inst, "r": reg})
            conn.execute(sa.text(
                "INSERT INTO submissions (sha256, installation_id, period_start, period_end, format, collected_at, "
                "errors, warnings, model_json, file_date) VALUES (:s, :i, '2026-01-01', '2026-12-31', 'json', "
                "'2026-01-01', 0, 0, :m, :d)"), {"s": f"sha{k}", "i": inst, "m": json.dumps(model),
                                                 "d": f"2026-0{k + 1}-01"})
    engine.dispose()
    db = connect(path)
    assert db.scalar("SELECT version_num FROM alembic_version") == HEAD
    [(inst, reg)] = db.rows("SELECT id, registry_id FROM installations")
    assert reg == registry and inst.startswith("INST-") and inst not in ("INST-PLACE", "INST-REG")
    assert db.rows("SELECT DISTINCT installation_id FROM submissions") == [(inst,)]
    db.close()


def test_a_line_without_any_value_is_kept_and_reported_not_guessed(workspace, tmp_path: Path) -> None:
    text = "date,cn_code,country,net_mass_t\n2026-03-01,31021010,DZ,100\n2026-03-02,72083900,CN,10\n"
    lines, decl = lines_of(workspace, tmp_path, text)
    assert lines[2]["source"] == "unresolved" and lines[2]["emissions"] == 0 and "no default value" in \
        lines[2]["reason"]
    assert lines[3]["emissions"] == pytest.approx(10 * table_value("CN", "7208") * 1.10)
    assert any("could not be valued" in n for n in decl.notes)


def test_default_steel_takes_the_countrys_route_not_the_lowest_benchmark(workspace, tmp_path: Path) -> None:
    text = "date,cn_code,country,net_mass_t\n2026-02-01,72083900,TR,100\n"
    lines, _ = lines_of(workspace, tmp_path, text)
    # Türkiye's default for 7208 is route C (BF/BOF): Column B 1.370, not the lowest 0.072 (scrap/EAF)
    assert lines[2]["sefa"] == pytest.approx(100 * 1.370 * 0.975)
    emissions = 100 * table_value("TR", "7208") * 1.10
    assert lines[2]["certificates"] == pytest.approx(emissions - 100 * 1.370 * 0.975)
    assert lines[2]["cost"] == pytest.approx(lines[2]["certificates"] * 75.36)  # Q1 2026 price


def test_actual_data_sefa_runs_through_the_precursor_chain(workspace, tmp_path: Path) -> None:
    from cbam_exchange.calc.free_allocation import sefa_for_submission
    from cbam_exchange.calc.recompute import recompute
    from cbam_exchange.readers import read_submission
    lines, _ = lines_of(workspace, tmp_path)
    steel = next(e for e in EXAMPLES if "steel" in e.name)
    submission, result = recompute(read_submission(steel))
    good = sefa_for_submission(submission, result, 2026)[1]
    own_only = 0.975 * 0.044  # the hot-rolled product's own Column A benchmark, without its precursors
    assert lines[2]["source"] == "actual" and lines[2]["sefa"] == pytest.approx(1200 * good.sefa)
    assert good.sefa > 10 * own_only and len(good.terms) > 1


def test_installation_identity_keeps_every_script_apart_and_variants_together() -> None:
    from cbam_exchange.model.identity import installation_id
    from cbam_exchange.readers import read_submission
    steel = next(e for e in EXAMPLES if "steel" in e.name)

    def ident(name: str, unlocode: str | None = None, registry: str | None = None, lat: float | None = None) -> str:
        s = read_submission(steel)
        s.installation.name, s.installation.unlocode, s.installation.country_code = name, unlocode, "CN"
        s.installation.name_local = None
        s.installation.latitude = s.installation.longitude = lat
        s.definitive = None  # the example's own Registry identifier (issue 16) would decide the identity
        if registry:
            from cbam_exchange.model.definitive import DefinitivePeriod
            s.definitive = s.definitive or DefinitivePeriod()
            s.definitive.registry_installation_id = registry
        return installation_id(s)

    # two different Chinese names without UN/LOCODE: an ASCII transliteration would make both empty and equal
    assert ident("宝山钢铁股份有限公司") != ident("鞍山钢铁集团有限公司")
    assert ident("Магнитогорский завод") != ident("Челябинский завод")
    # the same name in full-width letters, other case or spacing is the same installation
    assert ident("ＡＢＣ Steel  Works") == ident("abc steel works")
    # the UN/LOCODE tells two plants of one name apart; the Registry identifier wins over everything else
    assert ident("Plant", "CN SHA") != ident("Plant", "CN NGB")
    assert ident("Plant", "CN SHA", registry="CN-0001") == ident("Other name", None, registry="cn-0001")
    # no name at all: the coordinates identify the site
    assert ident("", lat=31.2) != ident("", lat=39.9)
