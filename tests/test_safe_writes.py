"""Safe writes (issue 17): the umask's mode for a new file, an existing file's mode kept, a symlink at the output
path refused, nothing left beside the output, and the same through the CLI."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.writers.atomic import atomic_output, write_text_atomic
from tests.conftest import ROOT

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes and umask are POSIX")


@posix_only
def test_a_new_file_gets_the_mode_of_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_text_atomic(tmp_path / "out.json", "{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.json").stat().st_mode) == 0o640


@posix_only
def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o604)
    write_text_atomic(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o604


def test_a_symlink_at_the_output_path_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("keep")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(UnreadableInput, match="symbolic link"):
        write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_the_cli_refuses_a_symlinked_output_with_exit_2(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("keep")
    link = tmp_path / "out.json"
    link.symlink_to(real)
    run = subprocess.run([sys.executable, "-m", "cbam_exchange", "convert", str(ROOT / "examples/steelworks-bf-bof.json"),
                          "-o", str(link)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "symbolic link" in run.stderr and "Traceback" not in run.stderr
    assert real.read_text() == "keep"
