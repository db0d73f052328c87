"""Rendering one verification-report draft (PDF/A-3 with evidence), in one run.

Usage:  python benchmarks/report.py

Times `write_draft` for each example submission (median of 3, in process) and one whole `cbam report` process
(interpreter start included) on the Commission's filled steel example. Target: under 3 s for that process.
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

from cbam_exchange.report.pdf import write_draft  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for example in sorted((ROOT / "examples").glob("*.json")):
            out = Path(tmp) / f"{example.stem}.pdf"
            times = []
            for _ in range(3):
                start = time.perf_counter()
                write_draft(example, out)
                times.append(time.perf_counter() - start)
            print(f"{example.stem:<32} median {statistics.median(times):5.2f} s, {out.stat().st_size / 1024:.0f} KiB")
        steel = ROOT.parent / "shared/real-world/commission-examples/2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx"
        subject = steel if steel.exists() else ROOT / "examples/steelworks-bf-bof.json"
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "cbam_exchange", "report", str(subject), "-o",
                            str(Path(tmp) / "cli.pdf")], check=True, capture_output=True, cwd=ROOT)
            times.append(time.perf_counter() - start)
        print(f"whole cbam report process on {subject.name} (interpreter start included): median "
              f"{statistics.median(times):.2f} s of 3 (target < 3 s)")


if __name__ == "__main__":
    main()
