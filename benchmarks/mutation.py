"""Mutation testing, one module at a time, against the few fast tests that exercise it (docs/mutation-testing.md).

mutmut reads its configuration from ./pyproject.toml and writes ./mutants/, so each module runs in its own scratch
copy of the tracked files (under --work, default /tmp/cbam-mutation/) with its own [tool.mutmut] section; the
worktree is never touched. Prints killed / survived / other per module and the survivors' names.

    .venv/bin/pip install 'mutmut==3.8.1'
    nice -n 19 .venv/bin/python benchmarks/mutation.py comparison materiality
    .venv/bin/python benchmarks/mutation.py --list
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# tests that build workbooks from the blank template (seconds each): left out where a module has faster tests
_SLOW = ["-k", "not annotation_position and not converted and not filled_workbook"]

# module key -> (file to mutate, the tests that exercise it: fast, no LibreOffice)
MODULES: dict[str, tuple[str, list[str]]] = {
    "comparison": ("cbam_exchange/calc/comparison.py",
                   ["tests/test_mutation_teeth.py", "tests/test_silent_answers.py", *_SLOW]),
    "materiality": ("cbam_exchange/verification/materiality.py",
                    ["tests/test_materiality_teeth.py", "tests/test_materiality_edges.py", "tests/test_verification.py",
                     "-k", "not commission and not bad_decisions_file"]),
    "arithmetic": ("cbam_exchange/checks/rules/arithmetic.py",
                   ["tests/test_arithmetic_teeth.py", "tests/test_mutation_teeth.py", "tests/test_silent_answers.py"]),
    "units": ("cbam_exchange/checks/rules/units.py",
              ["tests/test_units_teeth.py", "tests/test_mutation_teeth.py", *_SLOW]),
    "waivers": ("cbam_exchange/checks/waivers.py",
                ["tests/test_waivers_teeth.py", "tests/test_mutation_teeth.py", "tests/test_silent_answers.py", *_SLOW]),
    "attribution": ("cbam_exchange/calc/attribution.py",
                    ["tests/test_attribution_teeth.py", "tests/test_mutation_teeth.py", *_SLOW]),
    "annotate": ("cbam_exchange/writers/annotate.py", ["tests/test_annotate_teeth.py", "tests/test_annotate_edges.py"]),
    "xlsx_cells": ("cbam_exchange/readers/xlsx_cells.py", ["tests/test_reader_teeth.py", "tests/test_reader_edges.py"]),
    "xlsx_sheet": ("cbam_exchange/readers/xlsx_sheet.py", ["tests/test_reader_teeth.py", "tests/test_reader_edges.py"]),
    "free_allocation": ("cbam_exchange/calc/free_allocation.py",
                        ["tests/test_free_allocation_teeth.py", "tests/test_free_allocation.py"]),
    # the whole of calc/ and checks/ (issue 17's whole-directory score; hours on one worker)
    "calc_checks": ("cbam_exchange/calc/* cbam_exchange/checks/*",
                    ["tests/test_calc.py", "tests/test_rules.py", "tests/test_free_allocation.py",
                     "tests/test_false_alarms.py", "tests/test_mutation_teeth.py", "tests/test_silent_answers.py",
                     "tests/test_units_teeth.py", "tests/test_waivers_teeth.py", "tests/test_attribution_teeth.py",
                     "tests/test_arithmetic_teeth.py", "-k", "not annotation_position and not converted and not "
                     "filled_workbook and not libreoffice and not commission"]),
}
# where only some functions of a module are in scope (issue 17 names the reader's string decoding, not its slicing)
FUNCTIONS: dict[str, list[str]] = {
    "xlsx_cells": ["*ǁNonFiniteǁ__new____mutmut_*", "*ǁWorkbookCellsǁ_shared_strings__mutmut_*",
                   "*ǁWorkbookCellsǁraw__mutmut_*", "*ǁWorkbookCellsǁformula__mutmut_*",
                   "*ǁWorkbookCellsǁhas_formula__mutmut_*"],
    "xlsx_sheet": ["*.x_text_of__mutmut_*", "*.x_decode_cell__mutmut_*"],
}

_CONFIG = """
[tool.mutmut]
source_paths = ["cbam_exchange/"]
only_mutate = {modules!r}
also_copy = ["examples/", "schemas/", "templates/"]
pytest_add_cli_args_test_selection = [{tests}]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]
"""


def _scratch(key: str, work: Path) -> Path:
    """A copy of the tracked files (plus uncommitted edits) with a [tool.mutmut] section for this module only."""
    module, tests = MODULES[key]
    dest = work / key
    if dest.exists():
        shutil.rmtree(dest)
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    for name in files:
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    pyproject = (dest / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = re.sub(r"\n\[tool\.mutmut\]\n.*?(?=\n\[)", "\n", pyproject, flags=re.S)
    pyproject += _CONFIG.format(modules=module.split(), tests=", ".join(repr(t) for t in tests))
    (dest / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return dest


def run(key: str, work: Path) -> dict[str, object]:
    dest = _scratch(key, work)
    mutmut = Path(sys.executable).parent / "mutmut"
    env = dict(os.environ, CBAM_SHARED=os.environ.get("CBAM_SHARED", str(ROOT.parent / "shared")))
    start = time.monotonic()
    subprocess.run(["nice", "-n", "19", str(mutmut), "run", "--max-children", "1", *FUNCTIONS.get(key, [])],
                   cwd=dest, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - start
    listing = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=dest, env=env, capture_output=True,
                             text=True).stdout
    status: dict[str, list[str]] = {}
    for line in listing.splitlines():
        name, _, verdict = line.strip().rpartition(": ")
        if name and (key not in FUNCTIONS or any(fnmatch.fnmatchcase(name, p) for p in FUNCTIONS[key])):
            status.setdefault(verdict, []).append(name)
    return {"key": key, "module": MODULES[key][0], "wall": wall, "status": status, "dir": dest}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module keys (default: all but calc_checks)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cbam-mutation"))
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        for key, (module, tests) in MODULES.items():
            print(f"{key:12} {module}  <- {' '.join(tests)}")
        return 0
    print(f"{'module':45} {'killed':>6} {'survived':>8} {'other':>5} {'wall s':>7}")
    for key in args.modules or [k for k in MODULES if k != "calc_checks"]:
        r = run(key, args.work)
        status = r["status"]
        killed, survived = len(status.get("killed", [])), len(status.get("survived", []))
        other = sum(len(v) for k, v in status.items() if k not in ("killed", "survived"))
        print(f"{r['module']:45} {killed:6} {survived:8} {other:5} {r['wall']:7.0f}", flush=True)
        for verdict, names in sorted(status.items()):
            if verdict != "killed":
                for name in names:
                    print(f"    {verdict}: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
