"""Project configuration, found as ruff finds its own: walking up from the current directory, the first directory
with a `cbam.toml` (settings at top level, or under [tool.cbam]) or a `pyproject.toml` with a [tool.cbam] table
wins; a pyproject.toml without that table is passed over. Options given on the command line override it.

    [tool.cbam]
    select = ["ID", "AR"]        # rule codes or prefixes
    ignore = ["PH-006"]
    waivers = "cbam-waivers.yaml"  # relative to the configuration file
    year = 2026
    format = "sarif"             # for every command whose --format offers it

Each setting becomes the default of the option of the same name in every command that has it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import click

from cbam_exchange.errors import UnreadableInput

KEYS = {"select": (list, str), "ignore": (list, str), "waivers": (str,), "year": (int,), "format": (str,)}


def read_config(path: Path) -> tuple[Path, dict[str, Any]]:
    """(file, settings) of a configuration file named by the user: [tool.cbam] where present, else the top level."""
    raw = _load(path)
    return path, raw["tool"].get("cbam", {}) if isinstance(raw.get("tool"), dict) else raw


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """(file, settings) of the nearest configuration at or above `start`, or None."""
    for folder in (start, *start.parents):
        own = folder / "cbam.toml"
        if own.is_file():
            return read_config(own)
        project = folder / "pyproject.toml"
        if project.is_file():
            table = _load(project).get("tool", {}).get("cbam")
            if table is not None:
                return project, table
    return None


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UnreadableInput(str(path), f"configuration cannot be read: {exc}", expected="TOML") from None


def checked(path: Path, table: dict[str, Any]) -> dict[str, Any]:
    """The settings, checked and normalised (lists for select/ignore, waivers made absolute)."""
    if not isinstance(table, dict):
        raise UnreadableInput(str(path), "[tool.cbam] must be a table")
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            raise UnreadableInput(str(path), f"unknown setting {key!r}", location="[tool.cbam]",
                                  expected=", ".join(KEYS))
        if not isinstance(value, KEYS[key]) or isinstance(value, bool):
            raise UnreadableInput(str(path), f"setting {key!r} has the wrong type", location="[tool.cbam]",
                                  found=repr(value), expected=" or ".join(t.__name__ for t in KEYS[key]))
        if key in ("select", "ignore"):
            value = [value] if isinstance(value, str) else [str(v) for v in value]
        if key == "waivers":
            value = str((path.parent / value).resolve())
        out[key] = value
    return out


def default_map(command: click.Command, settings: dict[str, Any]) -> dict[str, Any]:
    """Click's default_map for `command` (and its subcommands): each setting for the option `--KEY` it has,
    where the value is one the option accepts."""
    if isinstance(command, click.Group):
        nested = {name: default_map(sub, settings) for name, sub in command.commands.items()}
        return {name: value for name, value in nested.items() if value}
    out: dict[str, Any] = {}
    for param in command.params:
        if not isinstance(param, click.Option) or param.name is None:
            continue
        for key, value in settings.items():
            if f"--{key}" not in param.opts:
                continue
            if isinstance(param.type, click.Choice) and value not in param.type.choices:
                continue
            out[param.name] = tuple(value) if param.multiple else value
    return out
