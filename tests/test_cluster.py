"""Scale-out on Dask: the same files collected and validated on a LocalCluster of two workers give the same results
as a local run (the workers get the files' bytes, not their paths)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from cbam_exchange.workspace.collect import collect
from cbam_exchange.workspace.db import connect
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def scheduler() -> str:
    if os.environ.get("CI") == "true":
        import distributed
    distributed = pytest.importorskip("distributed", reason="Dask is an optional extra: cbam-exchange[dask]")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        yield c.scheduler_address


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "suppliers"
    folder.mkdir()
    for example in EXAMPLES:
        shutil.copy(example, folder / example.name)
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    return folder


def _stored(url: Path) -> list[tuple]:
    db = connect(url)
    rows = db.rows("SELECT f.path, f.status, s.installation_id, s.errors, s.warnings, p.row, p.cn_code, p.see_direct, "
                   "p.see_indirect FROM files f LEFT JOIN submissions s ON s.sha256 = f.sha256 LEFT JOIN products p "
                   "ON p.submission_id = s.id ORDER BY f.path, p.row")
    db.close()
    return [tuple(r) for r in rows]


def test_collect_on_a_cluster_stores_what_a_local_run_stores(scheduler: str, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    local = collect(connect(tmp_path / "local.sqlite"), [folder], jobs=1)
    remote = collect(connect(tmp_path / "remote.sqlite"), [folder], scheduler=scheduler)
    assert (remote.stored, remote.unreadable) == (local.stored, local.unreadable) == (3, 1)
    assert _stored(tmp_path / "remote.sqlite") == _stored(tmp_path / "local.sqlite")
    assert str(folder / "broken.xlsx") in remote.errors[0]  # the file as the user named it, not a worker's copy


def test_validate_on_a_cluster_reports_what_a_local_run_reports(scheduler: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cbam_exchange.cli import main
    folder = _folder(tmp_path)
    files = sorted(str(p) for p in folder.iterdir())

    def run(*extra: str):  # in this process: the LocalCluster's in-process address is reachable only from here
        return CliRunner().invoke(main, ["validate", *files, "--format", "json", "--jobs", "1", *extra])

    local, remote = run(), run("--scheduler", scheduler)
    assert remote.exit_code == local.exit_code and remote.exit_code != 0
    report = json.loads(remote.stdout)
    assert report == json.loads(local.stdout) and [d["file"] for d in report["files"]] == files
