"""Both Annex IV reports (operator's emissions report and summary, PDF/A-3b and JSON each) for the Commission's
filled steel example with a filled supplement, in one run.

Usage:  python benchmarks/annex_iv.py

Times reading the workbook with its supplement, recomputing, SEFA (CBAM factor of 2026) and writing the four files:
in process (median of 3; the first run, which loads WeasyPrint's fonts, is shown too) and as one whole `cbam
annex-iv` process. Target (issue 16): under 3 s; the ratio to the target is printed.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cbam_exchange.annex_iv.build import build_reports  # noqa: E402
from cbam_exchange.readers.supplement import read_with_supplement  # noqa: E402
from cbam_exchange.render.annex_iv import write_report  # noqa: E402

WORKBOOK = ROOT.parent / "shared" / "real-world" / "commission-examples" / \
    "2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx"
SUPPLEMENT = ROOT / "benchmarks" / "data" / "commission-steel-1.supplement.yaml"
TARGET = 3.0


def once(out: Path) -> float:
    start = time.perf_counter()
    submission = read_with_supplement(WORKBOOK, SUPPLEMENT)
    full, summary = build_reports(submission, year=2026, file=WORKBOOK, supplement=SUPPLEMENT)
    for report in (full, summary):
        write_report(report.to_dict(), out / report.kind)
    return time.perf_counter() - start


def main() -> None:
    if not WORKBOOK.exists():
        sys.exit(f"the Commission's steel example is absent (expected at {WORKBOOK})")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        times = [once(out) for _ in range(4)]
        median = statistics.median(times[1:])
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1024:.0f} KiB" for p in sorted(out.iterdir()))
        print(f"in process: first {times[0]:.2f} s, then median {median:.2f} s ({sizes})")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cbam_exchange", "annex-iv", str(WORKBOOK), "--supplement",
                        str(SUPPLEMENT), "--year", "2026", "-o", str(out / "cli")], check=True, capture_output=True,
                       cwd=ROOT)
        whole = time.perf_counter() - start
        print(f"whole cbam annex-iv process (interpreter start included): {whole:.2f} s; target {TARGET:.1f} s, "
              f"ratio {whole / TARGET:.2f} of the target")


if __name__ == "__main__":
    main()
