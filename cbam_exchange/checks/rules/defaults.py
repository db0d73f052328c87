"""DV: default values used or needed: the official default for the code, country and year of the reporting period,
and a finding (never silence) where no default can be resolved."""

from __future__ import annotations

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, by_key, finite, key
from cbam_exchange.checks.rules.units import effects_of, summary_of
from cbam_exchange.model.submission import PurchasedPrecursor
from cbam_exchange.reference import plausibility
from cbam_exchange.reference.tables import (LAST_TRANSITIONAL_YEAR, DefaultValue, applicable_default,
                                            transitional_default)


def precursor_cn(ctx: CheckContext, pp: PurchasedPrecursor) -> tuple[str | None, str]:
    """The precursor's CN code (from the definitive-period data) or its category's representative code."""
    definitive = getattr(ctx.submission, "definitive", None)
    for entry in getattr(definitive, "precursors", None) or []:
        if entry.precursor_id == pp.id and entry.cn_code:
            return entry.cn_code, "its CN code"
    code = by_key(plausibility()["precursor_default_cn"], pp.category)
    return (code, f"the representative code of {pp.category}") if code else (None, "")


def precursor_default(ctx: CheckContext, pp: PurchasedPrecursor) -> DefaultValue | None:
    cn, _ = precursor_cn(ctx, pp)
    return applicable_default(cn, pp.country_code, ctx.year) if cn else None


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= max(plausibility()["default_match"]["absolute"], abs(b) * 0.005)


@rule("DV-001", "precursor-default-not-official", "error",
      "{precursor}: the 'default' SEE direct {value} is not the official default {expected} for {cn} ({how}) from "
      "{country} in {year}{transitional}. With the official value: {effect}.",
      rationale="A precursor valued by default must carry the Commission's default for its CN code, country of "
                "origin and the year of the reporting period; a value from another table (a transitional default in "
                "a definitive-period file) or another country misstates every good made from it.",
      remedy="Enter the default value of the applicable table (E_PurchPrec (d)), or the producer's verified actual "
             "value with its evidence.",
      reference="IR (EU) 2025/2621 Annex I as replaced by IR (EU) 2026/1740; IR (EU) 2025/2547 Annex II A.1(5); "
                "methodology 10.8 D3",
      bad=Example({"purchased_precursors[0].see_direct_source": "Default", "purchased_precursors[0].see_direct": 0.83,
                   "purchased_precursors[0].country_code": "TR"},
                  "purchased_precursors[0].see_direct", "E_PurchPrec!L49", base="cement-clinker-two-cements"),
      good=Example({}, base="cement-clinker-two-cements"))
def precursor_default_official(ctx: CheckContext) -> None:
    for k, pp in enumerate(ctx.submission.purchased_precursors):
        if key(pp.see_direct_source) != "default" or not finite(pp.see_direct):
            continue
        cn, how = precursor_cn(ctx, pp)
        official = precursor_default(ctx, pp)
        if official is None or official.direct is None or _same(pp.see_direct, official.direct):
            continue
        transitional = ""
        old = transitional_default(cn, ctx.year) if ctx.year > LAST_TRANSITIONAL_YEAR else None
        if old is not None and old.direct is not None and _same(pp.see_direct, old.direct):
            transitional = " (it is the transitional default, which no longer applies)"
        path = f"purchased_precursors[{k}].see_direct"
        effects = effects_of(ctx, path, official.direct)
        ctx.report(path, value=pp.see_direct, expected=official.direct, precursor=pp.name or pp.id, cn=cn, how=how,
                   country=pp.country_code or "an unstated country", year=ctx.year, transitional=transitional,
                   effect=summary_of(effects), details={"default_value": official.__dict__, "effects": effects})


@rule("DV-002", "product-default-unresolved", "info",
      "Product row {row} ({value}): no default value could be resolved for {country} in {year}: {why}.",
      rationale="Comparing actual data with the default value, and falling back to it, needs the default; where "
                "the table has no line for the code, the toolkit says so rather than staying silent.",
      remedy="Check the CN code; for a transitional-period file, look the value up in the Commission's "
             "transitional default-value document.",
      reference="IR (EU) 2025/2621 Annex I (definitive); transitional default values of 22.12.2023 (PARTIAL in "
                "this toolkit)",
      bad=Example({"products[0].cn_code": "72085120", "reporting_period.start": "2024-01-01",
                   "reporting_period.end": "2024-12-31"}, "products[0].cn_code", "Summary_Products!F10"),
      good=Example({}))
def product_default_unresolved(ctx: CheckContext) -> None:
    country = ctx.submission.installation.country_code
    for k, product in enumerate(ctx.submission.products):
        if not product.cn_code or applicable_default(product.cn_code, country, ctx.year) is not None:
            continue
        why = ("the transitional table shipped is PARTIAL and has no line for it"
               if ctx.year <= LAST_TRANSITIONAL_YEAR else "the definitive table has no line for it, nor a fallback")
        ctx.report(f"products[{k}].cn_code", value=product.cn_code, row=product.row,
                   country=country or "an unstated country", year=ctx.year, why=why)


@rule("DV-003", "precursor-default-unresolved", "info",
      "{precursor} ({category}, {country}): its default value cannot be resolved for {year}: {why}.",
      rationale="A precursor valued by default is checked against the official value of its CN code; without a "
                "code (or a table line) that check cannot be made, and the toolkit says so.",
      remedy="Give the precursor's CN code in the definitive-period data, or check the value by hand.",
      reference="IR (EU) 2025/2621 Annex I; IR (EU) 2025/2547 Annex IV item 22(a)",
      bad=Example({"purchased_precursors[0].see_direct_source": "Default", "definitive.precursors[0].cn_code": None},
                  "purchased_precursors[0].see_direct",
                  "E_PurchPrec!L49"),
      good=Example({"purchased_precursors[0].see_direct_source": "Default", "purchased_precursors[0].see_direct": 0.83,
                    "purchased_precursors[0].country_code": "TR"}, base="cement-clinker-two-cements"))
def precursor_default_unresolved(ctx: CheckContext) -> None:
    for k, pp in enumerate(ctx.submission.purchased_precursors):
        if key(pp.see_direct_source) != "default":
            continue
        cn, _ = precursor_cn(ctx, pp)
        if cn and precursor_default(ctx, pp) is not None:
            continue
        why = ("no CN code is given and its category has no single default" if not cn
               else f"no line for {cn} in the {'transitional (PARTIAL)' if ctx.year <= LAST_TRANSITIONAL_YEAR else 'definitive'} table")
        ctx.report(f"purchased_precursors[{k}].see_direct", value=pp.see_direct, precursor=pp.name or pp.id,
                   category=pp.category, country=pp.country_code or "country not stated", year=ctx.year, why=why)
