"""Both Annex IV reports (operator's emissions report and summary, PDF/A-3b and JSON each) for the Commission's
filled steel example with a filled supplement, in one run.

Usage:  unset PYTHONDONTWRITEBYTECODE; python -m compileall -q cbam_exchange; python benchmarks/annex_iv.py

Times reading the workbook with its supplement, recomputing, SEFA (CBAM factor of 2026) and writing the four files:
in process (WeasyPrint imported first, so no early child: median of 3 after a first run, which loads the fonts and
is shown too) and as whole `cbam annex-iv` processes (median of 3): as it decides (on two cores a child forked before reading imports
WeasyPrint meanwhile and renders the reports, both at once where a core is idle), with CBAM_PDF_PARALLEL=1 (the
child, and the reports at once whatever the load) and =0 (all in the command's process, one after the other).
Wall and CPU time (user + system, children included) with the load average; target (issue 16): under 3 s, printed
as a ratio.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.timing import STEEL, bytecode_note, in_process, load, whole_process  # noqa: E402
from cbam_exchange.annex_iv.build import build_reports  # noqa: E402
from cbam_exchange.readers.supplement import read_with_supplement  # noqa: E402
from cbam_exchange.render.annex_iv import renderer, write_reports  # noqa: E402
from cbam_exchange.render.weasy import weasyprint  # noqa: E402

SUPPLEMENT = ROOT / "benchmarks" / "data" / "commission-steel-1.supplement.yaml"
TARGET = 3.0


def once(out: Path) -> None:
    with renderer() as pdf_renderer:
        submission = read_with_supplement(STEEL, SUPPLEMENT)
        full, summary = build_reports(submission, year=2026, file=STEEL, supplement=SUPPLEMENT)
        write_reports([(r.to_dict(), out / r.kind) for r in (full, summary)], pdf_renderer)


def main() -> None:
    if not STEEL.exists():
        sys.exit(f"the Commission's steel example is absent (expected at {STEEL})")
    print(bytecode_note())
    print(load())
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        weasyprint()  # loaded here: in process, no early child is forked
        first = in_process(lambda: once(out), runs=1)
        timing = in_process(lambda: once(out))
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1024:.0f} KiB" for p in sorted(out.iterdir()))
        print(f"in process: first run {first.wall:.2f} s wall, {first.cpu:.2f} s CPU; then {timing.describe(TARGET)}")
        print(f"  ({sizes})")
        print(f"whole cbam annex-iv processes (interpreter start included); {load()}")
        for how, env in (("as it decides", {}), ("CBAM_PDF_PARALLEL=1", {"CBAM_PDF_PARALLEL": "1"}),
                         ("CBAM_PDF_PARALLEL=0", {"CBAM_PDF_PARALLEL": "0"})):
            timing = whole_process(["annex-iv", str(STEEL), "--supplement", str(SUPPLEMENT), "--year", "2026",
                                    "-o", str(out / "cli")], env=env)
            print(f"  {how:<22} {timing.describe(TARGET)}")
        print(load())


if __name__ == "__main__":
    main()
