"""Shared fixtures. Workbook fixtures are built at test time from the Commission's blank (never committed): the file
named by CBAM_BLANK_TEMPLATE, else the .xlsx in ../shared/ec-template/ (CBAM_SHARED moves ../shared). Tests that
need it skip, saying why, where it is absent; under CI=true they fail instead (tests/ci_skips.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
pytest_plugins = ["tests.ci_skips"]

SHARED = Path(os.environ.get("CBAM_SHARED", ROOT.parent / "shared"))


def _blank() -> Path | None:
    named = os.environ.get("CBAM_BLANK_TEMPLATE")
    if named:
        return Path(named) if Path(named).is_file() else None
    folder = SHARED / "ec-template"
    return next(iter(sorted(folder.glob("*.xlsx"))), None) if folder.is_dir() else None


BLANK = _blank()
NO_BLANK = ("the Commission's blank template is absent (set CBAM_BLANK_TEMPLATE, or put it in ../shared/ec-template/; "
            "see README); workbook fixtures are built from it at test time and never committed")


@pytest.fixture(scope="session")
def blank() -> Path:
    if BLANK is None:
        pytest.skip(NO_BLANK)
    return BLANK


@pytest.fixture(scope="session")
def example_workbooks(blank: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each example submission written into a copy of the blank by the toolkit's writer."""
    from cbam_exchange.readers import read_submission
    from cbam_exchange.writers.ec_template import write_ec_template

    folder = tmp_path_factory.mktemp("examples")
    out = {}
    for example in EXAMPLES:
        target = folder / f"{example.stem}.xlsx"
        write_ec_template(read_submission(example), blank, target)
        out[example.stem] = target
    return out
