"""`cbam validate` output: text for a terminal, the JSON contract, CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import click

from cbam_exchange.render.formatting import spreadsheet_safe

_COLOUR = {"error": "red", "warning": "yellow", "info": "blue"}


def text(documents: list[dict[str, Any]]) -> str:
    """Grouped by file and sheet, counts at the end; colours are dropped by click where the output is no terminal."""
    out = []
    totals = {"errors": 0, "warnings": 0, "info": 0, "waived": 0}
    for doc in documents:
        out.append(click.style(doc["file"], bold=True))
        if "unreadable" in doc:
            out.append(click.style(f"  unreadable: {doc['unreadable']}", fg="red"))
            continue
        groups: dict[str, list[dict[str, Any]]] = {}
        for f in doc["findings"]:
            groups.setdefault(f["location"]["sheet"] or "(not located in a sheet)", []).append(f)
        for sheet, items in groups.items():
            out.append(f"  {sheet}")
            for f in items:
                where = f["location"]["cell"] or f["location"]["path"] or ""
                severity = click.style(f"{f['severity']:<7}", fg=_COLOUR[f["severity"]])
                out.append(f"    {where:<8} {f['rule']:<7} {severity} {f['message']}")
                extra = []
                if f["expected"] is not None and f["expected"] not in f["message"]:
                    extra.append(f"expected {f['expected']}")
                extra.append(f"fix: {f['remedy']}")
                out.append(f"{'':21}{'; '.join(extra)}")
                if f.get("waiver") and f["waiver"].get("refused"):
                    out.append(f"{'':21}waiver refused: {f['waiver']['refused']}")
        s = doc["summary"]
        for key in totals:
            totals[key] += s.get(key, 0)
        if not doc["findings"]:
            out.append("  no findings")
    out.append("")
    unreadable = sum("unreadable" in doc for doc in documents)  # a file not read has no findings: not a clean run
    summary = (f"{totals['errors']} error(s), {totals['warnings']} warning(s), {totals['info']} info, "
               f"{totals['waived']} waived" + (f", {unreadable} unreadable" if unreadable else "")
               + f" in {len(documents)} file(s)")
    out.append(click.style(summary, fg="red" if totals["errors"] or unreadable else "green", bold=True))
    return "\n".join(out) + "\n"


def csv_text(documents: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "rule", "severity", "sheet", "cell", "path", "message", "value", "expected", "remedy",
                     "reference", "fingerprint"])
    for doc in documents:
        if "unreadable" in doc:  # a file that could not be read is a row too, never silently dropped
            writer.writerow([spreadsheet_safe(v) for v in (doc["file"], "unreadable", "error", "", "", "",
                                                            doc["unreadable"], "", "", "", "", "")])
            continue
        for f in doc["findings"]:
            writer.writerow([spreadsheet_safe("" if v is None else str(v))
                             for v in (doc["file"], f["rule"], f["severity"], f["location"]["sheet"],
                                       f["location"]["cell"], f["location"]["path"], f["message"], f["value"],
                                       f["expected"], f["remedy"], f["reference"], f["fingerprint"])])
    return buffer.getvalue()


def statistics_text(rows: list[dict[str, Any]]) -> str:
    """Per-rule counts as a table (ruff's --statistics)."""
    from cbam_exchange.render.tables import table
    if not rows:
        return "no findings\n"
    return table(["count", "rule", "severity", "title"],
                 [[str(r["count"]), r["rule"], r["severity"], r["title"]] for r in rows], right=(0,))
