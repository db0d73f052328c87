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
import math
import operator
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cbam_exchange.reference.tables import _rows, cbam_factor, manifest, normalise_cn
from cbam_exchange.workspace.customs import (REQUIRED, field_too_long, header_unit, open_customs, parse_number,
                                            read_mapping, unit_size)
from cbam_exchange.workspace.db import Workspace
from cbam_exchange.workspace.precursors import precursor_chase
from cbam_exchange.workspace.valuation import PRICED, Actual, Lines, group, valuation


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
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, column, value, problem
    not_priced: dict[str, dict[str, Any]] = field(default_factory=dict)  # reason -> lines, net mass
    groups: list[dict[str, Any]] = field(default_factory=list)  # lines summed per valuation

    @property
    def exit_findings(self) -> bool:
        """Some lines could not be valued (unreadable, outside the year, unknown code or country)."""
        return bool(self.problems)


def _total(a: Actual) -> float:
    return (a.see_direct or 0.0) + (a.see_indirect or 0.0)


def _year_covers(start: str | None, end: str | None, year: int) -> bool:
    return bool(start and end) and int(start[:4]) <= year <= int(end[:4])  # type: ignore[index]


def _actual_index(db: Workspace, year: int) -> tuple[dict[tuple[str, str], Actual], dict[str, str],
                                                    dict[str, list[str]], dict[str, list[str]]]:
    """(installation, CN) -> actual data of the current valid submission; names -> installation ids;
    installation -> problems of its submissions (for the follow-up list of default lines); installation -> what to
    chase in its summary report (for every line of it)."""
    from cbam_exchange.workspace.collect import CURRENT
    from cbam_exchange.workspace.summaries import summary_chase

    actual: dict[tuple[str, str], Actual] = {}
    problems: dict[str, list[str]] = defaultdict(list)
    chase: dict[str, list[str]] = {}
    rows = db.rows(
        "SELECT s.id, s.installation_id, s.period_start, s.period_end, s.errors, p.cn_code, p.see_direct, "
        "p.see_indirect, p.carbon_price_effective, p.currency, p.row, s.model_json, s.format, f.path "
        "FROM submissions s JOIN products p ON p.submission_id = s.id JOIN files f ON f.sha256 = s.sha256 "
        f"WHERE {CURRENT} ORDER BY s.id")
    for sid, inst, start, end, errors, cn, see_d, see_i, price, currency, row, model, kind, path in rows:
        if not _year_covers(start, end, year):
            continue
        if kind == "annex-iv-summary-report" and inst not in chase:
            chase[inst] = summary_chase(model, path)
        if errors:
            problems[inst].append(f"submission {sid} has {errors} error finding(s) and cannot be used")
            continue
        key = (inst, normalise_cn(cn)[:8])
        candidate = Actual(sid, inst, row, model, see_d, see_i, price, currency)
        # several products of one CN code (e.g. two cements): the highest SEE, so as never to understate
        if key not in actual or _total(candidate) > _total(actual[key]):
            actual[key] = candidate
    for inst, texts in precursor_chase(db, CURRENT).items():
        problems[inst].extend(texts)
    names: dict[str, str] = {}
    for iid, name, unlocode, registry in db.rows("SELECT id, name, unlocode, registry_id FROM installations"):
        names[iid.casefold()] = iid
        for key in (name, unlocode, registry):
            if key:
                names[key.strip().casefold()] = iid
    return actual, names, problems, chase


_ISO_DATE = dt.date.fromisoformat


def _parse_date(text: str) -> dt.date:
    """YYYY-MM-DD (a time part ignored) or DD.MM.YYYY; a day written with slashes is ambiguous and refused."""
    t = text.strip()
    if len(t) > 10 and t[10] in " T":
        t = t[:10]
    if len(t) == 10 and t[2] == "." and t[5] == ".":
        return dt.date(int(t[6:]), int(t[3:5]), int(t[:2]))
    return _ISO_DATE(t)


def declare(db: Workspace, imports: Path, year: int, mapping: Path | None = None,
            progress: Callable[[int], None] | None = None) -> Declaration:
    """Value every line of the customs export `imports`; `progress(bytes)` is told how far the reading got."""
    actual, names, problems, chase = _actual_index(db, year)
    source = open_customs(imports, read_mapping(mapping))
    notes = []
    if cbam_factor(year) is None:
        notes.append(f"no CBAM factor for {year}: free-allocation adjustment set to 0")
    header, col = source.header, source.index
    extra_cols = source.extra_cols
    # lines share few (CN, country, installation, quarter) combinations: value each once, then scale by mass
    valuations: dict[tuple[str, str, str, int, int], int] = {}
    table: list[dict[str, Any]] = []
    masses: list[float] = []  # per valuation
    counts: list[int] = []
    rows: list[tuple[int, str, float, int, tuple[str | None, ...]]] = []
    bad: list[tuple[int, str, str, str]] = []
    i_date, i_cn, i_country, i_mass = (col[c] for c in REQUIRED)
    i_unit, i_inst = col.get("unit"), col.get("installation")
    i_extra = [k for k, h in enumerate(header) if h in extra_cols]
    pick = operator.itemgetter(*i_extra) if i_extra else None
    extras_of = (lambda r: (pick(r),)) if len(i_extra) == 1 else pick
    width = max(col.values()) + 1
    units: dict[str, tuple[float, bool] | None] = {}  # unit as written -> (tonnes per unit, is energy)
    kinds: list[bool | None] = []  # per valuation: electricity (MWh), other goods (mass), or not known
    dates: dict[str, tuple[int, int] | str] = {}
    decimal = source.decimal
    fast = decimal == "."
    limit = max_line_mass_t()
    default_unit = unit_size(source.header_unit) if source.header_unit else None
    stated = header_unit(header, col)  # net_mass_kg: a unit column saying otherwise is a contradiction, not a choice
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a million small tuples hold no reference cycles: the collector would only walk them again
    try:
        for number, row in source.rows:
            if progress and not number & 0xFFFF and source.position:
                progress(source.position())
            if len(row) < width:
                if not any(row):
                    continue
                row = row + [""] * (width - len(row))
            date_text = row[i_date]
            parsed = dates.get(date_text)
            if parsed is None:  # a few hundred distinct dates a year: check each once
                parsed = dates[date_text] = _date_key(date_text, year)
            if parsed.__class__ is str:
                if not "".join(row).strip():  # a row of empty cells, as spreadsheets append: no line
                    continue
                bad.append((number, header[i_date], date_text, parsed))  # type: ignore[arg-type]
                continue
            mass_text = row[i_mass]
            try:
                mass = float(mass_text) if fast else parse_number(mass_text, decimal)
            except ValueError as exc:
                try:
                    mass = parse_number(mass_text, decimal)
                except ValueError:
                    bad.append((number, header[i_mass], mass_text, f"not a number{_why(exc)}"))
                    continue
            unit_text = row[i_unit] if i_unit is not None else ""
            size = units.get(unit_text, False)
            if size is False:
                size = units[unit_text] = _unit(unit_text, default_unit, stated)
            if size is None:
                bad.append((number, header[i_unit] if i_unit is not None else "unit", unit_text,
                            _unit_problem(unit_text, stated, header[i_mass])))
                continue
            mass_t = mass * size[0]
            if not 0.0 <= mass_t <= limit:  # NaN, negative, infinite and implausible masses fail here
                bad.append((number, header[i_mass], mass_text, _bad_mass(mass_t, limit)))
                continue
            key = (row[i_cn], row[i_country], row[i_inst].strip() if i_inst is not None else "", *parsed)
            index = valuations.get(key)
            if index is None:
                index = valuations[key] = len(table)
                table.append(valuation(*key, year, actual, names))
                kinds.append(None if not table[-1]["sector"] else table[-1]["sector"] == "Electricity")
                masses.append(0.0)
                counts.append(0)
            kind = kinds[index]
            if kind is not None and kind is not size[1]:
                bad.append((number, header[i_unit] if i_unit is not None else header[i_mass], unit_text or
                            source.header_unit or "", "MWh is for electricity only, and electricity is in MWh"))
                continue
            # every figure of a line is its mass times a per-tonne figure of its valuation: sum the masses only
            masses[index] += mass_t
            counts[index] += 1
            rows.append((number, date_text, mass_t, index, extras_of(row) if i_extra else ()))
    except csv.Error:  # a field over csv's limit
        raise field_too_long(imports, source.line() if source.line else "?") from None
    finally:
        if gc_was_enabled:
            gc.enable()
        if source.close:
            source.close()
    groups = [group(v, mass, count) for v, mass, count in zip(table, masses, counts)]
    bad.extend(_unresolved_lines(rows, table, {name: header[k] for name, k in col.items()}))
    bad.sort()
    return _summarise(year, Lines(rows, table, extra_cols), groups, problems, notes, bad, chase)


def _unit(text: str, default: tuple[float, str] | None, stated: str | None) -> tuple[float, bool] | None:
    size = unit_size(text) if text.strip() else default
    if size is None or (stated and text.strip() and size != unit_size(stated)):
        return None
    return size[0], size[1] == "energy"


def _unit_problem(text: str, stated: str | None, mass_column: str) -> str:
    if stated and text.strip() and unit_size(text) is not None:
        return f"unit {text.strip()!r} contradicts the column {mass_column!r} ({stated})"
    return "unit missing or unknown (kg, t, KGM, TNE; MWh for electricity)"


def _bad_mass(mass_t: float, limit: float) -> str:
    if mass_t > limit and mass_t != math.inf:
        return f"implausible: {mass_t:,.0f} t on one line (more than {limit:,.0f} t)"
    return "not a mass (NaN, infinite or negative)"


def _why(exc: ValueError) -> str:
    text = str(exc)
    return "" if text.startswith("could not convert") else f" ({text})"


def _date_key(text: str, year: int) -> tuple[int, int] | str:
    """(year, quarter) of a date, or what is wrong with it."""
    try:
        day = _parse_date(text)
    except (ValueError, IndexError):
        return "not a date (YYYY-MM-DD or DD.MM.YYYY)"
    if day.year != year:
        return f"outside the declared year {year}"
    return (day.year, (day.month - 1) // 3 + 1)


def _unresolved_lines(rows: list[tuple[int, str, float, int, tuple[str | None, ...]]],
                      table: list[dict[str, Any]], headers: dict[str, str]) -> list[tuple[int, str, str, str]]:
    """Each line whose code or country could not be valued, with the column and value at fault."""
    failing = {k for k, v in enumerate(table) if v["source"] == "unresolved"}
    if not failing:
        return []
    return [(number, headers[table[index]["problem_column"] or "cn_code"], table[index]["problem_value"] or "",
             table[index]["reason"]) for number, _, _, index, _ in rows if index in failing]


@cache
def max_line_mass_t() -> float:
    """The largest net mass one customs line may plausibly carry (plausibility.toml; not a legal figure)."""
    from cbam_exchange.reference import plausibility

    return float(plausibility().get("customs", {}).get("max_line_net_mass_t", 1_000_000.0))


_SUMS = ("net_mass_t", "emissions", "sefa", "carbon_price_deduction", "certificates", "cost")


def _add(total: dict[str, float], group: dict[str, Any]) -> None:
    for key in (*_SUMS, "lines"):
        total[key] = total.get(key, 0.0) + group[key]


@cache
def de_minimis() -> tuple[float, tuple[str, ...], str]:
    """(threshold in t, sectors excepted, legal reference) of the de-minimis rule."""
    row = _rows("de_minimis")[0]
    return float(row["threshold_t"]), tuple(row["excepted_sectors"].split(";")), manifest()["de_minimis"].legal_reference


def _summarise(year: int, lines: Lines, groups: list[dict[str, Any]], problems: dict[str, list[str]],
               notes: list[str], bad: list[tuple[int, str, str, str]], chase: dict[str, list[str]]) -> Declaration:
    by_cn: dict[str, dict[str, float]] = defaultdict(dict)
    by_country: dict[str, dict[str, float]] = defaultdict(dict)
    by_inst: dict[str, dict[str, float]] = defaultdict(dict)
    not_priced: dict[str, dict[str, Any]] = {}
    total: dict[str, float] = {}
    excepted_total: dict[str, float] = {}
    threshold, excepted, legal = de_minimis()
    counted_mass = 0.0
    for g in groups:
        if g["source"] not in PRICED:
            entry = not_priced.setdefault(g["reason"], {"source": g["source"], "lines": 0, "net_mass_t": 0.0})
            entry["lines"] += g["lines"]
            entry["net_mass_t"] += g["net_mass_t"]
            if g["source"] != "unresolved":
                continue
        _add(by_cn[g["cn_code"]], g)
        _add(total, g)
        if g["sector"] in excepted:
            _add(excepted_total, g)
        else:
            counted_mass += g["net_mass_t"]
        if g["source"] == "unresolved":
            continue
        _add(by_country[g["country"] or "unknown"], g)
        _add(by_inst[g["installation_id"] or g["installation"] or "not named"], g)
    if bad:
        lines_bad = len({b[0] for b in bad})
        notes.append(f"{lines_bad} line(s) could not be valued (listed with line, column and value in "
                     "problems.csv); they count as 0")
    below = counted_mass <= threshold
    due = excepted_total if below else total
    certificates = max(0.0, due.get("certificates", 0.0))
    totals = {**total, "certificates_to_surrender": certificates, "cost_due": max(0.0, due.get("cost", 0.0)), "exempt_below_threshold": below,
              "threshold_mass_t": counted_mass, "threshold_t": threshold, "cbam_factor": cbam_factor(year),
              "lines_not_valued": len({b[0] for b in bad}),
              "notes": ["CSCF taken as 1.0 (UNCONFIRMED)",
                        "carbon price deduction only for effective prices stated in EUR (draft implementing act, "
                        "UNCONFIRMED)"]}
    if below:
        notes.append(f"{counted_mass:.1f} t of goods (excluding {' and '.join(excepted).lower()}) is within the "
                     f"{threshold:g} t annual threshold: no certificates are due for them ({legal}); "
                     f"certificates counted only for {' and '.join(excepted).lower()}")
    return Declaration(year, lines, totals, dict(by_cn), dict(by_country), dict(by_inst),
                       followup(groups, problems, chase), notes, bad, not_priced, groups)


def followup(groups: list[dict[str, Any]], problems: dict[str, list[str]],
             chase: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """Whom to chase for what, ranked by what the default values cost compared with actual data (at least the
    mark-up, priced). `groups` are lines summed per valuation; `chase` says what an installation's summary report
    lacks (it is chased for lines on its actual data too)."""
    suppliers: dict[str, dict[str, Any]] = {}
    chase = chase or {}
    for line in groups:
        # actual data is chased only for what its submission leaves open: a precursor's producer not decided, or
        # what a summary report lacks
        wanted = [*chase.get(line["installation_id"] or "", []), *problems.get(line["installation_id"] or "", [])]
        if line["source"] != "default" and not (line["source"] == "actual" and wanted):
            continue
        key = line["installation_id"] or line["installation"] or f"unnamed supplier, {line['country']}"
        s = suppliers.setdefault(key, {"supplier": key, "installation": line["installation"], "reasons": set(),
                                       "cn_codes": set(), "net_mass_t": 0.0, "default_emissions": 0.0,
                                       "markup_cost": 0.0})
        s["reasons"].update(wanted)
        s["cn_codes"].add(line["cn_code"])
        if line["source"] != "default":
            continue
        s["reasons"].add(line["reason"].split(": ", 1)[1])
        s["net_mass_t"] += line["net_mass_t"]
        s["default_emissions"] += line["emissions"]
        markup = (line.get("default_total") or 0.0) * (line["markup_pct"] or 0.0) / 100
        s["markup_cost"] += line["net_mass_t"] * markup * (line["price"] or 0.0)
    ranked = sorted(suppliers.values(), key=lambda s: s["markup_cost"], reverse=True)
    for s in ranked:
        s["reasons"], s["cn_codes"] = sorted(s["reasons"]), sorted(s["cn_codes"])
    return ranked
