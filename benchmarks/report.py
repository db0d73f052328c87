"""Rendering one verification-report draft (PDF/A-3 with evidence), in one run.

Usage:  unset PYTHONDONTWRITEBYTECODE; python -m compileall -q cbam_exchange; python benchmarks/report.py

Times `write_draft` for each example submission and for the Commission's filled steel example in process (median of
3 after a warm-up; WeasyPrint is imported here first, so no early child is forked and these figures are the work of
one draft alone), `cbam report check` on that draft (it renders the pages
again), and whole `cbam report` and `cbam report check` processes on the steel example (interpreter start
included, median of 3) with the early child (the default on two cores: forked before the submission is read, it
imports WeasyPrint meanwhile and renders the pages) and without it (CBAM_PDF_PARALLEL=0). Wall and CPU time (user +
system, children included) are printed with the load average; the target (issue 14: drafting under 3 s) is printed as a ratio. The baseline beside it: importing
WeasyPrint in a fresh process as cffi leaves it (a `ctypes.util.find_library` lookup, with its `ldconfig`, `gcc`
and `ld` subprocesses, for every library name it cannot open directly) against `render.weasy.weasyprint()`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.timing import STEEL, bytecode_note, in_process, load, whole_process, whole_python  # noqa: E402
from cbam_exchange.render.weasy import weasyprint  # noqa: E402
from cbam_exchange.report.check import check_draft  # noqa: E402
from cbam_exchange.report.pdf import write_draft  # noqa: E402

TARGET = 3.0


def main() -> None:
    print(bytecode_note())
    print(load())
    with tempfile.TemporaryDirectory() as tmp:
        weasyprint()  # loaded here: in process, every draft renders here (no early child)
        write_draft(ROOT / "examples/cement-clinker-two-cements.json", Path(tmp) / "warm-up.pdf")  # fonts, caches
        sources = sorted((ROOT / "examples").glob("*.json")) + ([STEEL] if STEEL.exists() else [])
        for example in sources:
            out = Path(tmp) / f"{example.stem}.pdf"
            timing = in_process(lambda: write_draft(example, out))
            print(f"write_draft {example.stem[:36]:<36} {timing.describe(TARGET if example == STEEL else None)}, "
                  f"{out.stat().st_size / 1024:.0f} KiB")
        if not STEEL.exists():
            print("the Commission's steel example is absent (../shared): target not measured")
        subject = STEEL if STEEL.exists() else ROOT / "examples/steelworks-bf-bof.json"
        out = Path(tmp) / f"{subject.stem}.pdf"
        timing = in_process(lambda: check_draft(out.name, out.read_bytes()))
        print(f"{'check_draft (renders every page again)':<48} {timing.describe()}")
        print(f"whole processes on {subject.name} (interpreter start included); {load()}")
        draft = Path(tmp) / "cli.pdf"
        for parallel in ("1", "0"):  # on Linux with two cores, 1 is what the command does unasked
            how = "early child" if parallel == "1" else "one process"
            timing = whole_process(["report", str(subject), "-o", str(draft)], env={"CBAM_PDF_PARALLEL": parallel})
            print(f"  cbam report, {how:<18} {timing.describe(TARGET)}")
            timing = whole_process(["report", "check", str(draft)], env={"CBAM_PDF_PARALLEL": parallel})
            print(f"  cbam report check, {how:<12} {timing.describe()}")
        print("importing WeasyPrint in a fresh process:")
        plain = whole_python(["-c", "import weasyprint"])
        ours = whole_python(["-c", "from cbam_exchange.render.weasy import weasyprint; weasyprint()"])
        print(f"  as cffi leaves it          {plain.describe()}")
        print(f"  render.weasy.weasyprint()  {ours.describe()}; ratio {ours.wall / plain.wall:.2f} of the baseline")
        print(load())


if __name__ == "__main__":
    main()
