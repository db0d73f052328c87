"""Lookups in the packaged regulatory tables (tables/MANIFEST.toml), loaded on first use and cached.

Every answer carries the table's legal reference and confirmation label, so a finding or a report can say where a
figure comes from and how sure it is.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import pickle
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent / "tables"
OTHER_COUNTRIES = "Other countries and territories"
ANNEX_IV = "Annex IV (country of production unknown)"
# sector names of the cn_codes table -> sector names of the mark-up table
_MARKUP_SECTOR = {"Fertilisers": "Fertilisers", "Iron and steel": "Iron and steel", "Cement": "Cement",
                  "Aluminium": "Aluminium", "Hydrogen": "Hydrogen", "Electricity": "Electricity"}


@dataclass(frozen=True)
class TableInfo:
    name: str
    file: Path
    title: str
    legal_reference: str
    confirmation: str


@cache
def manifest() -> dict[str, TableInfo]:
    with (_HERE / "MANIFEST.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    override = os.environ.get("CBAM_REFERENCE_DIR")
    out = {}
    for name, spec in raw["tables"].items():
        path = _HERE / spec["file"]
        if override and (Path(override) / spec["file"]).exists():
            path = Path(override) / spec["file"]
        out[name] = TableInfo(name, path, spec["title"], spec["legal_reference"], spec["confirmation"])
    return out


def reference_version() -> str:
    """The version of the reference data actually used: the packaged MANIFEST's, or, where CBAM_REFERENCE_DIR
    replaces tables, that directory's own MANIFEST version (or the packaged one) marked `+local.` with the first 12
    hex digits of a SHA-256 over the replaced tables' names and contents, so a draft never claims packaged data it
    did not use."""
    with (_HERE / "MANIFEST.toml").open("rb") as fh:
        version = tomllib.load(fh)["version"]
    replaced = sorted((t.file.name, t.file) for t in manifest().values() if t.file.parent != _HERE)
    if not replaced:
        return version
    own = Path(os.environ["CBAM_REFERENCE_DIR"]) / "MANIFEST.toml"
    if own.is_file():
        with own.open("rb") as fh:
            version = str(tomllib.load(fh).get("version", version))
    digest = hashlib.sha256()
    for name, path in replaced:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{version}+local.{digest.hexdigest()[:12]}"


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cbam-exchange"


@cache
def _rows(table: str) -> list[dict[str, str]]:
    """The table's rows. Parsing the 12,800 default values with csv.DictReader costs 100-220 ms, loading them
    pickled 40-70 ms and hashing the file 4 ms (measured, see docs/reference-cache.md), so the parsed rows are kept
    in the user's cache keyed by the SHA-256 of the file's content (never by size or time, which an edit can keep);
    when a table's content changes its older entries are deleted, so the cache holds one entry per table."""
    path = manifest()[table].file
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()[:24]
    folder = _cache_dir()
    cached = folder / f"{table}-{key}.pickle"
    try:
        with cached.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError):
        pass
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(rows, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cached)
        for stale in folder.glob(f"{table}-*.pickle"):
            if stale != cached:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: parse every time
    return rows


def _num(text: str) -> float | None:
    return float(text) if text and text.strip() else None


def normalise_cn(code: str | None) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


@dataclass(frozen=True)
class CnInfo:
    cn_code: str
    category: str
    sector: str
    indirect_counted: bool
    description: str


@cache
def cn_codes() -> dict[str, CnInfo]:
    return {r["cn_code"]: CnInfo(r["cn_code"], r["aggregated_goods_category"], r["sector"],
                                 r["indirect_counted_definitive"] == "yes", r["description"])
            for r in _rows("cn_codes")}


def cn_info(code: str | None) -> CnInfo | None:
    return cn_codes().get(normalise_cn(code))


@dataclass
class DefaultValue:
    """A default value looked up for a CN code and country, with the fallback taken and the year's mark-up."""

    cn_code: str
    country: str | None
    table: str
    line: str
    description: str
    fallback: str | None
    direct: float | None
    indirect: float | None
    total: float | None
    route: str | None
    year: int
    markup_pct: float | None
    total_with_markup: float | None
    legal_reference: str
    confirmation: str
    flags: list[str] = field(default_factory=list)
    matched: str = ""


@cache
def _default_index() -> dict[tuple[str, str], list[dict[str, str]]]:
    index: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in _rows("default_values"):
        key = r["country_iso2"] or r["country_table"]
        index.setdefault((key, r["cn_code"]), []).append(r)
        if r["taric_code"]:
            index.setdefault((key, r["taric_code"]), []).append(r)
    return index


@cache
def _table_codes() -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    for key, cn in _default_index():
        codes.setdefault(key, []).append(cn)
    return codes


def _valued(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in rows if _num(r["total_tco2e_per_t"]) is not None]


def _line(table_key: str, cn: str) -> tuple[dict[str, str], str] | None:
    """The table's line for `cn` (4 to 10 digits) and how it was matched: the TARIC line, the 8-digit code, else
    the 6- or 4-digit heading that carries a value (the table's own granularity, never a sibling code). A code
    coarser than the table's lines takes the highest value under it (never understate), and says so."""
    index = _default_index()
    if len(cn) == 10:
        rows = [r for r in index.get((table_key, cn), []) if r["taric_code"] == cn]
        if rows:  # a TARIC line of the table: its value or none (never the sibling line's)
            return (rows[-1], f"TARIC line {cn}") if _valued(rows) else None
    for length in (8, 6, 4):
        if len(cn) < length:
            continue
        rows = _valued(index.get((table_key, cn[:length]), []))
        if rows:
            # a code split by TARIC (e.g. white / grey clinker): the grey or 'other' line, and say so
            how = f"line {cn[:length]}" + ("" if length == len(cn) else f" (the table's line covering {cn})")
            if len(rows) > 1:
                how += (f"; split by TARIC, the line {rows[-1]['taric_code']} ({rows[-1]['description']}) "
                        "is taken: give the 10-digit code for another")
            return rows[-1], how
    under = [r for c in _table_codes().get(table_key, []) if c.startswith(cn) and len(c) > len(cn)
             for r in _valued(index[(table_key, c)])]
    if under:
        top = max(under, key=lambda r: float(r["total_tco2e_per_t"]))
        return top, (f"line {top['cn_code']}: the highest of the {len(under)} lines under {cn} (the code is "
                     "coarser than the table: give the full CN code)")
    return None


@cache
def _markups() -> list[dict[str, str]]:
    return _rows("markups")


def markup_pct(sector: str, year: int) -> float | None:
    for r in _markups():
        if r["sector"] == _MARKUP_SECTOR.get(sector, sector) and int(r["year_from"]) <= year and \
                (not r["year_to"] or year <= int(r["year_to"])):
            return float(r["markup_pct"])
    return None


def default_value(cn_code: str, country_iso2: str | None, year: int) -> DefaultValue | None:
    """The applicable default value: the country's table, else Other countries and territories, else Annex IV."""
    cn = normalise_cn(cn_code)
    info = cn_info(cn[:8])
    fallback = None
    found = None
    if country_iso2:
        found = _line(country_iso2.upper(), cn)
        if found is None:
            fallback = f"no value for {cn} in the table of {country_iso2.upper()}: Other countries and territories"
            found = _line(OTHER_COUNTRIES, cn)
    if found is None:
        found = _line(ANNEX_IV, cn)
        if found is not None:
            fallback = ("country of production unknown: Annex IV" if not country_iso2
                        else f"{fallback}; no value there either: Annex IV")
    if found is None:
        return None
    row, how = found
    table = manifest()["default_values"]
    sector = info.sector if info else row["sector"]
    pct = markup_pct(sector, year)
    total = _num(row["total_tco2e_per_t"])
    return DefaultValue(
        cn_code=cn, country=country_iso2, table=row["country_table"], line=row["cn_code"] + (
            f" (TARIC {row['taric_code']})" if row["taric_code"] else ""), description=row["description"],
        fallback=fallback, direct=_num(row["direct_tco2e_per_t"]), indirect=_num(row["indirect_tco2e_per_t"]),
        total=total, route=row["production_route"] or None, year=year, markup_pct=pct,
        total_with_markup=None if total is None or pct is None else total * (1 + pct / 100),
        legal_reference=table.legal_reference, confirmation=table.confirmation,
        flags=[f for f in row["flags"].split(";") if f], matched=how)


@dataclass(frozen=True)
class Benchmark:
    cn_code: str
    column: str
    value: float
    route: str | None
    route_meaning: str | None
    production_years: str


@cache
def _benchmarks() -> dict[str, list[Benchmark]]:
    out: dict[str, list[Benchmark]] = {}
    for r in _rows("benchmarks"):
        out.setdefault(r["cn_code"], []).append(Benchmark(r["cn_code"], r["column"],
                                                          float(r["benchmark_tco2e_per_t"]),
                                                          r["route_indicator"] or None, r["route_meaning"] or None,
                                                          r["production_years"]))
    return out


def benchmarks(cn_code: str | None) -> list[Benchmark]:
    return _benchmarks().get(normalise_cn(cn_code), [])


@dataclass(frozen=True)
class Price:
    period: str
    eur_per_tco2e: float
    confirmation: str
    note: str | None = None


@cache
def cbam_factor(year: int) -> float | None:
    """Share of free allocation retained in year `year` (Directive 2003/87/EC Art. 10a(1a))."""
    for r in _rows("phase_in"):
        if int(r["year"]) == year:
            return float(r["cbam_factor_free_allocation_retained"])
    return None


@cache
def certificate_price(year: int, quarter: int) -> Price | None:
    """The published price for the quarter of importation, else the latest published one (and say so)."""
    rows = [r for r in _rows("certificate_prices") if r["eur_per_tco2e"].strip()]
    wanted = f"{year}-Q{quarter}"
    for r in rows:
        if r["period"] == wanted:
            return Price(wanted, float(r["eur_per_tco2e"]), r["confirmation"])
    if not rows:
        return None
    latest = rows[-1]
    return Price(latest["period"], float(latest["eur_per_tco2e"]), latest["confirmation"],
                 f"no price published for {wanted}: the latest published ({latest['period']}) is used")


# The last year of the transitional period (Reg. (EU) 2023/956 Art. 32): a file reporting a year up to this one is
# judged against the transitional default values, a later one against the definitive table.
LAST_TRANSITIONAL_YEAR = 2025


def _transitional_key(code: str) -> str:
    """The digits of a transitional line's CN code, before any remark in brackets ("3105 20 (NPK)" -> "310520")."""
    return normalise_cn(code.split("(")[0])


def transitional_default(cn_code: str | None, year: int) -> DefaultValue | None:
    """The transitional default value of the longest line whose code starts `cn_code` (the shipped table is
    PARTIAL: None means 'no line in the partial table', never 'no default value exists')."""
    cn = normalise_cn(cn_code)
    if not cn:
        return None
    best = None
    for r in _rows("default_values_transitional"):
        line = _transitional_key(r["cn_code"])
        if line and cn.startswith(line) and _num(r["total_tco2e_per_t"]) is not None and \
                (best is None or len(line) > len(_transitional_key(best["cn_code"]))):
            best = r
    if best is None:
        return None
    table = manifest()["default_values_transitional"]
    exact = _transitional_key(best["cn_code"]) == cn and "(" not in best["cn_code"]
    flags = [] if exact else ["heading-level line"]
    if "UNCONFIRMED" in best["confirmation"].upper():
        flags.append("unconfirmed")
    return DefaultValue(
        cn_code=cn, country=None, table="transitional (world)", line=best["cn_code"],
        description=best["description"], fallback=None if exact else f"heading-level line {best['cn_code']}",
        direct=_num(best["direct_tco2e_per_t"]), indirect=_num(best["indirect_tco2e_per_t"]),
        total=_num(best["total_tco2e_per_t"]), route=None, year=year, markup_pct=None, total_with_markup=None,
        legal_reference=table.legal_reference, confirmation=best["confirmation"], flags=flags)


def applicable_default(cn_code: str | None, country_iso2: str | None, year: int) -> DefaultValue | None:
    """The default value of the reporting period: the transitional table up to 2025, the definitive one after."""
    if year <= LAST_TRANSITIONAL_YEAR:
        return transitional_default(cn_code, year)
    return default_value(cn_code or "", country_iso2, year) if normalise_cn(cn_code) else None
