"""SC: schema validation of the model's tables with pandera, lazily (every failure at once), each failure mapped
back to its model path and so to its sheet and cell.

The schemas are declared below as data: table -> column -> (type, required, checks). Importing pandas and
pandera costs about a second, more than the rest of a validation, so each table is first screened in plain Python
against the same declarations; pandera runs (and reports every failure, lazily) only for a table the screen cannot
pass. The screen is at least as strict as pandera (a test holds the two together), so a clean table skips pandera
without losing a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext
from cbam_exchange.model.paths import get_path

CATEGORIES = ["cement", "cement clinker", "calcined clays", "aluminous cement", "iron or steel products",
              "crude steel", "direct reduced iron", "pig iron", "alloys (femn, fecr, feni)", "sintered ore",
              "hydrogen", "ammonia", "nitric acid", "urea", "mixed fertilisers", "aluminium products",
              "unwrought aluminium", "electricity (export to eu)"]
METHODS = ["combustion", "process emissions", "mass balance"]
EF_SOURCES = ["d.4(a)", "d.4(b)", "d.4.1", "d.4.2", "d.4.3.1", "d.4.3.2", "mix"]
SEE_SOURCES = ["measured", "default", "unknown"]


@dataclass(frozen=True)
class Col:
    """A column: its type ('number' or 'text'), whether it is required, and its checks as (kind, argument)."""

    type: str
    required: bool = False
    checks: tuple[tuple[str, Any], ...] = ()


NON_NEGATIVE = (("min", 0.0),)
PERCENT = (("min", 0.0), ("max", 100.0))
FRACTION = (("min", 0.0), ("max", 1.0))

# table -> (model path of its rows, columns)
TABLES: dict[str, tuple[str, dict[str, Col]]] = {
    "submission": ("", {
        "reporting_period.start": Col("text", True), "reporting_period.end": Col("text", True),
        "installation.name": Col("text", True), "installation.country_code": Col("text", True, (("match",
                                                                                                r"^[A-Z]{2}$"),)),
        "installation.unlocode": Col("text", True, (("match", r"^[A-Z]{2} ?[A-Z2-9]{3}$"),)),
        "installation.latitude": Col("number", True), "installation.longitude": Col("number", True)}),
    "processes": ("processes", {
        "category": Col("text", True, (("isin", CATEGORIES),)), "name": Col("text", True),
        "produced_for_market": Col("number", False, NON_NEGATIVE),
        "consumed_non_cbam": Col("number", False, NON_NEGATIVE),
        "direct_emissions": Col("number", True, NON_NEGATIVE),
        "heat_imported": Col("number", False, NON_NEGATIVE), "heat_exported": Col("number", False, NON_NEGATIVE),
        "heat_imported_ef": Col("number", False, NON_NEGATIVE),
        "heat_exported_ef": Col("number", False, NON_NEGATIVE),
        "waste_gas_imported": Col("number", False, NON_NEGATIVE),
        "waste_gas_exported": Col("number", False, NON_NEGATIVE),
        "electricity_consumed": Col("number", False, NON_NEGATIVE),
        "electricity_ef": Col("number", False, NON_NEGATIVE),
        "electricity_ef_source": Col("text", False, (("isin", EF_SOURCES),)),
        "electricity_exported": Col("number", False, NON_NEGATIVE)}),
    "production": ("processes[].production", {"amount": Col("number", True, NON_NEGATIVE)}),
    "process_uses": ("processes[].consumed_by", {"amount": Col("number", False, NON_NEGATIVE)}),
    "purchased_precursors": ("purchased_precursors", {
        "category": Col("text", True, (("isin", CATEGORIES),)),
        "country_code": Col("text", True, (("match", r"^[A-Z]{2}$"),)),
        "see_direct": Col("number", False, NON_NEGATIVE),
        "see_direct_source": Col("text", False, (("isin", SEE_SOURCES),)),
        "specific_electricity": Col("number", False, NON_NEGATIVE),
        "electricity_ef": Col("number", False, NON_NEGATIVE),
        "electricity_ef_source": Col("text", False, (("isin", EF_SOURCES),))}),
    "purchased": ("purchased_precursors[].purchased", {"amount": Col("number", True, NON_NEGATIVE)}),
    "source_streams": ("emissions.source_streams", {
        "method": Col("text", True, (("isin", METHODS),)), "name": Col("text", True),
        "activity_data": Col("number", True), "activity_unit": Col("text", True, (("isin", ["t", "1000nm3"]),)),
        "ncv": Col("number", False, (("min", 0.0),)), "ef": Col("number", False, NON_NEGATIVE),
        "ef_unit": Col("text", False, (("isin", ["tco2/tj", "tco2/t", "tco2/1000nm3"]),)),
        "oxidation_factor": Col("number", False, PERCENT), "conversion_factor": Col("number", False, PERCENT),
        "biomass_content": Col("number", False, PERCENT)}),
    "products": ("products", {
        "process": Col("text", True), "cn_code": Col("text", True, (("match", r"^\d{8}$"),)),
        "carbon_price_share": Col("number", False, FRACTION), "rebate_share": Col("number", False, FRACTION),
        "carbon_price_due": Col("number", False, NON_NEGATIVE), "rebate": Col("number", False, NON_NEGATIVE),
        "parameters.clinker_factor": Col("number", False, FRACTION),
        **{f"parameters.{p}_percent": Col("number", False, PERCENT)
           for p in ("mn", "cr", "ni", "other_alloys", "carbon", "other_materials", "pre_consumer_scrap",
                     "non_aluminium", "nitric_acid", "urea", "n", "n_ammonium", "n_nitrate", "n_urea", "n_other")}}),
}

# pandera check kind -> rule code
_RULE_OF = {"required": "SC-001", "min": "SC-002", "max": "SC-002", "isin": "SC-003", "match": "SC-004"}


def _rows(ctx: CheckContext, spec: str) -> list[tuple[str, Any]]:
    """(model path, object) for every row of a table; 'a[].b' walks a list inside each item of list a."""
    s = ctx.submission
    if spec == "":
        return [("", s)]
    if "[]." in spec:
        outer, inner = spec.split("[].")
        return [(f"{outer}[{i}].{inner}[{j}]", obj) for i, item in enumerate(get_path(s, outer) or [])
                for j, obj in enumerate(getattr(item, inner))]
    return [(f"{spec}[{i}]", obj) for i, obj in enumerate(get_path(s, spec) or [])]


def _value(obj: Any, column: str, col: Col) -> Any:
    """The cell's value as the schema sees it: list values compared without case and outer spaces."""
    value = get_path(obj, column)
    if value is None or col.type != "text":
        return value
    text = str(value).strip()
    if not text:
        return None
    return text.casefold() if any(kind == "isin" for kind, _ in col.checks) else text


def passes_screen(values: dict[str, list[Any]], columns: dict[str, Col]) -> bool:
    """True where no value of the table can fail its declared checks (then pandera need not run)."""
    for name, col in columns.items():
        for value in values[name]:
            if value is None:
                if col.required:
                    return False
                continue
            for kind, arg in col.checks:
                if kind == "min" and not value >= arg or kind == "max" and not value <= arg:
                    return False
                if kind == "isin" and value not in arg:
                    return False
                if kind == "match" and (not isinstance(value, str) or re.match(arg, value) is None):
                    return False
    return True


def _schema_failures(ctx: CheckContext) -> list[tuple[str, str, str, Any]]:
    """(rule, model path, what was expected, value) for every failure of every table."""
    failures = []
    for table, (spec, columns) in TABLES.items():
        rows = _rows(ctx, spec)
        if not rows:
            continue
        paths = [p for p, _ in rows]
        values = {name: [_value(obj, name, col) for _, obj in rows] for name, col in columns.items()}
        if passes_screen(values, columns):
            continue
        import pandas as pd
        import pandera.pandas as pa

        # an optional column nobody filled cannot fail: leave it out (pandera's cost is per column)
        columns = {name: col for name, col in columns.items()
                   if col.required or any(v is not None for v in values[name])}
        frame = pd.DataFrame({name: pd.Series(values[name], dtype=float if col.type == "number" else object)
                              for name, col in columns.items()})
        expected: dict[tuple[str, int], tuple[str, str]] = {}
        schema_columns = {}
        for name, col in columns.items():
            checks = []
            for number, (kind, arg) in enumerate(col.checks):
                if kind == "min":
                    checks.append(pa.Check.ge(arg))
                    expected[(name, number)] = ("min", f">= {arg:g}")
                elif kind == "max":
                    checks.append(pa.Check.le(arg))
                    expected[(name, number)] = ("max", f"<= {arg:g}")
                elif kind == "isin":
                    checks.append(pa.Check.isin(arg))
                    expected[(name, number)] = ("isin", "one of the template's list values")
                elif kind == "match":
                    checks.append(pa.Check.str_matches(arg))
                    expected[(name, number)] = ("match", f"text of the form {arg}")
            dtype = float if col.type == "number" else object
            schema_columns[name] = pa.Column(dtype, checks=checks, nullable=not col.required)
        try:
            pa.DataFrameSchema(schema_columns, name=table).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            for case in exc.failure_cases.to_dict("records"):
                index = case.get("index")
                if index is None or (isinstance(index, float) and index != index):
                    continue
                column = case["column"]
                path = f"{paths[int(index)]}.{column}".lstrip(".")
                if case["check"] == "not_nullable":
                    failures.append(("SC-001", path, "a value", None))
                elif case.get("check_number") is not None and (column, int(case["check_number"])) in expected:
                    kind, text = expected[(column, int(case["check_number"]))]
                    failures.append((_RULE_OF[kind], path, text, get_path(ctx.submission, path)))
    return failures


def _run(ctx: CheckContext, code: str) -> None:
    if "schema" not in ctx.cache:
        ctx.cache["schema"] = _schema_failures(ctx)
    for rule_code, path, expected, value in ctx.cache["schema"]:
        if rule_code == code:
            ctx.report(path, value=value, expected=expected, field=path)


@rule("SC-001", "required-value-missing", "error", "{field}: a required value is not provided.",
      rationale="The communication must carry the installation's identity and, per process and product, what "
                "the declaration needs; a missing value is 'not provided', never 0.",
      remedy="Fill the cell; where the value is truly zero, enter 0.",
      reference="IR (EU) 2025/2547 Annex IV 1.1-1.2; methodology 10.1 S1",
      bad=Example({"installation.unlocode": None}, "installation.unlocode", "A_InstData!I27"), good=Example({}))
def required(ctx: CheckContext) -> None:
    _run(ctx, "SC-001")


@rule("SC-002", "value-out-of-range", "error", "{field}: {value} is outside the allowed range ({expected}).",
      rationale="Amounts, emission factors and percentages have physical limits: a negative production or a "
                "percentage above 100 cannot be right.",
      remedy="Correct the value; percentages are entered as 0-100, shares and clinker factors as 0-1.",
      reference="Methodology 10.2 U6",
      bad=Example({"processes[3].production[0].amount": -4380000}, "processes[3].production[0].amount",
                  "D_Processes!L211"),
      good=Example({}))
def out_of_range(ctx: CheckContext) -> None:
    _run(ctx, "SC-002")


@rule("SC-003", "value-not-allowed", "error", "{field}: '{value}' is not one of the template's values.",
      rationale="Methods, units, categories and sources are chosen from fixed lists; the template's formulas "
                "ignore anything else, so the value drops out of the calculation.",
      remedy="Choose the value from the cell's drop-down list.",
      reference="Template 2.1.1 code lists (Parameters_Constants)",
      bad=Example({"emissions.source_streams[2].method": "Burning"}, "emissions.source_streams[2].method",
                  "B_EmInst!D19"),
      good=Example({}))
def not_allowed(ctx: CheckContext) -> None:
    _run(ctx, "SC-003")


@rule("SC-004", "value-malformed", "error", "{field}: '{value}' is not {expected}.",
      rationale="Codes have a fixed form: ISO country codes two letters, UN/LOCODEs two letters and three "
                "characters, CN codes eight digits.",
      remedy="Enter the code in its standard form, without dots or extra characters.",
      reference="ISO 3166-1; UN/LOCODE; Combined Nomenclature",
      bad=Example({"installation.unlocode": "TR-ISK"}, "installation.unlocode", "A_InstData!I27"), good=Example({}))
def malformed(ctx: CheckContext) -> None:
    _run(ctx, "SC-004")
