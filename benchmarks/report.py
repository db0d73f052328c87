"""Rendering one verification-report draft (PDF/A-3 with evidence), in one run.

Usage:  python benchmarks/report.py

Times `write_draft` for each example submission and for the Commission's filled steel example (median of 3, in
process; target < 3 s for the steel example, printed as a ratio), `cbam report check` on that draft (it renders the
pages again), and one whole `cbam report` process on the steel example (interpreter start included, median of 3).
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

from cbam_exchange.report.check import check_draft  # noqa: E402
from cbam_exchange.report.pdf import write_draft  # noqa: E402

STEEL = ROOT.parent / "shared/real-world/commission-examples/2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx"
TARGET = 3.0


def _median(action) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_draft(ROOT / "examples/cement-clinker-two-cements.json", Path(tmp) / "warm-up.pdf")  # imports, fonts
        sources = sorted((ROOT / "examples").glob("*.json")) + ([STEEL] if STEEL.exists() else [])
        for example in sources:
            out = Path(tmp) / f"{example.stem}.pdf"
            median = _median(lambda: write_draft(example, out))
            print(f"{example.stem[:40]:<40} median {median:5.2f} s, {out.stat().st_size / 1024:.0f} KiB"
                  + (f"  (target < {TARGET:.0f} s: ratio {median / TARGET:.2f})" if example == STEEL else ""))
        if not STEEL.exists():
            print("the Commission's steel example is absent (../shared): target not measured")
        subject = STEEL if STEEL.exists() else ROOT / "examples/steelworks-bf-bof.json"
        out = Path(tmp) / f"{subject.stem}.pdf"
        median = _median(lambda: check_draft(out.name, out.read_bytes()))
        print(f"{'cbam report check, ' + subject.stem[:21]:<40} median {median:5.2f} s (renders every page again)")
        median = _median(lambda: subprocess.run(
            [sys.executable, "-m", "cbam_exchange", "report", str(subject), "-o", str(Path(tmp) / "cli.pdf")],
            capture_output=True, cwd=ROOT))
        print(f"whole cbam report process on {subject.name} (interpreter start included): median {median:.2f} s "
              f"of 3 (target < {TARGET:.0f} s: ratio {median / TARGET:.2f})")


if __name__ == "__main__":
    main()
