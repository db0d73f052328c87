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
import gc
import operator
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
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
    lines: Sequence[dict[str, Any]]
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
    reader = csv.reader(fh)
    header = [h.strip() for h in next(reader, [])]
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
    notes = []
    if cbam_factor(year) is None:
        notes.append(f"no CBAM factor for {year}: free-allocation adjustment set to 0")
    extra_cols = [h for h in header if h not in REQUIRED_COLUMNS + ("unit", "installation")]
    # lines share few (CN, country, installation, quarter) combinations: value each once, then scale by mass
    valuations: dict[tuple[str, str, str, int, int], int] = {}
    table: list[dict[str, Any]] = []
    masses: list[float] = []  # per valuation
    counts: list[int] = []
    rows: list[tuple[int, str, float, int, tuple[str | None, ...]]] = []
    col = {name: k for k, name in enumerate(header)}
    i_date, i_cn, i_country, i_mass = (col[c] for c in REQUIRED_COLUMNS)
    i_unit, i_inst = col.get("unit"), col.get("installation")
    i_extra = [col[c] for c in extra_cols]
    pick = operator.itemgetter(*i_extra) if i_extra else None
    extras_of = (lambda r: (pick(r),)) if len(i_extra) == 1 else pick  # noqa: E731
    units: dict[str, float] = {}
    dates: dict[str, tuple[int, int]] = {}
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a million small tuples hold no reference cycles: the collector would only walk them again
    try:
        with fh:
            for number, row in enumerate(reader, start=2):
                if not row:
                    continue
                try:
                    date_text = row[i_date].strip()
                    parsed = dates.get(date_text)
                    if parsed is None:  # a few hundred distinct dates a year: validate each once
                        day = dt.date.fromisoformat(date_text)
                        parsed = dates[date_text] = (day.year, (day.month - 1) // 3 + 1)
                    mass = float(row[i_mass])
                    unit_text = row[i_unit] if i_unit is not None else "t"
                except (ValueError, IndexError):
                    _parse_error(number, row, header, imports)
                factor_t = units.get(unit_text)
                if factor_t is None:
                    factor_t = units[unit_text] = _unit_factor(unit_text, number, imports)
                mass_t = mass * factor_t
                key = (row[i_cn], row[i_country], row[i_inst].strip() if i_inst is not None else "", *parsed)
                index = valuations.get(key)
                if index is None:
                    index = valuations[key] = len(table)
                    table.append(_valuation(*key, year, actual, names, factor))
                    masses.append(0.0)
                    counts.append(0)
                # every figure of a line is its mass times a per-tonne figure of its valuation: sum the masses only
                masses[index] += mass_t
                counts[index] += 1
                rows.append((number, date_text, mass_t, index, extras_of(row) if i_extra else ()))
    finally:
        if gc_was_enabled:
            gc.enable()
    groups = [_group(v, mass, count) for v, mass, count in zip(table, masses, counts)]
    return _summarise(year, Lines(rows, table, extra_cols), groups, problems, notes)


def _unit_factor(unit_text: str, number: int, source: Path) -> float:
    unit = (unit_text or "t").strip().casefold()
    if unit not in UNIT_TO_T:
        raise UnreadableInput(str(source), "unknown unit of net mass", location=f"line {number}",
                              found=repr(unit_text), expected="t or kg (MWh for electricity)")
    return UNIT_TO_T[unit]


def _parse_error(number: int, row: list[str], header: list[str], source: Path) -> None:
    found = dict(zip(header, row))
    raise UnreadableInput(str(source), "a date or net mass cannot be read", location=f"line {number}",
                          found=f"date {found.get('date')!r}, net_mass {found.get('net_mass')!r}",
                          expected="date YYYY-MM-DD and a number") from None


_SUMS = ("net_mass_t", "emissions", "sefa", "carbon_price_deduction", "certificates", "cost")


def _group(valuation: dict[str, Any], mass: float, count: int) -> dict[str, Any]:
    """The lines of one valuation, summed: each figure is the summed mass times the per-tonne figure."""
    see = valuation["see_counted"] or 0.0
    emissions, sefa, deduction = mass * see, mass * valuation["sefa_per_t"], mass * valuation["deduction_per_t"]
    certificates = emissions - sefa - deduction
    cost = certificates * valuation["price"] if valuation["price"] is not None else 0.0
    return {**valuation, "net_mass_t": mass, "emissions": emissions, "sefa": sefa,
            "carbon_price_deduction": deduction, "certificates": certificates, "cost": cost, "lines": count}


class Lines(Sequence[dict[str, Any]]):
    """The valued lines, stored compactly (a million lines fit in a few hundred MB) and expanded on demand."""

    def __init__(self, rows: list[tuple[int, str, float, int, tuple[str | None, ...]]],
                 valuations: list[dict[str, Any]], extra_cols: list[str]) -> None:
        self.rows, self.valuations, self.extra_cols = rows, valuations, extra_cols

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        number, date, mass_t, index, extras = self.rows[i]
        return _scaled(number, date, mass_t, self.valuations[index], dict(zip(self.extra_cols, extras)))


def _valuation(cn_text: str, country_text: str, given: str, date_year: int, quarter: int, year: int,
               actual: dict[tuple[str, str], Actual], names: dict[str, str], factor: float) -> dict[str, Any]:
    """Everything about a line except its mass: where the SEE comes from, per tonne."""
    cn = normalise_cn(cn_text)
    info = cn_info(cn)
    country = country_text.strip().upper() or None
    inst = names.get(given.casefold()) if given else None
    base: dict[str, Any] = {"cn_code": cn, "country": country, "installation": given or None, "installation_id": inst}
    if info is None:
        return _unresolved(base, f"{cn_text!r} is not the CN code of a CBAM good (Reg. (EU) 2023/956 Annex I)")
    counted_indirect = info.indirect_counted
    base.update(category=info.category, counted="direct and indirect" if counted_indirect else
                "direct only (Annex II)")
    data = actual.get((inst, cn)) if inst else None
    see = None
    if data is not None and data.see_direct is not None:
        see = data.see_direct + ((data.see_indirect or 0.0) if counted_indirect else 0.0)
        if counted_indirect and data.see_indirect is None:
            see = None
    price = certificate_price(date_year, quarter)
    if see is not None and data is not None:
        deduction = 0.0
        if data.effective_price and price and (data.currency or "").upper() == "EUR":
            deduction = data.effective_price / price.eur_per_tco2e
        base.update(source="actual", submission_id=data.submission_id, see_counted=see, markup_pct=None,
                    default_table=None, fallback=None, default_total=None,
                    reason=f"actual data of submission {data.submission_id} ({inst})", benchmark_column="A",
                    benchmark=_benchmark(cn, "A", None, year), deduction_per_t=deduction)
    else:
        dv = default_value(cn, country, year)
        if dv is None or dv.total_with_markup is None:
            return _unresolved(base, f"no actual data and no default value line for CN {cn} (IR (EU) 2025/2621 "
                                     "as corrected): to be resolved by hand")
        why = ("no installation named" if not given else f"installation {given!r} not in the workspace" if inst is None
               else f"no valid current submission of {inst} covers CN {cn} in {year}")
        base.update(source="default", submission_id=None, see_counted=dv.total_with_markup, markup_pct=dv.markup_pct,
                    default_table=dv.table, fallback=dv.fallback, default_total=dv.total,
                    reason=f"default value: {why}", benchmark_column="B",
                    benchmark=_benchmark(cn, "B", dv.route, year), deduction_per_t=0.0)
    base.update(price_period=price.period if price else None, price=price.eur_per_tco2e if price else None,
                sefa_per_t=(base["benchmark"] or 0.0) * factor)
    return base


def _scaled(number: int, date: str, mass_t: float, valuation: dict[str, Any],
            extras: dict[str, str | None]) -> dict[str, Any]:
    line = dict(valuation)
    sefa_per_t, deduction_per_t = line.pop("sefa_per_t"), line.pop("deduction_per_t")
    emissions = mass_t * line["see_counted"] if line["see_counted"] is not None else 0.0
    sefa, deduction = mass_t * sefa_per_t, mass_t * deduction_per_t
    certificates = emissions - sefa - deduction
    line.update(line=number, date=date, net_mass_t=mass_t, emissions=emissions, sefa=sefa,
                carbon_price_deduction=deduction, certificates=certificates,
                cost=certificates * line["price"] if line["price"] is not None else None, **extras)
    return line


def _unresolved(base: dict[str, Any], reason: str) -> dict[str, Any]:
    """A line the toolkit cannot value: kept, counted as zero in the sums, and reported."""
    return {**base, "category": None, "counted": None, "source": "unresolved", "submission_id": None,
            "see_counted": None, "markup_pct": None, "default_table": None, "fallback": None, "default_total": None,
            "benchmark": None, "benchmark_column": None, "price_period": None, "price": None, "reason": reason,
            "sefa_per_t": 0.0, "deduction_per_t": 0.0}


def _add(total: dict[str, float], group: dict[str, Any]) -> None:
    for key in (*_SUMS, "lines"):
        total[key] = total.get(key, 0.0) + group[key]


def _summarise(year: int, lines: Lines, groups: list[dict[str, Any]], problems: dict[str, list[str]],
               notes: list[str]) -> Declaration:
    by_cn: dict[str, dict[str, float]] = defaultdict(dict)
    by_country: dict[str, dict[str, float]] = defaultdict(dict)
    by_inst: dict[str, dict[str, float]] = defaultdict(dict)
    total: dict[str, float] = {}
    counted_mass = 0.0
    unresolved = 0
    for g in groups:
        _add(by_cn[g["cn_code"]], g)
        _add(total, g)
        if g["source"] == "unresolved":
            unresolved += int(g["lines"])
            continue
        _add(by_country[g["country"] or "unknown"], g)
        _add(by_inst[g["installation_id"] or g["installation"] or "not named"], g)
        if g["category"] not in THRESHOLD_EXCLUDED:
            counted_mass += g["net_mass_t"]
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
                       followup(groups, problems), notes)


def followup(groups: list[dict[str, Any]], problems: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Whom to chase for what, ranked by what the default values cost compared with actual data (at least the
    mark-up, priced). `groups` are lines summed per valuation."""
    suppliers: dict[str, dict[str, Any]] = {}
    for line in groups:
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
