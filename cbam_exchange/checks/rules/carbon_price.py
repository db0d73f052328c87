"""CP: carbon price due or paid in the country of production (Reg. 2023/956 Art. 9; methodology 10.9)."""

from __future__ import annotations

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext

_PRICED = {"products[0].carbon_price_type": "Carbon Tax", "products[0].currency": "TRY",
           "carbon_price_instrument": "Carbon tax under national law (payment receipts kept)"}
# EUR per t CO2 above which a carbon price is unusual (well above the EU ETS); only checked for EUR amounts.
PLAUSIBLE_EUR_PER_TCO2 = 150.0


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


@rule("CP-002", "price-without-evidence", "warning",
      "Product row {row}: a carbon price of {value} per t is claimed {missing}.",
      rationale="A carbon price paid can be deducted only if the instrument is named and payment is evidenced "
                "(proof of payment certified by an independent person).",
      remedy="Name the type of instrument (Summary_Products AL) and the instrument itself (Summary_Processes M13), "
             "and keep the proof of payment.",
      reference="Reg. (EU) 2023/956 Art. 9(2); methodology 10.9 C6",
      bad=Example({"products[0].carbon_price_due": 10}, "products[0].carbon_price_due", "Summary_Products!AR10"),
      good=Example({**_PRICED, "products[0].carbon_price_due": 10}))
def price_evidence(ctx: CheckContext) -> None:
    instrument = (ctx.submission.carbon_price_instrument or "").strip()
    for k, p in enumerate(ctx.submission.products):
        if not p.carbon_price_due:
            continue
        kind = (p.carbon_price_type or "").strip()
        missing = []
        if not kind or kind.casefold() == "none":
            missing.append("without a type of instrument")
        if not instrument:
            missing.append("without naming the instrument")
        if not p.currency:
            missing.append("without a currency")
        if missing:
            ctx.report(f"products[{k}].carbon_price_due", value=p.carbon_price_due, row=p.row,
                       missing=" and ".join(missing))


@rule("CP-003", "price-implausibly-high", "warning",
      "Product row {row}: {value} EUR per t of product over SEE {see:.3f} means {per_t:.0f} EUR per t CO2e, above "
      "{expected} EUR.",
      rationale="Few carbon prices in the world exceed the EU ETS price; a higher figure is usually per tonne of "
                "CO2 entered where the template asks per tonne of product, or a currency slip.",
      remedy="Enter the carbon price due per tonne of product (Summary_Products AR), in the stated currency.",
      reference="Methodology 10.9 C2 (threshold is a plausibility choice, not a legal value)",
      bad=Example({**_PRICED, "products[0].currency": "EUR", "products[0].carbon_price_due": 400},
                  "products[0].carbon_price_due", "Summary_Products!AR10"),
      good=Example({**_PRICED, "products[0].currency": "EUR", "products[0].carbon_price_due": 40}))
def price_high(ctx: CheckContext) -> None:
    for k, p in enumerate(ctx.submission.products):
        result = ctx.result.products[k]
        see = result.see_total if result.see_total is not None else result.see_direct
        if (p.currency or "").strip().upper() != "EUR" or not p.carbon_price_due or not see or see <= 0:
            continue
        per_t = p.carbon_price_due / see
        if per_t > PLAUSIBLE_EUR_PER_TCO2:
            ctx.report(f"products[{k}].carbon_price_due", value=p.carbon_price_due,
                       expected=PLAUSIBLE_EUR_PER_TCO2, row=p.row, see=see, per_t=per_t)
