"""`cbam declare`: the importer's annual declaration estimated from customs lines and the workspace.

Per import line: actual embedded emissions where a valid, current submission covers the installation, CN code and
year; otherwise the default value for the country (with the fallbacks of IR 2025/2621 as corrected by IR 2026/1740)
and the year's mark-up. Which emissions count: direct only for Annex II goods, direct and indirect for cement and
fertilisers (Reg. 2023/956 Art. 7 and Annex II). Then the free-allocation adjustment (CBAM benchmarks, column A for
actual data, B for defaults, times the CBAM factor; CSCF taken as 1, UNCONFIRMED), the carbon price paid where the
file states an effective price in EUR (deduction rules of the draft implementing act: UNCONFIRMED), the 50-tonne
threshold, and certificates at the quarterly price of the quarter of importation.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.reference.tables import (benchmarks, cbam_factor, certificate_price, cn_info, default_value,
                                            normalise_cn)

THRESHOLD_T = 50.0  # Reg. (EU) 2023/956 Art. 2a as inserted by Reg. (EU) 2025/2083 [S]
THRESHOLD_EXCLUDED = ("Electricity (export to EU)", "Hydrogen")
REQUIRED_COLUMNS = ("date", "cn_code", "country", "net_mass")
UNIT_TO_T = {"t": 1.0, "tonne": 1.0, "tonnes": 1.0, "kg": 0.001, "mwh": 1.0}


@dataclass
class Actual:
    submission_id: int
    installation_id: str
    see_direct: float | None
    see_indirect: float | None
    effective_price: float | None
    currency: str | None


@dataclass
class Declaration:
    year: int
    lines: list[dict[str, Any]]
    totals: dict[str, Any]
    by_cn: dict[str, dict[str, float]]
    by_country: dict[str, dict[str, float]]
    by_installation: dict[str, dict[str, float]]
    followup: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def _total(a: Actual) -> float:
    return (a.see_direct or 0.0) + (a.see_indirect or 0.0)


def _year_covers(start: str | None, end: str | None, year: int) -> bool:
    return bool(start and end) and int(start[:4]) <= year <= int(end[:4])  # type: ignore[index]


def _actual_index(db: sqlite3.Connection, year: int) -> tuple[dict[tuple[str, str], Actual], dict[str, str],
                                                              dict[str, list[str]]]:
    """(installation, CN) -> actual data of the current valid submission; names -> installation ids;
    installation -> problems of its submissions (for the follow-up list)."""
    actual: dict[tuple[str, str], Actual] = {}
    problems: dict[str, list[str]] = defaultdict(list)
    rows = db.execute(
        "SELECT s.id, s.installation_id, s.period_start, s.period_end, s.errors, s.superseded_by, p.cn_code, "
        "p.see_direct, p.see_indirect, p.carbon_price_effective, p.currency FROM submissions s "
        "JOIN products p ON p.submission_id = s.id ORDER BY s.id")
    for sid, inst, start, end, errors, superseded, cn, see_d, see_i, price, currency in rows:
        if not _year_covers(start, end, year) or superseded is not None:
            continue
        if errors:
            problems[inst].append(f"submission {sid} has {errors} error finding(s) and cannot be used")
            continue
        key = (inst, normalise_cn(cn))
        candidate = Actual(sid, inst, see_d, see_i, price, currency)
        # several products of one CN code (e.g. two cements): the highest SEE, so as never to understate
        if key not in actual or _total(candidate) > _total(actual[key]):
            actual[key] = candidate
    names: dict[str, str] = {}
    for iid, name, unlocode in db.execute("SELECT id, name, unlocode FROM installations"):
        names[iid.casefold()] = iid
        for key in (name, unlocode):
            if key:
                names[key.strip().casefold()] = iid
    return actual, names, problems


@cache
def _benchmark(cn: str, column: str, route: str | None, year: int) -> float | None:
    band = "2026-2027" if year <= 2027 else "2028-2030"
    rows = [b for b in benchmarks(cn) if b.column == column and b.production_years in ("all", band)]
    if not rows:
        return None
    matching = [b.value for b in rows if route and b.route and b.route in route.split("/")]
    return min(matching) if matching else min(b.value for b in rows)  # the lowest: never overstate the deduction


def _read_lines(path: Path) -> tuple[list[str], Any]:
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise UnreadableInput(str(path), f"cannot be read ({exc.strerror})") from None
    reader = csv.DictReader(fh)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        fh.close()
        raise UnreadableInput(str(path), "customs lines lack required columns", location="line 1",
                              found=", ".join(header) or "no header",
                              expected=", ".join(REQUIRED_COLUMNS) + " (unit and installation optional)")
    return header, (fh, reader)


def declare(db: sqlite3.Connection, imports: Path, year: int) -> Declaration:
    actual, names, problems = _actual_index(db, year)
    header, (fh, reader) = _read_lines(imports)
    factor = cbam_factor(year) or 0.0
    defaults: dict[tuple[str, str | None], Any] = {}
    lines: list[dict[str, Any]] = []
    notes = []
    if cbam_factor(year) is None:
        notes.append(f"no CBAM factor for {year}: free-allocation adjustment set to 0")
    extra_cols = [h for h in header if h not in REQUIRED_COLUMNS + ("unit", "installation")]
    with fh:
        for number, row in enumerate(reader, start=2):
            line = _line(number, row, imports, year, actual, names, defaults, factor, extra_cols)
            lines.append(line)
    return _summarise(year, lines, problems, notes)


def _line(number: int, row: dict[str, str], source: Path, year: int, actual: dict[tuple[str, str], Actual],
          names: dict[str, str], defaults: dict[tuple[str, str | None], Any], factor: float,
          extra_cols: list[str]) -> dict[str, Any]:
    where = f"line {number}"
    try:
        date = dt.date.fromisoformat(row["date"].strip())
        mass = float(row["net_mass"])
    except (ValueError, AttributeError):
        raise UnreadableInput(str(source), "a date or net mass cannot be read", location=where,
                              found=f"date {row.get('date')!r}, net_mass {row.get('net_mass')!r}",
                              expected="date YYYY-MM-DD and a number") from None
    unit = (row.get("unit") or "t").strip().casefold()
    if unit not in UNIT_TO_T:
        raise UnreadableInput(str(source), "unknown unit of net mass", location=where, found=repr(unit),
                              expected="t or kg (MWh for electricity)")
    mass_t = mass * UNIT_TO_T[unit]
    cn = normalise_cn(row["cn_code"])
    info = cn_info(cn)
    country = (row["country"] or "").strip().upper() or None
    given = (row.get("installation") or "").strip()
    inst = names.get(given.casefold()) if given else None
    if info is None:
        return _unresolved(number, date, row["cn_code"], country, mass_t, given, inst, extra_cols, row,
                           f"{row['cn_code']!r} is not the CN code of a CBAM good (Reg. (EU) 2023/956 Annex I)")
    counted_indirect = info.indirect_counted
    out: dict[str, Any] = {"line": number, "date": date.isoformat(), "cn_code": cn, "category": info.category,
                           "country": country, "net_mass_t": mass_t, "installation": given or None,
                           "installation_id": inst, "counted": "direct and indirect" if counted_indirect else
                           "direct only (Annex II)", **{c: row.get(c) for c in extra_cols}}
    data = actual.get((inst, cn)) if inst else None
    see = None
    if data is not None and data.see_direct is not None:
        see = data.see_direct + ((data.see_indirect or 0.0) if counted_indirect else 0.0)
        if counted_indirect and data.see_indirect is None:
            see = None
    if see is not None and data is not None:
        out.update(source="actual", submission_id=data.submission_id, see_counted=see, markup_pct=None,
                   default_table=None, fallback=None,
                   reason=f"actual data of submission {data.submission_id} ({inst})")
        bm = _benchmark(cn, "A", None, year)
        column = "A"
    else:
        key = (cn, country)
        if key not in defaults:
            defaults[key] = default_value(cn, country, year)
        dv = defaults[key]
        if dv is None or dv.total_with_markup is None:
            return _unresolved(number, date, cn, country, mass_t, given, inst, extra_cols, row,
                               f"no actual data and no default value line for CN {cn} (IR (EU) 2025/2621 as "
                               "corrected): to be resolved by hand")
        why = ("no installation named" if not given else f"installation {given!r} not in the workspace" if inst is None
               else f"no valid current submission of {inst} covers CN {cn} in {year}")
        out.update(source="default", submission_id=None, see_counted=dv.total_with_markup, markup_pct=dv.markup_pct,
                   default_table=dv.table, fallback=dv.fallback, default_total=dv.total,
                   reason=f"default value: {why}")
        bm = _benchmark(cn, "B", dv.route, year)
        column = "B"
    emissions = mass_t * out["see_counted"]
    sefa = mass_t * (bm or 0.0) * factor
    price = certificate_price(date.year, (date.month - 1) // 3 + 1)
    deduction = 0.0
    if out["source"] == "actual" and data is not None and data.effective_price and price:
        if (data.currency or "").upper() == "EUR":
            deduction = mass_t * data.effective_price / price.eur_per_tco2e
    out.update(emissions=emissions, benchmark=bm, benchmark_column=column, sefa=sefa, carbon_price_deduction=deduction,
               certificates=emissions - sefa - deduction, price_period=price.period if price else None,
               price=price.eur_per_tco2e if price else None)
    out["cost"] = out["certificates"] * out["price"] if out["price"] is not None else None
    return out


def _unresolved(number: int, date: dt.date, cn: str, country: str | None, mass_t: float, given: str,
                inst: str | None, extra_cols: list[str], row: dict[str, str], reason: str) -> dict[str, Any]:
    """A line the toolkit cannot value: kept, counted as zero in the sums, and reported."""
    return {"line": number, "date": date.isoformat(), "cn_code": cn, "category": None, "country": country,
            "net_mass_t": mass_t, "installation": given or None, "installation_id": inst, "counted": None,
            "source": "unresolved", "submission_id": None, "see_counted": None, "markup_pct": None,
            "default_table": None, "fallback": None, "emissions": 0.0, "benchmark": None, "benchmark_column": None,
            "sefa": 0.0, "carbon_price_deduction": 0.0, "certificates": 0.0, "price_period": None, "price": None,
            "cost": None, "reason": reason, **{c: row.get(c) for c in extra_cols}}


def _add(group: dict[str, float], line: dict[str, Any]) -> None:
    for key in ("net_mass_t", "emissions", "sefa", "carbon_price_deduction", "certificates"):
        group[key] = group.get(key, 0.0) + line[key]
    group["cost"] = group.get("cost", 0.0) + (line["cost"] or 0.0)
    group["lines"] = group.get("lines", 0) + 1


def _summarise(year: int, lines: list[dict[str, Any]], problems: dict[str, list[str]],
               notes: list[str]) -> Declaration:
    by_cn: dict[str, dict[str, float]] = defaultdict(dict)
    by_country: dict[str, dict[str, float]] = defaultdict(dict)
    by_inst: dict[str, dict[str, float]] = defaultdict(dict)
    total: dict[str, float] = {}
    counted_mass = 0.0
    for line in lines:
        _add(by_cn[line["cn_code"]], line)
        if line["source"] == "unresolved":
            _add(total, line)
            continue
        _add(by_country[line["country"] or "unknown"], line)
        _add(by_inst[line["installation_id"] or line["installation"] or "not named"], line)
        _add(total, line)
        if line["category"] not in THRESHOLD_EXCLUDED:
            counted_mass += line["net_mass_t"]
    unresolved = sum(1 for line in lines if line["source"] == "unresolved")
    if unresolved:
        notes.append(f"{unresolved} line(s) could not be valued (see their reason in lines.csv); they count as 0")
    certificates = max(0.0, total.get("certificates", 0.0))
    totals = {**total, "certificates_to_surrender": certificates, "exempt_below_threshold": counted_mass <= THRESHOLD_T,
              "threshold_mass_t": counted_mass, "cbam_factor": cbam_factor(year),
              "notes": ["CSCF taken as 1.0 (UNCONFIRMED)",
                        "carbon price deduction only for effective prices stated in EUR (draft implementing act, "
                        "UNCONFIRMED)"]}
    if counted_mass <= THRESHOLD_T:
        notes.append(f"{counted_mass:.1f} t of goods (excluding electricity and hydrogen) is within the 50 t annual "
                     "threshold: no declaration obligation (Reg. 2023/956 Art. 2a) [S]")
    return Declaration(year, lines, totals, dict(by_cn), dict(by_country), dict(by_inst),
                       followup(lines, problems), notes)


def followup(lines: list[dict[str, Any]], problems: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Whom to chase for what, ranked by what the default values cost compared with actual data (at least the
    mark-up, priced)."""
    suppliers: dict[str, dict[str, Any]] = {}
    for line in lines:
        if line["source"] == "unresolved":
            continue
        if line["source"] != "default":
            continue
        key = line["installation_id"] or line["installation"] or f"unnamed supplier, {line['country']}"
        s = suppliers.setdefault(key, {"supplier": key, "installation": line["installation"], "reasons": set(),
                                       "cn_codes": set(), "net_mass_t": 0.0, "default_emissions": 0.0,
                                       "markup_cost": 0.0})
        s["reasons"].add(line["reason"].split(": ", 1)[1])
        s["reasons"].update(problems.get(line["installation_id"] or "", []))
        s["cn_codes"].add(line["cn_code"])
        s["net_mass_t"] += line["net_mass_t"]
        s["default_emissions"] += line["emissions"]
        markup = (line.get("default_total") or 0.0) * (line["markup_pct"] or 0.0) / 100
        s["markup_cost"] += line["net_mass_t"] * markup * (line["price"] or 0.0)
    ranked = sorted(suppliers.values(), key=lambda s: s["markup_cost"], reverse=True)
    for s in ranked:
        s["reasons"], s["cn_codes"] = sorted(s["reasons"]), sorted(s["cn_codes"])
    return ranked
