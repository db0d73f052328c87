"""Validation speed: one filled template (whole process, interpreter start included) and a batch in one run.

Usage:  python benchmarks/validate.py [--blank PATH] [--files N] [--jobs J]

The workbooks are made at run time from the blank in ../shared: the three examples written into it and, where
LibreOffice is installed, calculated (so that they carry cached results like supplier files), then copied to N
files. Baseline for the batch: plain `openpyxl.load_workbook` over the same files with the same number of worker
processes. Targets: one file <= 1 s; a batch >= 8 files/s and >= 10x the baseline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cbam_exchange.readers import read_submission  # noqa: E402
from cbam_exchange.writers.ec_template import write_ec_template  # noqa: E402
from cbam_exchange.writers.recalculate import RecalculationUnavailable, recalculate  # noqa: E402


def openpyxl_load(path: str) -> None:
    import warnings

    import openpyxl
    warnings.simplefilter("ignore")
    openpyxl.load_workbook(path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blank", type=Path,
                        default=next(iter(sorted((ROOT.parent / "shared" / "ec-template").glob("*.xlsx"))), None))
    parser.add_argument("--files", type=int, default=48)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if args.blank is None or not args.blank.exists():
        sys.exit("the blank template is needed (../shared/ec-template/); pass --blank PATH")
    cbam = [sys.executable, "-m", "cbam_exchange"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = []
        calculated = True
        for example in sorted((ROOT / "examples").glob("*.json")):
            target = folder / f"{example.stem}.xlsx"
            write_ec_template(read_submission(example), args.blank, target)
            try:
                recalculate(target, target)
            except RecalculationUnavailable:
                calculated = False
            sources.append(target)
        batch = folder / "batch"
        batch.mkdir()
        files = []
        for k in range(args.files):
            copy = batch / f"supplier-{k:04d}.xlsx"
            shutil.copyfile(sources[k % len(sources)], copy)
            files.append(str(copy))
        single = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([*cbam, "validate", files[0]], capture_output=True, cwd=ROOT)
            single.append(time.perf_counter() - start)
        start = time.perf_counter()
        run = subprocess.run([*cbam, "validate", "--format", "json", "--jobs", str(args.jobs), *files],
                             capture_output=True, cwd=ROOT)
        ours = time.perf_counter() - start
        assert run.returncode in (0, 1), run.stderr.decode()[:500]
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            list(pool.map(openpyxl_load, files))
        base = time.perf_counter() - start
    n = len(files)
    print(f"workbooks: the 3 examples in template {args.blank.name}, "
          f"{'calculated by LibreOffice' if calculated else 'not calculated (no LibreOffice)'}; {n} files")
    print(f"one file, whole process (cbam validate, all rules)  median {statistics.median(single):.2f} s "
          f"over 5 runs (target <= 1 s)")
    print(f"batch: one cbam validate run, {args.jobs} workers        {ours:6.1f} s = {n / ours:5.1f} files/s "
          f"(target >= 8)")
    print(f"baseline: openpyxl.load_workbook, {args.jobs} workers     {base:6.1f} s = {n / base:5.1f} files/s")
    print(f"ratio: {base / ours:.1f}x the baseline (target >= 10x)")


if __name__ == "__main__":
    main()
