"""Which Annex IV conditions apply to a good or an installation (annex-iv.md Part 8, conditional items)."""

from __future__ import annotations

from cbam_exchange.model.submission import Product, PurchasedPrecursor, Submission
from cbam_exchange.reference.tables import cn_codes, cn_info

ELECTRICITY = "electricity (export to eu)"
ON_SITE_SOURCES = ("d.4.1", "d.4.2")  # template EF source codes for electricity generated at the installation


def good_category(submission: Submission, product: Product) -> str | None:
    """The aggregated goods category of a product row: from its CN code, else from its process."""
    info = cn_info(product.cn_code)
    if info is not None:
        return info.category.strip()
    process = next((p for p in submission.processes if p.name and product.process
                    and p.name.strip() == product.process.strip()), None)
    return process.category.strip() if process and process.category else None


def is_electricity(submission: Submission, product: Product) -> bool:
    return (good_category(submission, product) or "").casefold() == ELECTRICITY


def counts_indirect(submission: Submission, product: Product) -> bool | None:
    """True for a non-Annex-II good (indirect emissions counted in the definitive period); None where unknown."""
    info = cn_info(product.cn_code)
    if info is not None:
        return info.indirect_counted
    category = (good_category(submission, product) or "").casefold()
    flags = {i.indirect_counted for i in cn_codes().values() if i.category.strip().casefold() == category}
    return flags.pop() if len(flags) == 1 else None


def precursor_values(precursor: PurchasedPrecursor) -> str | None:
    """'default' or 'actual' from the template's SEE source (E_PurchPrec M49), where it says."""
    source = (precursor.see_direct_source or "").strip().casefold()
    return {"default": "default", "measured": "actual"}.get(source)


def has_on_site_electricity(submission: Submission) -> bool:
    return any((p.electricity_ef_source or "").strip().casefold().startswith(ON_SITE_SOURCES)
               for p in submission.processes)


def heat_crosses(submission: Submission) -> bool:
    return any((p.heat_imported or 0) > 0 or (p.heat_exported or 0) > 0 for p in submission.processes)


def waste_gas_crosses(submission: Submission) -> bool:
    return any((p.waste_gas_imported or 0) > 0 or (p.waste_gas_exported or 0) > 0 for p in submission.processes)
