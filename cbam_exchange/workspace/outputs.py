"""The declaration's outputs: a workbook (one sheet per view, values only), JSON, CSV, the follow-up list and a
request letter per supplier. Supplier text is neutralised against formula injection in everything a spreadsheet
opens."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from cbam_exchange.render.environment import text_environment
from cbam_exchange.render.formatting import spreadsheet_safe
from cbam_exchange.workspace.declare import Declaration
from cbam_exchange.workspace.valuation import Lines
from cbam_exchange.writers.atomic import atomic_output, write_text_atomic

LINE_COLUMNS = ["line", "date", "cn_code", "sector", "category", "country", "net_mass_t", "installation",
                "installation_id", "source", "submission_id", "see_counted", "counted", "markup_pct", "default_table",
                "default_line", "fallback", "emissions", "benchmark_column", "sefa_basis", "sefa_t_per_t", "sefa",
                "carbon_price_deduction", "certificates", "price_period", "price", "cost", "reason", "warning",
                "default_share_pct", "precursor_origins"]
# the workbook holds one row per valuation (lines sharing code, origin, installation and quarter); lines go to CSV
VALUATION_COLUMNS = ["lines", "cn_code", "sector", "category", "country", "installation", "installation_id",
                     "price_period", "source", "default_line", "fallback", "see_counted", "benchmark_column",
                     "sefa_basis", "sefa_t_per_t", "net_mass_t", "emissions", "sefa", "carbon_price_deduction", "certificates",
                     "price", "cost", "reason", "warning", "default_share_pct", "precursor_origins"]
PROBLEMS_IN_JSON = 1000


_VARIABLE = ["line", "date", "net_mass_t", "emissions", "sefa", "carbon_price_deduction", "certificates", "cost"]
_SPECIAL = re.compile(r'[",\r\n]')
_NEEDS = re.compile(r'^[=+\-@\t\r]|[",\r\n]')  # text that must be quoted or neutralised


def _csv_field(value: Any) -> str:
    if value is None:
        return ""
    text = str(spreadsheet_safe(value))
    return '"' + text.replace('"', '""') + '"' if _SPECIAL.search(text) else text


def _write_lines(decl: Declaration, fh: Any) -> None:
    """lines.csv: one row per line, the per-line figures first. The columns that are the same for every line of a
    valuation are formatted once per valuation (a million lines are written in seconds); supplier text is
    neutralised."""
    lines = decl.lines
    extra = list(getattr(lines, "extra_cols", []))
    constant = [c for c in LINE_COLUMNS if c not in _VARIABLE]
    fh.write(",".join(_VARIABLE + constant + extra) + "\n")
    if not isinstance(lines, Lines):
        for line in lines:
            fh.write(",".join(_csv_field(line.get(c)) for c in _VARIABLE + constant + extra) + "\n")
        return
    fragments = [",".join(_csv_field(v.get(c)) for c in constant) for v in lines.valuations]
    per_t = [(v["see_counted"] or 0.0, v["sefa_per_t"], v["deduction_per_t"], v["price"]) for v in lines.valuations]
    needs = _NEEDS.search
    write = fh.write
    for number, date, mass_t, index, extras in lines.rows:
        see, sefa_t, deduction_t, price = per_t[index]
        emissions, sefa, deduction = mass_t * see, mass_t * sefa_t, mass_t * deduction_t
        certificates = emissions - sefa - deduction
        cost = "" if price is None else f"{certificates * price:.2f}"
        if len(extras) == 1:
            x = extras[0]
            tail = "," + (_csv_field(x) if x and needs(x) else (x or ""))
        else:
            tail = "".join("," + (_csv_field(x) if x and needs(x) else (x or "")) for x in extras)
        # tonnes to 6 decimals (grams) and euros to cents: exact enough, and twice as fast to format as repr
        write(f"{number},{date},{mass_t:.6f},{emissions:.6f},{sefa:.6f},{deduction:.6f},{certificates:.6f},"
              f"{cost},{fragments[index]}{tail}\n")


def _views(decl: Declaration, groups: list[dict[str, Any]]) -> dict[str, list[list[Any]]]:
    keys = ["lines", "net_mass_t", "emissions", "sefa", "carbon_price_deduction", "certificates", "cost"]
    views = {}
    for title, data in (("By CN code", decl.by_cn), ("By country", decl.by_country),
                        ("By installation", decl.by_installation)):
        views[title] = [[title.split()[-1]] + keys] + [[spreadsheet_safe(k)] + [v.get(c) for c in keys]
                                                         for k, v in sorted(data.items())]
    t = decl.totals
    views["Summary"] = [["item", "value"], ["year", decl.year], ["net mass (t)", t.get("net_mass_t")],
                        ["embedded emissions counted (tCO2e)", t.get("emissions")],
                        ["free-allocation adjustment (tCO2e)", t.get("sefa")],
                        ["carbon price paid deduction (certificates)", t.get("carbon_price_deduction")],
                        ["certificates to surrender", t.get("certificates_to_surrender")],
                        ["estimated cost (EUR)", t.get("cost_due")],
                        ["within the de-minimis threshold", t.get("exempt_below_threshold")],
                        ["net mass counted for the threshold (t)", t.get("threshold_mass_t")],
                        ["lines that could not be valued", t.get("lines_not_valued")],
                        ["CBAM factor", t.get("cbam_factor")]] + [["note", n] for n in t["notes"] + decl.notes]
    views["Follow-up"] = [["supplier", "reasons", "CN codes", "net mass (t)", "default emissions (tCO2e)",
                           "mark-up cost (EUR, at least)"]] + [
        [spreadsheet_safe(s["supplier"]), spreadsheet_safe("; ".join(s["reasons"])), ", ".join(s["cn_codes"]),
         s["net_mass_t"],
         s["default_emissions"], s["markup_cost"]] for s in decl.followup]
    views["Not priced"] = [["reason", "source", "lines", "net mass (t)"]] + [
        [spreadsheet_safe(reason), v["source"], v["lines"], v["net_mass_t"]] for reason, v in decl.not_priced.items()]
    views["Valuations"] = [VALUATION_COLUMNS] + [[spreadsheet_safe(g.get(c)) for c in VALUATION_COLUMNS]
                                                 for g in groups]
    return views


def write_outputs(decl: Declaration, folder: Path) -> list[Path]:
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    lines_csv = folder / "lines.csv"
    with atomic_output(lines_csv) as tmp, tmp.open("w", newline="", encoding="utf-8", buffering=1 << 20) as fh:
        _write_lines(decl, fh)
    written.append(lines_csv)
    problems_csv = folder / "problems.csv"
    with atomic_output(problems_csv) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "column", "value", "problem"])
        writer.writerows([n, spreadsheet_safe(c), spreadsheet_safe(v), p] for n, c, v, p in decl.problems)
    written.append(problems_csv)
    views = _views(decl, decl.groups)
    book = openpyxl.Workbook(write_only=True)
    for title in ("Summary", "By CN code", "By country", "By installation", "Not priced", "Valuations",
                  "Follow-up"):
        sheet = book.create_sheet(title)
        for row in views[title]:
            sheet.append(row)
    workbook = folder / "declaration.xlsx"
    with atomic_output(workbook) as tmp:
        book.save(tmp)
    written.append(workbook)
    document = {"contract": "cbam-exchange/declaration 1.0",  # schemas/declaration-1.0.schema.json
                "year": decl.year, "totals": decl.totals, "by_cn": decl.by_cn, "by_country": decl.by_country,
                "by_installation": decl.by_installation, "followup": decl.followup, "notes": decl.notes,
                "lines": len(decl.lines), "not_priced": decl.not_priced, "problem_count": len(decl.problems),
                "problems": [{"line": n, "column": c, "value": v, "problem": p}
                             for n, c, v, p in decl.problems[:PROBLEMS_IN_JSON]]}
    write_text_atomic(folder / "declaration.json",
                      json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    written.append(folder / "declaration.json")
    followup_csv = folder / "followup.csv"
    with atomic_output(followup_csv) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(views["Follow-up"])
    written.append(followup_csv)
    letters = folder / "letters"
    template = text_environment().get_template("followup_letter.txt.j2")
    for rank, s in enumerate(decl.followup, start=1):
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", s["supplier"])[:60]
        target = letters / f"{rank:03d}-{name}.txt"
        letters.mkdir(exist_ok=True)
        write_text_atomic(target, template.render(s=s, year=decl.year))
        written.append(target)
    return written
