"""Locate the data folders shipped beside the code.

In a wheel, `templates/` and `schemas/` are installed as `cbam_exchange/_data/...`; in a source checkout they sit at
the repository root. Both layouts are supported so that `pip install .` and `pip install -e .` behave alike.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `templates` or `schemas`, wherever this installation keeps it."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cbam-exchange is installed without its '{name}' folder (looked in {_PACKAGE})")


def layouts_dir() -> Path:
    return _PACKAGE / "layouts"
