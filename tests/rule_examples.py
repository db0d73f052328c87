"""Build the submissions of the rule catalogue's bad and good examples (patches on the clean examples)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from cbam_exchange.checks.catalogue import Example
from cbam_exchange.model.paths import tokens
from cbam_exchange.model.submission import Submission
from tests.conftest import ROOT


def base_dict(name: str) -> dict:
    """A clean example of examples/, or of the differential cases (for sectors the examples lack)."""
    path = ROOT / "examples" / f"{name}.json"
    if not path.exists():
        path = ROOT / "tests" / "differential" / "cases" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def apply_patch(data: dict, patch: dict[str, Any]) -> dict:
    """Model-path patch on a JSON-ready dict: set each path (None deletes); 'cell:'/'formula:' keys are skipped."""
    out = copy.deepcopy(data)
    for path, value in patch.items():
        if path.startswith(("cell:", "formula:")):
            continue
        *parents, last = tokens(path)
        node: Any = out
        for tok in parents:
            node = node[tok] if isinstance(tok, int) else node.setdefault(tok, {})
        if value is None:
            if isinstance(last, str):
                node.pop(last, None)
        else:
            node[last] = value
    return out


def example_submission(example: Example) -> Submission:
    return Submission.from_dict(apply_patch(base_dict(example.base), example.patch))


def cell_edits(example: Example) -> tuple[dict[str, Any], dict[str, str]]:
    """(constant cells, formula cells) that an example sets directly in the workbook."""
    constants = {k[5:]: v for k, v in example.patch.items() if k.startswith("cell:")}
    formulas = {k[8:]: v for k, v in example.patch.items() if k.startswith("formula:")}
    return constants, formulas


def write_example_workbook(example: Example, blank: Path, target: Path) -> Path:
    from cbam_exchange.writers.ec_template import write_ec_template
    from tests.xlsx_edit import edit_workbook, put_formula

    written = target.with_suffix(".written.xlsx")
    write_ec_template(example_submission(example), blank, written)
    constants, formulas = cell_edits(example)
    current = written
    if constants:
        current = edit_workbook(current, target.with_suffix(".constants.xlsx"), constants=constants)
    for ref, formula in formulas.items():
        sheet, cell = ref.split("!")
        nxt = target.with_suffix(f".f{cell}.xlsx")
        put_formula(current, nxt, sheet, cell, formula, cached=None)
        current = nxt
    current.replace(target)
    return target
