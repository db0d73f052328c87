"""Rendering one verification-report draft (PDF/A-3 with evidence), in one run.

Usage:  python benchmarks/report.py

Times `write_draft` for each example submission (median of 3, in process) and one whole `cbam report` process
(interpreter start included). Target: a few seconds at most per draft.
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
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cbam_exchange", "report", str(ROOT / "examples/steelworks-bf-bof.json"),
                        "-o", str(Path(tmp) / "cli.pdf")], check=True, capture_output=True, cwd=ROOT)
        print(f"whole cbam report process (interpreter start included): {time.perf_counter() - start:.2f} s "
              "(target: a few seconds)")


if __name__ == "__main__":
    main()
