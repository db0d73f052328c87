"""Issue 17 (everyday trust) probes of the supplement: what YAML or JSON lets a hand-edited file say that cannot be
meant (a second value for one key, NaN, a number too large for a float, nesting a parser cannot follow, another
file's supplement) is refused with exit 2 naming the file and the place, never taken silently nor a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.readers.supplement import read_supplement, read_with_supplement
from tests.conftest import ROOT

STEEL = ROOT / "examples" / "steelworks-bf-bof.json"
SUPPLEMENTS = ROOT / "examples" / "supplements"
TEXT = (SUPPLEMENTS / "steelworks-bf-bof.supplement.yaml").read_text(encoding="utf-8")


def refused(tmp_path: Path, text: str, workbook: Path | None = None) -> UnreadableInput:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnreadableInput) as caught:
        read_with_supplement(workbook, path) if workbook else read_supplement(path)
    assert str(path) in caught.value.describe()
    return caught.value


def test_a_key_given_twice_is_refused_not_the_last_one_taken(tmp_path: Path) -> None:
    line = '  registry_installation_id: "TR-INST-2026-000417"\n'
    assert line in TEXT
    error = refused(tmp_path, TEXT.replace(line, line + '  registry_installation_id: "XX-OTHER"\n'))
    assert "registry_installation_id" in error.problem and "twice" in error.problem
    assert error.location and error.location.startswith("line ")


@pytest.mark.parametrize("literal", [".nan", ".inf", "-.inf", "1" + "0" * 400])
def test_a_number_that_is_not_finite_is_refused(tmp_path: Path, literal: str) -> None:
    assert "mwh: 1250000" in TEXT
    error = refused(tmp_path, TEXT.replace("mwh: 1250000", f"mwh: {literal}"))
    assert error.location == "definitive.electricity_sources[0].mwh" and "finite" in error.problem


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_nesting_too_deep_to_follow_is_refused(tmp_path: Path, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    error = refused(tmp_path, "format: cbam-exchange/supplement\nformat_version: '1.0'\ndefinitive: "
                    + opening * 5000 + closing * 5000 + "\n")
    assert "nest" in error.problem


def test_another_files_supplement_is_refused(tmp_path: Path) -> None:
    """The aluminium smelter's supplement on the steelworks' file has rows that exist there too: without this,
    the steelworks' Annex IV report would carry the smelter's operator and Registry identifier."""
    other = (SUPPLEMENTS / "aluminium-primary-smelter.supplement.yaml").read_text(encoding="utf-8")
    error = refused(tmp_path, other, workbook=STEEL)
    assert error.location == "workbook" and "aluminium-primary-smelter.json" in (error.found or "")
    assert STEEL.name in (error.expected or "")


def test_the_supplement_of_the_same_file_under_another_extension_is_read(tmp_path: Path) -> None:
    """A workbook built from the JSON example keeps its name; only the extension differs."""
    copy = tmp_path / "steelworks-bf-bof.JSON"
    shutil.copy(STEEL, copy)
    path = tmp_path / "s.yaml"
    path.write_text(TEXT, encoding="utf-8")
    assert read_with_supplement(copy, path).definitive.registry_installation_id == "TR-INST-2026-000417"


def test_init_never_replaces_a_supplement_already_there_unless_forced(tmp_path: Path) -> None:
    """A supplement is filled in by hand: running init again (as `cbam waivers init` already knew) must not wipe it."""
    import subprocess
    import sys

    out = tmp_path / "s.yaml"
    out.write_text("# filled in by the producer\n", encoding="utf-8")
    run = [sys.executable, "-m", "cbam_exchange", "supplement", "init", str(STEEL), "-o", str(out)]
    again = subprocess.run(run, capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and str(out) in again.stderr and "--force" in again.stderr
    assert out.read_text(encoding="utf-8") == "# filled in by the producer\n"
    forced = subprocess.run([*run, "--force"], capture_output=True, text=True, timeout=300)
    assert forced.returncode == 0 and "cbam-exchange/supplement" in out.read_text(encoding="utf-8")
