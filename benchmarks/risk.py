"""`cbam risk` on the Commission's filled steel example and on the largest example submission, in one run.

Usage:  python benchmarks/risk.py

Prints the in-process time of the risk analysis alone (median of 5: read, recompute, sensitivities) and of one whole
`cbam risk` process (interpreter start included), against the target of 1 s; the baseline beside it is a
finite-difference recomputation of the same elasticities (two recomputations per input), which is what the
analytic derivation replaces.
"""

from __future__ import annotations

import copy
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cbam_exchange.calc.recompute import recompute  # noqa: E402
from cbam_exchange.model.paths import set_path  # noqa: E402
from cbam_exchange.readers import read_submission  # noqa: E402
from cbam_exchange.verification.sensitivity import good_risks  # noqa: E402

STEEL = ROOT.parent / "shared" / "real-world" / "commission-examples" / \
    "2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx"


def _finite_differences(submission, risks) -> None:  # type: ignore[no-untyped-def]
    for risk in risks:
        for s in risk.inputs:
            for sign in (1, -1):
                patched = copy.deepcopy(submission)
                set_path(patched, s.path, s.value * (1 + sign * 1e-6))
                recompute(patched)


def main() -> None:
    files = [f for f in (STEEL, ROOT / "examples" / "steelworks-bf-bof.json") if f.exists()]
    for path in files:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            submission, result = recompute(read_submission(path))
            risks = good_risks(submission, result)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        _finite_differences(submission, risks)
        baseline = time.perf_counter() - start
        analytic = statistics.median(times)
        n = sum(len(r.inputs) for r in risks)
        print(f"{path.name[:48]:<48} analytic {analytic * 1000:7.1f} ms for {n} elasticities; finite differences "
              f"{baseline * 1000:8.1f} ms ({baseline / analytic:.0f}x)")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cbam_exchange", "risk", str(path), "--format", "json"], check=True,
                       capture_output=True, cwd=ROOT)
        print(f"{'':<48} whole cbam risk process (interpreter start included): {time.perf_counter() - start:.2f} s "
              "(target < 1 s)")


if __name__ == "__main__":
    main()
