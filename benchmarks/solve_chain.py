"""Solving the precursor chain at the template's largest size: 10 production processes and 20 purchased precursors.

Usage:  python benchmarks/solve_chain.py [--blank PATH]

Measures, in one run: the SEE solver alone, the whole recomputation (streams, attribution, chain, products), and as
the baseline the template's own way, LibreOffice recalculating the same submission written into the blank (skipped
where LibreOffice or the blank is absent).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cbam_exchange.calc.recompute import recompute  # noqa: E402
from cbam_exchange.calc.see_solver import solve_chain  # noqa: E402
from cbam_exchange.model.submission import Submission  # noqa: E402


def largest_submission() -> Submission:
    """P1..P10 each feeding the next (P10 feeds a little back into P1); PP1..PP20 two per process."""
    processes = []
    for k in range(1, 11):
        uses = [{"process": f"P{k + 1}", "amount": 900.0 + k}] if k < 10 else [{"process": "P1", "amount": 5.0}]
        processes.append({"id": f"P{k}", "name": f"Process {k}", "category": "Crude steel",
                          "production": [{"route_index": 1, "amount": 1000.0 + 10 * k}], "consumed_by": uses,
                          "direct_emissions": 100.0 * k, "electricity_consumed": 50.0 * k, "electricity_ef": 0.4})
    purchased = [{"id": f"PP{j}", "name": f"Precursor {j}", "category": "Pig iron", "see_direct": 1.0 + j / 10,
                  "specific_electricity": 0.1, "electricity_ef": 0.5,
                  "purchased": [{"route_index": 1, "amount": 100.0}],
                  "consumed_by": [{"process": f"P{(j - 1) // 2 + 1}", "amount": 40.0 + j}]} for j in range(1, 21)]
    products = [{"row": k, "process": f"Process {k}", "cn_code": "72071210"} for k in range(1, 11)]
    return Submission.from_dict({"source": {"format": "json"}, "processes": processes,
                                 "purchased_precursors": purchased, "products": products})


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blank", type=Path,
                        default=next(iter(sorted((ROOT.parent / "shared" / "ec-template").glob("*.xlsx"))), None))
    args = parser.parse_args()
    submission = largest_submission()
    _, result = recompute(submission)
    assert all(p.see_direct is not None for p in result.processes)
    n = 30
    matrix = [[0.0] * n for _ in range(n)]
    for k in range(9):
        matrix[k + 1][k] = 0.9
    matrix[0][9] = 0.005
    for j in range(20):
        matrix[j // 2][10 + j] = 0.04
    vector = [1.0] * n
    solve_chain(matrix, vector)  # warm up
    solver = median_ms(lambda: solve_chain(matrix, vector), 500)
    whole = median_ms(lambda: recompute(submission), 200)
    print("chain: 10 production processes, 20 purchased precursors (30 x 30 system, one feedback loop)")
    print(f"SEE solver alone (direct, one vector)      median {solver:8.3f} ms over 500 runs")
    print(f"whole recomputation (3 vectors, products)  median {whole:8.3f} ms over 200 runs")
    if args.blank and args.blank.exists():
        from cbam_exchange.writers.ec_template import write_ec_template
        from cbam_exchange.writers.recalculate import RecalculationUnavailable, recalculate
        with tempfile.TemporaryDirectory() as tmp:
            filled = Path(tmp) / "chain.xlsx"
            write_ec_template(submission, args.blank, filled)
            start = time.perf_counter()
            try:
                recalculate(filled, Path(tmp) / "calculated.xlsx")
                baseline = (time.perf_counter() - start) * 1000
                print(f"baseline: LibreOffice recalculating the template   {baseline:10.0f} ms (one run)")
                print(f"recomputation is {baseline / whole:,.0f} times faster than the template's own calculation")
            except RecalculationUnavailable as exc:
                print(f"baseline skipped: {exc}")
    else:
        print("baseline skipped: the blank template is absent (../shared/ec-template/)")


if __name__ == "__main__":
    main()
