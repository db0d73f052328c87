"""`cbam risk` on the Commission's filled steel example and on the largest example submission, in one run.

Usage:  unset PYTHONDONTWRITEBYTECODE; python -m compileall -q cbam_exchange; python benchmarks/risk.py

Prints the in-process time of the risk analysis (median of 5: read, recompute, sensitivities; and the sensitivities
alone) and of whole `cbam risk` processes (interpreter start included, median of 5), wall and CPU time with the
load average, against the target of 1 s (issue 13); the baseline beside the analytic figure is a finite-difference
recomputation of the same elasticities (two recomputations per input), which is what the analytic derivation
replaces.
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.timing import STEEL, bytecode_note, in_process, load, whole_process  # noqa: E402
from cbam_exchange.calc.recompute import recompute  # noqa: E402
from cbam_exchange.model.paths import set_path  # noqa: E402
from cbam_exchange.readers import read_submission  # noqa: E402
from cbam_exchange.verification.sensitivity import good_risks  # noqa: E402

TARGET = 1.0


def _finite_differences(submission, risks) -> None:  # type: ignore[no-untyped-def]
    for risk in risks:
        for s in risk.inputs:
            for sign in (1, -1):
                patched = copy.deepcopy(submission)
                set_path(patched, s.path, s.value * (1 + sign * 1e-6))
                recompute(patched)


def main() -> None:
    print(bytecode_note())
    print(load())
    files = [f for f in (STEEL, ROOT / "examples" / "steelworks-bf-bof.json") if f.exists()]
    for path in files:
        whole = in_process(lambda: good_risks(*recompute(read_submission(path))), runs=5)
        submission, result = recompute(read_submission(path))
        analytic = in_process(lambda: good_risks(submission, result), runs=5)
        risks = good_risks(submission, result)
        start = time.perf_counter()
        _finite_differences(submission, risks)
        baseline = time.perf_counter() - start
        n = sum(len(r.inputs) for r in risks)
        print(f"{path.name[:60]}")
        print(f"  in process, read + recompute + sensitivities: {whole.describe()}")
        print(f"  sensitivities alone: {analytic.wall * 1000:.1f} ms for {n} elasticities; finite differences "
              f"{baseline * 1000:.1f} ms ({baseline / analytic.wall:.0f}x)")
        timing = whole_process(["risk", str(path), "--format", "json"], runs=5)
        print(f"  whole cbam risk process: {timing.describe(TARGET)}")
    print(load())


if __name__ == "__main__":
    main()
