"""Reading a filled official template: cbam-exchange's reader against openpyxl and python-calamine, in one run.

Usage:  python benchmarks/read_template.py [--workbook PATH] [--blank PATH] [--repeat N]

The workbook is the Commission's filled steel example (../shared/real-world/commission-examples/, saved by Excel,
with cached results) where present, else the steelworks example written into the blank at run time and, where
LibreOffice is installed, calculated. Baseline: a plain `openpyxl.load_workbook(path)` (formulas, not data_only),
the load every openpyxl-based tool starts with. Targets: at least 10 times faster than that baseline, and within
2 times of python-calamine reading the values of the same sheets (calamine gives no formulas and no model).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMISSION_STEEL = (ROOT.parent / "shared" / "real-world" / "commission-examples"
                    / "2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx")
sys.path.insert(0, str(ROOT))

from cbam_exchange.layouts import known_layouts  # noqa: E402
from cbam_exchange.readers import read_submission  # noqa: E402
from cbam_exchange.writers.ec_template import write_ec_template  # noqa: E402
from cbam_exchange.writers.recalculate import RecalculationUnavailable, recalculate  # noqa: E402


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    default_blank = next(iter(sorted((ROOT.parent / "shared" / "ec-template").glob("*.xlsx"))), None)
    parser.add_argument("--blank", type=Path, default=default_blank)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workbook", type=Path, default=COMMISSION_STEEL if COMMISSION_STEEL.exists() else None)
    args = parser.parse_args()
    if args.workbook is None and (args.blank is None or not args.blank.exists()):
        sys.exit("the blank template is needed (../shared/ec-template/); pass --blank PATH")
    import openpyxl
    import warnings
    warnings.simplefilter("ignore")

    with tempfile.TemporaryDirectory() as tmp:
        if args.workbook is not None:
            filled, kind = args.workbook, "saved by Excel (cached results present)"
        else:
            filled = Path(tmp) / "filled.xlsx"
            write_ec_template(read_submission(ROOT / "examples" / "steelworks-bf-bof.json"), args.blank, filled)
            try:
                recalculate(filled, filled)
                kind = "the steelworks example calculated by LibreOffice (cached results present)"
            except RecalculationUnavailable as exc:
                kind = f"the steelworks example, not calculated ({exc})"
        size = filled.stat().st_size
        ours = timed(lambda: read_submission(filled), args.repeat)
        sheets = {sheet for layout in known_layouts().values() for sheet in layout.sheet_cells()}

        def calamine_values() -> None:
            import python_calamine
            book = python_calamine.CalamineWorkbook.from_path(str(filled))
            for sheet in sheets:
                book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)

        calamine = timed(calamine_values, args.repeat)
        base = timed(lambda: openpyxl.load_workbook(filled), max(2, args.repeat // 2))
        cli = timed(lambda: subprocess.run([sys.executable, "-m", "cbam_exchange", "inspect", str(filled)],
                                           capture_output=True, check=True, cwd=ROOT), 3)
    o, b, c = statistics.median(ours), statistics.median(base), statistics.median(cli)
    k = statistics.median(calamine)
    print(f"workbook: {filled.name}, {size / 1e6:.2f} MB, {kind}")
    print(f"cbam-exchange read_submission     median {o * 1000:8.1f} ms over {len(ours)} runs")
    print(f"baseline openpyxl.load_workbook   median {b * 1000:8.1f} ms over {len(base)} runs")
    print(f"python-calamine, values only of the same {len(sheets)} sheets (no formulas, no model) "
          f"median {k * 1000:.1f} ms")
    print(f"cbam inspect, whole process       median {c * 1000:8.1f} ms (interpreter start included)")
    print(f"speed-up over the baseline: {b / o:.1f}x (target >= 10x)")
    print(f"against python-calamine on the same sheets: {o / k:.2f}x its time (target <= 2x)")


if __name__ == "__main__":
    main()
