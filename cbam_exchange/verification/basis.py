"""Each good's legal basis: SEE direct for goods of Annex II of Reg. (EU) 2023/956 (iron and steel, aluminium,
hydrogen), whose indirect emissions are reported but not counted; SEE total for the others. The basis is looked up in
the packaged CN table (column `indirect_counted_definitive`), falling back on the aggregated goods category of the
good's process; the regime of the reporting period (transitional before 2026) comes from the same rules file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cbam_exchange.calc.results import ProductResult
from cbam_exchange.reference.tables import cn_codes, cn_info
from cbam_exchange.verification.rules import Rule, verification_rules


@dataclass(frozen=True)
class Basis:
    kind: str  # direct, total
    label: str  # "SEE direct" / "SEE total"
    meaning: str
    rule: Rule
    found_by: str  # "CN code 72083900" / "category Crude steel" / "not found"

    @property
    def counts_indirect(self) -> bool:
        return self.kind == "total"

    def value(self, direct: float | None, indirect: float | None, total: float | None = None) -> float | None:
        """The SEE on this basis from its parts (None where a needed part is missing)."""
        if self.kind == "direct":
            return direct
        if total is not None:
            return total
        return None if direct is None or indirect is None else direct + indirect


def _basis(key: str, found_by: str) -> Basis:
    spec = verification_rules()["basis"][key]
    kind = "direct" if key == "direct" else "total"
    return Basis(kind, spec["label"], spec["meaning"], Rule(spec["meaning"], spec["reference"], spec["confirmation"]),
                 found_by)


@cache
def _category_counts_indirect() -> dict[str, bool]:
    out: dict[str, bool] = {}
    for info in cn_codes().values():
        out.setdefault(info.category.strip().casefold(), info.indirect_counted)
    return out


def basis_for(cn_code: str | None, category: str | None = None) -> Basis:
    """The legal basis of a good from its CN code, else from the aggregated goods category of its process."""
    info = cn_info(cn_code) if cn_code else None
    if info is not None:
        return _basis("total" if info.indirect_counted else "direct", f"CN code {info.cn_code} ({info.sector})")
    counted = _category_counts_indirect().get((category or "").strip().casefold())
    if counted is not None:
        return _basis("total" if counted else "direct", f"aggregated goods category {category}")
    return _basis("unknown", "CN code and category not found")


def product_basis(product: ProductResult, category: str | None) -> Basis:
    return basis_for(product.cn_code, category)


@dataclass(frozen=True)
class Regime:
    definitive: bool
    year: int | None
    label: str
    description: str
    reference: str


def regime_for(year: int | None) -> Regime:
    """Transitional before the definitive year (no mark-up, no SEFA, never 'definitive period')."""
    r = verification_rules()["regime"]
    if year is not None and year < int(r["definitive_from_year"]):
        return Regime(False, year, "transitional period", r["transitional"], r["transitional_reference"])
    return Regime(True, year, "definitive period", r["definitive"], r["definitive_reference"])
