"""LibreOffice's calculation of each differential case in the official template, recorded so that the ordinary test
run is fast; CI re-derives them.

    python -m tests.differential.libreoffice_results            # re-record every case (needs soffice)

A case is one submission in the JSON exchange format (tests/differential/cases/ and examples/). It is written into
the blank by the toolkit's writer, recalculated by LibreOffice with forced recalculation, and the template's own
results are read back from the cached values. Nothing of the toolkit's calculation is involved.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from cbam_exchange.readers import read_submission
from cbam_exchange.writers.ec_template import write_ec_template
from cbam_exchange.writers.recalculate import recalculate, soffice

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RECORDED = HERE / "libreoffice"
PROCESS_FIELDS = ("se_direct", "see_direct", "se_indirect", "see_indirect", "embedded_electricity")
PRODUCT_FIELDS = ("see_direct", "see_indirect", "see_total", "embedded_electricity", "electricity_ef")


def cases() -> list[Path]:
    return sorted(HERE.glob("cases/*.json")) + sorted((ROOT / "examples").glob("*.json"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def libreoffice_version() -> str:
    binary = soffice()
    if binary is None:
        return "absent"
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=120).stdout
    return out.strip()


def template_results(case: Path, blank: Path, work: Path) -> dict:
    """The template's own results for `case`, as LibreOffice calculates them."""
    filled, calculated = work / f"{case.stem}.xlsx", work / f"{case.stem}.calculated.xlsx"
    write_ec_template(read_submission(case), blank, filled)
    recalculate(filled, calculated)
    declared = read_submission(calculated).declared
    assert declared is not None and declared.available, f"{case.name}: LibreOffice left no calculated values"
    return {
        "processes": {p.id: {f: getattr(p, f) for f in PROCESS_FIELDS} for p in declared.processes},
        "products": {str(p.row): {f: getattr(p, f) for f in PRODUCT_FIELDS} for p in declared.products},
        "totals": {"direct": declared.totals.direct, "indirect": declared.totals.indirect,
                   "total": declared.totals.total},
        "messages": declared.messages,
    }


def record(blank: Path) -> None:
    RECORDED.mkdir(exist_ok=True)
    version = libreoffice_version()
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases():
            results = template_results(case, blank, Path(tmp))
            document = {"case": case.name, "case_sha256": sha256(case), "template": blank.name,
                        "template_sha256": sha256(blank), "libreoffice": version, **results}
            target = RECORDED / f"{case.stem}.json"
            target.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            print(f"recorded {target.relative_to(ROOT)}")


if __name__ == "__main__":
    blank_path = Path(sys.argv[1]) if len(sys.argv) > 1 else next((ROOT.parent / "shared" / "ec-template").glob("*.xlsx"))
    record(blank_path)
