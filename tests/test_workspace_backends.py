"""The workspace on both back ends, SQLite (a file) and PostgreSQL (a server a team shares, URL in
CBAM_TEST_POSTGRES_URL; .ci/run starts one): the same file twice, a newer version, two processes collecting at once,
an unreadable file amid good ones, and the declaration read from it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cbam_exchange.workspace.collect import collect, listing
from cbam_exchange.workspace.db import connect, database_url
from tests.conftest import EXAMPLES

POSTGRES = os.environ.get("CBAM_TEST_POSTGRES_URL")
STEEL = next(e for e in EXAMPLES if "steel" in e.name)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "ws.sqlite")
        return
    if not POSTGRES:
        if os.environ.get("CI") == "true":
            pytest.fail("CBAM_TEST_POSTGRES_URL is not set: .ci/run starts PostgreSQL and sets it")
        pytest.skip("no PostgreSQL server (set CBAM_TEST_POSTGRES_URL=postgresql://user@host:port/db)")
    import sqlalchemy as sa
    name = f"cbam_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(database_url(POSTGRES), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def suppliers(folder: Path) -> Path:
    """The three examples, a second copy of one under another name, a corrected version of another dated later,
    and a file that is not a workbook."""
    folder.mkdir()
    for example in EXAMPLES:
        shutil.copy(example, folder / example.name)
    shutil.copy(next(e for e in EXAMPLES if e != STEEL), folder / "copy-of-the-same.json")
    data = json.loads(STEEL.read_text())
    data["products"][0]["name"] = "corrected name"
    corrected = folder / "a-corrected.json"  # sorts first, but is the newer file
    corrected.write_text(json.dumps(data))
    older = folder / STEEL.name
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(corrected, (1_800_000_000, 1_800_000_000))
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    return folder


def test_collect_twice_newer_version_and_a_bad_file(url: str, tmp_path: Path) -> None:
    folder = suppliers(tmp_path / "s")
    db = connect(url)
    first = collect(db, [folder], jobs=1)
    # the corrected file is read first (its name sorts first); the older one is then stored as superseded
    assert (first.stored, first.unchanged, first.unreadable, first.superseded, first.older) == (4, 1, 1, 0, 1)
    assert "broken.xlsx" in first.errors[0]
    again = collect(db, [folder], jobs=1)
    assert (again.stored, again.unchanged) == (0, 6)
    assert db.scalar("SELECT COUNT(*) FROM submissions") == 4
    state = {Path(r["path"]).name: r["state"] for r in listing(db)}
    assert state["a-corrected.json"] == "current"
    assert state[STEEL.name] == f"superseded by {folder / 'a-corrected.json'}"
    lines = tmp_path / "lines.csv"
    lines.write_text("date,cn_code,country,net_mass_t,installation\n"
                     "2026-02-10,72083900,TR,10,Anatolia Integrated Steel Works – Iskenderun plant\n")
    from cbam_exchange.workspace.declare import declare
    decl = declare(db, lines, 2026)
    sid = db.scalar("SELECT s.id FROM submissions s JOIN files f ON f.sha256 = s.sha256 WHERE f.path LIKE "
                    "'%a-corrected.json'")
    assert decl.lines[0]["source"] == "actual" and decl.lines[0]["submission_id"] == sid
    db.close()


def test_two_processes_collecting_at_once_lose_and_duplicate_nothing(url: str, tmp_path: Path) -> None:
    folder = suppliers(tmp_path / "s")
    for k in range(4):  # more distinct files, so that the two runs overlap
        data = json.loads(EXAMPLES[2].read_text())
        data["products"][0]["name"] = f"variant {k}"
        (folder / f"variant-{k}.json").write_text(json.dumps(data))
    connect(url).close()
    command = [sys.executable, "-m", "cbam_exchange", "collect", str(folder), "--db", url, "--jobs", "1"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [r.communicate(timeout=600) for r in runs]
    assert [r.returncode for r in runs] == [2, 2], outputs  # exit 2: the broken file, told by both
    db = connect(url)
    assert db.scalar("SELECT COUNT(*) FROM files") == 9  # 10 files, one a byte-for-byte copy
    assert db.scalar("SELECT COUNT(*) FROM submissions") == 8
    assert db.scalar("SELECT COUNT(DISTINCT sha256) FROM submissions") == 8
    stored = sum(int(out.split(" stored")[0].split()[-1]) for out, _ in outputs)
    assert stored == 8  # each stored exactly once, by one of the two
    current = [r for r in listing(db) if r["state"].startswith("current")]
    assert len({(r["installation_id"], r["period"]) for r in current}) == len(current)
    db.close()


def test_wrong_workspace_paths_and_options_exit_2(tmp_path: Path) -> None:
    def cbam(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, text=True,
                              cwd=tmp_path)

    folder = tmp_path / "s"
    folder.mkdir()
    for args in (["collect", str(folder), "--db", str(tmp_path / "no" / "such" / "ws.sqlite")],
                 ["collect", str(folder), "--db", str(tmp_path)],
                 ["collect", str(folder), "--jobs", "-1"],
                 ["collect", str(folder), "--db", "postgresql://nobody@127.0.0.1:1/none"],
                 ["declare", "--db", str(tmp_path / "none.sqlite"), "--imports", "x.csv", "--year", "2026"]):
        run = cbam(*args)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    (tmp_path / "text.sqlite").write_text("not a database at all, just some text " * 20)
    run = cbam("collect", str(folder), "--db", str(tmp_path / "text.sqlite"))
    assert run.returncode == 2 and "text.sqlite" in run.stderr


def _variant(folder: Path, file: str, example: Path, **change: object) -> Path:
    """A copy of an example with its Registry identifier or installation data changed (None: not provided)."""
    data = json.loads(example.read_text())
    for key, value in change.items():
        if key == "registry":
            data["definitive"]["registry_installation_id"] = value
        elif key == "product":
            data["products"][0]["name"] = value
        else:
            data["installation"][key] = value
    folder.mkdir(exist_ok=True)
    (folder / file).write_text(json.dumps(data))
    return folder / file


def _installation_of(db, name: str) -> str:
    return next(r["installation_id"] for r in listing(db) if Path(r["path"]).name == name)


def test_one_installation_seen_with_and_without_its_registry_id_in_either_order(url: str, tmp_path: Path) -> None:
    cement = next(e for e in EXAMPLES if "cement" in e.name)
    registry = {e: json.loads(e.read_text())["definitive"]["registry_installation_id"] for e in (STEEL, cement)}
    db = connect(url)
    # steel: first without the Registry identifier (as a workbook, which has no cell for it), then with it
    collect(db, [_variant(tmp_path / "1", "steel-without.json", STEEL, registry=None)], jobs=1)
    collect(db, [_variant(tmp_path / "2", "steel-with.json", STEEL)], jobs=1)
    # cement: the other order
    collect(db, [_variant(tmp_path / "3", "cement-with.json", cement)], jobs=1)
    collect(db, [_variant(tmp_path / "4", "cement-without.json", cement, registry=None)], jobs=1)
    # same place key, another Registry identifier: another installation, never joined
    collect(db, [_variant(tmp_path / "5", "steel-other-id.json", STEEL, registry="TR-INST-2026-999999")], jobs=1)
    # a file without an identifier whose place key two registered installations share: not guessed into either
    collect(db, [_variant(tmp_path / "6", "steel-ambiguous.json", STEEL, registry=None,
                          product="another wording")], jobs=1)
    steel = _installation_of(db, "steel-with.json")
    assert _installation_of(db, "steel-without.json") == steel
    assert _installation_of(db, "cement-without.json") == _installation_of(db, "cement-with.json")
    assert _installation_of(db, "steel-other-id.json") != steel
    assert _installation_of(db, "steel-ambiguous.json") not in (steel, _installation_of(db, "steel-other-id.json"))
    rows = {i: r for i, *r in db.rows("SELECT id, registry_id FROM installations")}
    assert rows[steel] == [registry[STEEL]] and rows[_installation_of(db, "cement-with.json")] == [registry[cement]]
    assert len(rows) == 4
    # one installation, one reporting period: the later file supersedes the earlier, whichever carries the id
    state = {Path(r["path"]).name: r["state"] for r in listing(db)}
    assert state["steel-without.json"].startswith("superseded by") and state["steel-with.json"] == "current"
    assert state["cement-with.json"].startswith("superseded by") and state["cement-without.json"] == "current"
    db.close()


def test_different_names_without_un_locode_stay_apart_when_one_gains_a_registry_id(url: str, tmp_path: Path) -> None:
    aluminium = next(e for e in EXAMPLES if "aluminium" in e.name)
    db = connect(url)
    plain = {"unlocode": None, "registry": None}
    collect(db, [_variant(tmp_path / "1", "baoshan.json", aluminium, name="宝山钢铁股份有限公司", **plain),
                 _variant(tmp_path / "1", "anshan.json", aluminium, name="鞍山钢铁集团有限公司", **plain)], jobs=1)
    collect(db, [_variant(tmp_path / "2", "baoshan-registered.json", aluminium, name="宝山钢铁股份有限公司",
                          unlocode=None, registry="CN-INST-0001")], jobs=1)
    baoshan, anshan = _installation_of(db, "baoshan.json"), _installation_of(db, "anshan.json")
    assert baoshan != anshan
    assert _installation_of(db, "baoshan-registered.json") == baoshan
    assert db.scalar("SELECT registry_id FROM installations WHERE id = :i", i=anshan) is None
    db.close()
