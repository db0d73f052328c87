"""The importer's workspace at scale, in one run: ingesting official workbooks and declaring customs lines.

Usage:  python benchmarks/workspace.py [--files N] [--lines M] [--jobs J] [--postgres URL]

Workbooks: the three examples written into the blank (../shared) and calculated by LibreOffice where installed,
then copied N times with a distinct zip comment each (distinct files, same content: every copy is read, checked
and stored). Baseline in the same run: the same files read and checked by `cbam validate` (nothing stored), so that
the storage's own cost shows; with --postgres (or CBAM_TEST_POSTGRES_URL) the collect runs into PostgreSQL as well.
Customs lines: M random lines over the examples' CN codes and countries (a few out of scope or of EU origin), a
third naming an installation; then M/10 lines, which should take about a tenth. Baseline: one pass of Python's
csv.reader over the M lines (the floor any CSV reader here pays). Targets on a 2-core machine: >= 8 files/s with all
checks; 1,000,000 lines in <= 15 s and <= 600 MB. Peak memory is the resident maximum of the child process. The
load average is printed first: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import csv
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
         ("31024090", "DZ", ""), ("28141000", "TT", ""), ("7208 51 20 00", "UA", ""), ("84713000", "CN", ""),
         ("25232900", "DE", "")]


def timed_child(args: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(seconds, peak resident MiB) of one child process, measured with a wrapper so that each child's own peak
    is reported (RUSAGE_CHILDREN keeps the largest of all children so far)."""
    start = time.perf_counter()
    wrapped = [sys.executable, "-c", "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)",
               *args]
    done = subprocess.run(wrapped, capture_output=True, cwd=ROOT, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
    return elapsed, int(done.stderr.strip().splitlines()[-1]) / 1024


def write_lines(path: Path, count: int) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("date,cn_code,country,net_mass,unit,installation,customs_ref\n")
        for n in range(count):
            cn, country, inst = CODES[rng.randrange(len(CODES))]
            fh.write(f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},{cn},{country},"
                     f"{rng.uniform(1, 500):.3f},t,{inst if rng.random() < 0.33 else ''},MRN-{n}\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blank", type=Path,
                        default=next(iter(sorted((ROOT.parent / "shared" / "ec-template").glob("*.xlsx"))), None))
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--postgres", default=os.environ.get("CBAM_TEST_POSTGRES_URL"),
                        help="also collect into this PostgreSQL database (a throwaway one: it is written to)")
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
        print(f"load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores "
              "(the machine is shared: figures move with the load)")
        files = [str(p) for p in sorted(folder.iterdir())]
        seconds, _ = timed_child([*cbam, "validate", *files, "--jobs", str(args.jobs), "--format", "csv"], ok=(0, 1))
        baseline = args.files / seconds
        print(f"baseline, validate only (nothing stored): {args.files} workbooks: {seconds:.1f} s = "
              f"{baseline:.1f} files/s")
        db = Path(tmp) / "ws.sqlite"
        seconds, peak = timed_child([*cbam, "collect", str(folder), "--db", str(db), "--jobs", str(args.jobs)],
                                    ok=(0, 1))
        print(f"collect into SQLite: {args.files} workbooks, {args.jobs} workers: {seconds:.1f} s = "
              f"{args.files / seconds:.1f} files/s ({args.files / seconds / baseline:.2f} x the baseline; "
              f"target >= 8 files/s); peak {peak:.0f} MiB")
        again, _ = timed_child([*cbam, "collect", str(folder), "--db", str(db), "--jobs", str(args.jobs)], ok=(0, 1))
        print(f"collect again (nothing new): {again:.1f} s")
        if args.postgres:
            seconds, _ = timed_child([*cbam, "collect", str(folder), "--db", args.postgres, "--jobs", str(args.jobs)],
                                     ok=(0, 1))
            print(f"collect into PostgreSQL: {args.files / seconds:.1f} files/s "
                  f"({args.files / seconds / baseline:.2f} x the baseline)")
        lines = Path(tmp) / "lines.csv"
        write_lines(lines, args.lines)
        start = time.perf_counter()
        with lines.open(newline="", encoding="utf-8") as fh:
            for _ in csv.reader(fh):
                pass
        floor = time.perf_counter() - start
        print(f"baseline, csv.reader over {args.lines:,} lines: {floor:.1f} s")
        seconds, peak = timed_child([*cbam, "declare", "--db", str(db), "--imports", str(lines), "--year", "2026",
                                     "-o", str(Path(tmp) / "out")])
        print(f"declare: {args.lines:,} customs lines: {seconds:.1f} s (target <= 15 s; {seconds / floor:.1f} x the "
              f"csv.reader pass); peak {peak:.0f} MiB (target <= 600)")
        tenth = Path(tmp) / "tenth.csv"
        write_lines(tenth, args.lines // 10)
        small, small_peak = timed_child([*cbam, "declare", "--db", str(db), "--imports", str(tenth), "--year", "2026",
                                         "-o", str(Path(tmp) / "out-tenth")])
        print(f"declare: {args.lines // 10:,} customs lines: {small:.1f} s = 1/{seconds / small:.1f} of the full "
              f"run (about 1/10 expected, less where start-up dominates); peak {small_peak:.0f} MiB")


if __name__ == "__main__":
    main()
