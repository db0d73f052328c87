"""The importer's workspace at scale, in one run: ingesting official workbooks and declaring customs lines.

Usage:  python benchmarks/workspace.py [--files N] [--lines M] [--jobs J]

Workbooks: the three examples written into the blank (../shared) and calculated by LibreOffice where installed,
then copied N times with a distinct zip comment each (distinct files, same content: every copy is read, checked
and stored). Customs lines: M random lines over the examples' CN codes and countries, a third naming an
installation. Targets on this 2-core machine: >= 5 files/s with all checks; 1,000,000 lines in <= 15 s. Peak
memory is the resident maximum of the child process.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cbam_exchange.readers import read_submission  # noqa: E402
from cbam_exchange.writers.ec_template import write_ec_template  # noqa: E402
from cbam_exchange.writers.recalculate import RecalculationUnavailable, recalculate  # noqa: E402

CODES = [("72083900", "TR", "Anatolia Integrated Steel Works – Iskenderun plant"), ("72085120", "TR", "TRISK"),
         ("25232900", "EG", "Nile Delta Cement Company – Amreya plant"), ("25231000", "TR", ""),
         ("76011090", "OM", "Sohar Primary Aluminium Smelter"), ("72083900", "CN", ""), ("76012040", "IN", ""),
         ("31024090", "DZ", ""), ("28141000", "TT", "")]


def timed_child(args: list[str]) -> tuple[float, float]:
    """(seconds, peak resident MiB) of one child process."""
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blank", type=Path,
                        default=next(iter(sorted((ROOT.parent / "shared" / "ec-template").glob("*.xlsx"))), None))
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    cbam = [sys.executable, "-m", "cbam_exchange"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "suppliers"
        folder.mkdir()
        sources = []
        for example in sorted((ROOT / "examples").glob("*.json")):
            target = Path(tmp) / f"{example.stem}.xlsx"
            write_ec_template(read_submission(example), args.blank, target)
            try:
                recalculate(target, target)
            except RecalculationUnavailable:
                pass
            sources.append(target.read_bytes())
        for k in range(args.files):
            path = folder / f"supplier-{k:05d}.xlsx"
            path.write_bytes(sources[k % len(sources)])
            with zipfile.ZipFile(path, "a") as z:
                z.comment = f"copy {k}".encode()
        db = Path(tmp) / "ws.sqlite"
        seconds, peak = timed_child([*cbam, "collect", str(folder), "--db", str(db), "--jobs", str(args.jobs)])
        print(f"collect: {args.files} workbooks, {args.jobs} workers: {seconds:.1f} s = "
              f"{args.files / seconds:.1f} files/s (target >= 5); peak {peak:.0f} MiB")
        again, _ = timed_child([*cbam, "collect", str(folder), "--db", str(db), "--jobs", str(args.jobs)])
        print(f"collect again (nothing new): {again:.1f} s")
        rng = random.Random(7)
        lines = Path(tmp) / "lines.csv"
        with lines.open("w", encoding="utf-8") as fh:
            fh.write("date,cn_code,country,net_mass,unit,installation,customs_ref\n")
            for n in range(args.lines):
                cn, country, inst = CODES[rng.randrange(len(CODES))]
                fh.write(f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},{cn},{country},"
                         f"{rng.uniform(1, 500):.3f},t,{inst if rng.random() < 0.33 else ''},MRN-{n}\n")
        seconds, peak = timed_child([*cbam, "declare", "--db", str(db), "--imports", str(lines), "--year", "2026",
                                     "-o", str(Path(tmp) / "out")])
        print(f"declare: {args.lines:,} customs lines: {seconds:.1f} s (target <= 15 s); peak {peak:.0f} MiB "
              "(the largest child so far)")


if __name__ == "__main__":
    main()
