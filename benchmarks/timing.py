"""Timing helpers shared by the PDF and risk benchmarks: wall and CPU time, in process and as whole processes.

CPU time (user + system) is printed beside wall time because the machine is often shared: wall time then grows with
the load while CPU time does not. A whole process is timed with its children (a forked renderer, subprocesses) included.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEEL = ROOT.parent / "shared/real-world/commission-examples/2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx"


@dataclass
class Timing:
    wall: float  # median
    cpu: float  # median of user + system, children included
    best_wall: float

    def describe(self, target: float | None = None) -> str:
        text = f"median {self.wall:5.2f} s wall (best {self.best_wall:.2f}), {self.cpu:5.2f} s CPU"
        if target is not None:
            text += f"; target < {target:g} s: ratio {self.wall / target:.2f} (CPU {self.cpu / target:.2f})"
        return text


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def in_process(action: Callable[[], object], runs: int = 3) -> Timing:
    """Median over `runs` of `action()` in this process (its worker processes' CPU included)."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu, children, start = time.process_time(), _children_cpu(), time.perf_counter()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu + _children_cpu() - children)
    return Timing(statistics.median(walls), statistics.median(cpus), min(walls))


def whole_python(args: Sequence[str], runs: int = 3, env: dict[str, str] | None = None) -> Timing:
    """Median over `runs` of `python ARGS` (interpreter start included), run from the project; a run that fails
    stops the benchmark (its time would mean nothing)."""
    walls, cpus = [], []
    for _ in range(runs):
        children, start = _children_cpu(), time.perf_counter()
        subprocess.run([sys.executable, *args], capture_output=True, cwd=ROOT, env={**os.environ, **(env or {})},
                       check=True)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - children)
    return Timing(statistics.median(walls), statistics.median(cpus), min(walls))


def whole_process(args: Sequence[str], runs: int = 3, env: dict[str, str] | None = None) -> Timing:
    """Median over `runs` of `python -m cbam_exchange ARGS` (interpreter start included), run from the project."""
    return whole_python(["-m", "cbam_exchange", *args], runs, env)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (5 min {five:.2f}) on {os.cpu_count()} cores"


def bytecode_note() -> str:
    """Whether our modules are compiled ahead (as installed) or recompiled at every start (skews whole processes)."""
    if sys.flags.dont_write_bytecode:
        return ("PYTHONDONTWRITEBYTECODE is set: run `unset PYTHONDONTWRITEBYTECODE; python -m compileall -q "
                "cbam_exchange` first, or whole-process figures include recompiling")
    return "bytecode written (compile ahead with `python -m compileall -q cbam_exchange`)"
