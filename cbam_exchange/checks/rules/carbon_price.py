"""CP: carbon price due or paid in the country of production (Reg. 2023/956 Art. 9; methodology 10.9)."""

from __future__ import annotations

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, finite, key
from cbam_exchange.reference import plausibility
from cbam_exchange.reference.country_data import fx_rate

_PRICED = {"products[0].carbon_price_type": "Carbon Tax", "products[0].currency": "TRY",
           "products[0].carbon_price_share": 100,
           "carbon_price_instrument": "Carbon tax under national law (payment receipts kept)"}


@rule("CP-001", "rebate-above-price", "error",
      "Product row {row}: the rebate {value} exceeds the carbon price due {expected} ({currency}).",
      rationale="A rebate, free allocation or compensation can at most cancel the price due; the effective price "
                "cannot be negative.",
      remedy="Check the carbon price due and the rebate per tonne of product (Summary_Products AR and AX).",
      reference="Reg. (EU) 2023/956 Art. 9; methodology 10.9 C1",
      bad=Example({**_PRICED, "products[0].carbon_price_due": 10, "products[0].rebate": 15}, "products[0].rebate",
                  "Summary_Products!AX10"),
      good=Example({**_PRICED, "products[0].carbon_price_due": 10, "products[0].rebate": 5}))
def rebate(ctx: CheckContext) -> None:
    for k, p in enumerate(ctx.submission.products):
        if p.rebate is not None and p.carbon_price_due is not None and p.rebate > p.carbon_price_due:
            ctx.report(f"products[{k}].rebate", value=p.rebate, expected=p.carbon_price_due, row=p.row,
                       currency=p.currency or "currency not stated")


def named(text: str | None) -> bool:
    """True where a text names something: blank, 'None', 'n/a' and the like name nothing."""
    return key(text) not in plausibility()["not_named"]["words"]


def named(text: str | None) -> bool:
    """True where a text names something: blank, 'None', 'n/a' and the like name nothing."""
    return key(text) not in plausibility()["not_named"]["words"]


@rule("CP-002", "price-without-evidence", "warning",
      "Product row {row}: a carbon price of {value} per t is claimed {missing}.",
      rationale="A carbon price paid can be deducted only if the type of instrument, the share of emissions it "
                "covers and the currency are stated and payment is evidenced (proof of payment certified by an "
                "independent person). 'None' or 'n/a' name nothing.",
      remedy="State the type of instrument (Summary_Products AL), the share covered (AM) and the currency (AQ), and "
             "keep the proof of payment.",
      reference="Reg. (EU) 2023/956 Art. 9(2); methodology 10.9 C3 and C6",
      bad=Example({**_PRICED, "products[0].carbon_price_type": "None", "products[0].carbon_price_due": 10},
                  "products[0].carbon_price_due", "Summary_Products!AR10"),
      good=Example({**_PRICED, "products[0].carbon_price_due": 10}))
def price_evidence(ctx: CheckContext) -> None:
    for k, p in enumerate(ctx.submission.products):
        if not finite(p.carbon_price_due) or not p.carbon_price_due:
            continue
        missing = []
        if not named(p.carbon_price_type):
            missing.append("without a type of instrument")
        if p.carbon_price_share is None:
            missing.append("without the share of emissions covered")
        if not named(p.currency):
            missing.append("without a currency")
        if missing:
            ctx.report(f"products[{k}].carbon_price_due", value=p.carbon_price_due, row=p.row,
                       missing=", ".join(missing))


@rule("CP-004", "price-with-instrument-none", "info",
      "A carbon price is claimed for {count} product row(s) while the carbon price instrument is given as "
      "{value!r}.",
      rationale="The instrument under which the price was paid must be described with its legal act; 'None' names "
                "nothing. Where the price was paid upstream for a purchased precursor, the installation may have "
                "no instrument of its own, so this is information for the verifier to clear, not an error.",
      remedy="Describe the instrument and its legal act in Summary_Processes M13, or explain that the price was "
             "paid for a precursor.",
      reference="Reg. (EU) 2023/956 Art. 9; IR (EU) 2025/2547 Annex IV item 16; methodology 10.9 C6",
      bad=Example({**_PRICED, "carbon_price_instrument": "None", "products[0].carbon_price_due": 10},
                  "carbon_price_instrument", "Summary_Processes!M13"),
      good=Example({**_PRICED, "products[0].carbon_price_due": 10}))
def price_instrument_none(ctx: CheckContext) -> None:
    rows = [p for p in ctx.submission.products if finite(p.carbon_price_due) and p.carbon_price_due]
    if rows and not named(ctx.submission.carbon_price_instrument):
        ctx.report("carbon_price_instrument", value=ctx.submission.carbon_price_instrument or "",
                   count=len(rows))


@rule("CP-003", "price-implausibly-high", "warning",
      "Product row {row}: {value} {currency} per t of product over SEE {see:.3f} is {per_t:,.0f} EUR per t CO2e "
      "(ECB {fx_year} average {rate:g} {currency}/EUR), above {expected} EUR, more than any carbon price in force.",
      rationale="No carbon price in the world exceeds about 200 EUR per t CO2e; a higher figure is per tonne of CO2 "
                "entered where the template asks per tonne of product, a currency slip or a price in cents.",
      remedy="Enter the carbon price due per tonne of product (Summary_Products AR) in the stated currency (AQ).",
      reference="Reg. (EU) 2023/956 Art. 9; methodology 10.9 C2 and C4 (ECB annual average rates; ceiling a "
                "plausibility choice, UNCONFIRMED)",
      bad=Example({**_PRICED, "products[0].carbon_price_due": 20000},
                  "products[0].carbon_price_due", "Summary_Products!AR10"),
      good=Example({**_PRICED, "products[0].carbon_price_due": 400}))
def price_high(ctx: CheckContext) -> None:
    ceiling = plausibility()["carbon_price"]["max_eur_per_tco2e"]
    for k, p in enumerate(ctx.submission.products):
        result = ctx.result.products[k]
        see = result.see_total if finite(result.see_total) else result.see_direct
        rate = fx_rate(p.currency, ctx.year)
        if rate is None or not finite(p.carbon_price_due) or not p.carbon_price_due or not finite(see) or see <= 0:
            continue
        per_t = p.carbon_price_due / rate.units_per_eur / see
        if per_t > ceiling:
            ctx.report(f"products[{k}].carbon_price_due", value=p.carbon_price_due, expected=ceiling, row=p.row,
                       see=see, per_t=per_t, currency=rate.currency, rate=rate.units_per_eur, fx_year=rate.year,
                       details={"fx_note": rate.note})


@rule("CP-005", "rebate-without-type", "warning",
      "Product row {row}: a rebate of {value} per t is claimed without the type of rebate.",
      rationale="A rebate, free allocation or compensation reduces the carbon price that can be deducted; its "
                "type decides how it is netted and what evidence the verifier needs.",
      remedy="Choose the type of rebate (Summary_Products AT) and keep the evidence of the rebate.",
      reference="Reg. (EU) 2023/956 Art. 9(1); methodology 10.9 C1",
      bad=Example({**_PRICED, "products[0].carbon_price_due": 10, "products[0].rebate": 2},
                  "products[0].rebate", "Summary_Products!AX10"),
      good=Example({**_PRICED, "products[0].carbon_price_due": 10, "products[0].rebate": 2,
                    "products[0].rebate_type": "Free allocation"}))
def rebate_without_type(ctx: CheckContext) -> None:
    for k, p in enumerate(ctx.submission.products):
        if finite(p.rebate) and p.rebate and not named(p.rebate_type):
            ctx.report(f"products[{k}].rebate", value=p.rebate, row=p.row)


def _default_share(ctx: CheckContext, row: int) -> float | None:
    definitive = getattr(ctx.submission, "definitive", None)
    for good in getattr(definitive, "goods", None) or []:
        if good.product_row == row and finite(good.default_share):
            return good.default_share
    return None


@rule("CP-006", "own-price-with-default-values", "warning",
      "Product row {row}: {value} % of its embedded emissions are default values, yet a carbon price of {price} "
      "per t is claimed; with default values only the Commission's default carbon price can be deducted.",
      rationale="A carbon price paid relates to the installation's actual emissions; where the embedded emissions "
                "are entirely default values, the deduction is the default carbon price the Commission publishes.",
      remedy="Claim the default carbon price, or report the embedded emissions on actual values.",
      reference="Reg. (EU) 2023/956 Art. 9 as amended by Reg. (EU) 2025/2083; methodology 10.9 C5 (UNCONFIRMED)",
      bad=Example({**_PRICED, "products[0].carbon_price_due": 10, "format_version": "1.1",
                   "definitive": {"goods": [{"product_row": 1, "default_share": 100}]}},
                  "products[0].carbon_price_due"),
      good=Example({**_PRICED, "products[0].carbon_price_due": 10}))
def own_price_with_defaults(ctx: CheckContext) -> None:
    for k, p in enumerate(ctx.submission.products):
        share = _default_share(ctx, p.row)
        if share is not None and share >= 100 and finite(p.carbon_price_due) and p.carbon_price_due:
            ctx.report(f"products[{k}].carbon_price_due", value=share, row=p.row, price=p.carbon_price_due)
