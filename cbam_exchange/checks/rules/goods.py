"""PH and ID (continued): what a good's own figures say about it: the share of indirect emissions, the nitrogen
content of a fertiliser against its CN code, and the English name the template asks for."""

from __future__ import annotations

import unicodedata

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, by_key, finite
from cbam_exchange.checks.rules.physics import process_of
from cbam_exchange.reference import plausibility
from cbam_exchange.reference.tables import normalise_cn


@rule("PH-016", "indirect-share", "warning",
      "Product row {row} ({category}): indirect emissions are {share:.0%} of the SEE, outside {band}.",
      rationale="The share of indirect emissions is characteristic of a sector (a few per cent for cement and "
                "ammonia, most of primary aluminium on a coal grid); far outside, the electricity amount, its unit "
                "or its factor is wrong.",
      remedy="Check the electricity consumed (D_Processes (j), MWh) and its emission factor (tCO2/MWh).",
      reference="Methodology 10.6 G3 (bands UNCONFIRMED)",
      bad=Example({"processes[1].electricity_consumed": 1200000}, "products[0].cn_code", "Summary_Products!F10",
                  base="cement-clinker-two-cements"),
      good=Example({}, base="cement-clinker-two-cements"))
def indirect_share(ctx: CheckContext) -> None:
    bands = plausibility()["indirect_share"]
    for k, product in enumerate(ctx.result.products):
        process = process_of(ctx, product.row)
        band = by_key(bands, process.category) if process else None
        if not isinstance(band, list) or not finite(product.see_indirect) or not finite(product.see_total) \
                or product.see_total <= 0:
            continue
        share = product.see_indirect / product.see_total
        if not band[0] <= share <= band[1]:
            ctx.report(f"products[{k}].cn_code", value=share, expected=f"{band[0]:.0%}-{band[1]:.0%}",
                       row=product.row, category=process.category, share=share,  # type: ignore[union-attr]
                       band=f"{band[0]:.0%}-{band[1]:.0%}")


@rule("PH-017", "fertiliser-n-content", "warning",
      "Product row {row} ({cn}): a nitrogen content of {value} % does not fit the good of this CN code "
      "({expected} %).",
      rationale="The CN code of a nitrogen fertiliser fixes its type (urea 46 %, ammonium nitrate about 34 %, CAN "
                "up to 28 %); a content outside the type's range means a wrong CN code or a wrong parameter, and "
                "the default value and benchmark follow the code.",
      remedy="Check the CN code (Summary_Products F) and the nitrogen content (qualifying parameters).",
      reference="Combined Nomenclature chapter 31; methodology 10.5 M10 (ranges UNCONFIRMED)",
      bad=Example({"products[2].parameters.n_percent": 34.0}, "products[2].parameters.n_percent",
                  "Summary_Products!AG12", base="fertiliser-chain"),
      good=Example({}, base="fertiliser-chain"))
def fertiliser_n(ctx: CheckContext) -> None:
    table = plausibility()["fertiliser_n"]
    for k, product in enumerate(ctx.submission.products):
        value = product.parameters.n_percent
        cn = normalise_cn(product.cn_code)
        band = next((b for heading, b in table.items() if isinstance(b, list) and cn.startswith(heading)), None)
        if band and finite(value) and not band[0] <= value <= band[1]:
            ctx.report(f"products[{k}].parameters.n_percent", value=value, expected=f"{band[0]}-{band[1]}",
                       row=product.row, cn=product.cn_code)


def _latin(text: str) -> bool:
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") for ch in text)


@rule("ID-017", "english-name-not-latin", "warning",
      "The installation's English name '{value}' is written in another script.",
      rationale="The template asks for the installation's name in English (A_InstData I20) beside the local name "
                "(I19); the importer and the verifier match installations by it, and reports are in English.",
      remedy="Enter the English (Latin-script) name in A_InstData I20 and keep the local name in I19.",
      reference="Template 2.1.1 A_InstData I20; IR (EU) 2025/2547 Art. 10(4) (English); methodology 10.1 S10",
      bad=Example({"installation.name": "İskenderun Демир Челик"}, "installation.name", "A_InstData!I20"),
      good=Example({}))
def english_name(ctx: CheckContext) -> None:
    name = ctx.submission.installation.name
    if name and not _latin(name):
        ctx.report("installation.name", value=name)
