"""DP: definitive-period completeness. Each Annex IV (IR 2025/2547) element the Commission's template has no cell for
and that applies to the submission, reported where it is missing, with its item numbers. Run for reporting periods
from 2026 (and wherever a file carries definitive-period data). Severity follows annex-iv.md Part 4 (our reading):
what the declarant needs is an error, verifier context a warning."""

from __future__ import annotations

from cbam_exchange.annex_iv.elements import Element, applies, elements
from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext

_MESSAGE = "Annex IV {items}: {label} is not provided; the template has no cell for it (add it in the supplement)."
_REMEDY = "Run `cbam supplement init FILE -o S.yaml`, fill in the item and pass `--supplement S.yaml`."


def _missing(ctx: CheckContext, group: str) -> list[Element]:
    if not applies(ctx.submission, ctx.year):
        return []
    if "annex_iv_elements" not in ctx.cache:
        ctx.cache["annex_iv_elements"] = elements(ctx.submission)
    return [e for e in ctx.cache["annex_iv_elements"] if e.group == group and e.missing]


def _report(ctx: CheckContext, group: str) -> None:
    for e in _missing(ctx, group):
        ctx.report(e.path, items=e.items, label=e.label, details={"annex_iv_items": e.items, "need": e.need})


@rule("DP-001", "operator-and-registry-id", "error", _MESSAGE,
      rationale="The declarant identifies the producer by operator and CBAM Registry installation identifier "
                "(summary report §1.2 (1), (2)(b)); actual values cannot be used without them.",
      remedy=_REMEDY, reference="IR (EU) 2025/2547 Annex IV §1.1 1(a)-(d), §1.2 (1), (2)(b)",
      bad=Example({"definitive.registry_installation_id": None}, "definitive.registry_installation_id"),
      good=Example({}))
def operator_and_registry(ctx: CheckContext) -> None:
    _report(ctx, "identity")


@rule("DP-002", "free-allocation-per-good", "error", _MESSAGE,
      rationale="The declarant deducts the free allocation of each good (SEFA) when counting certificates; the "
                "summary report must state it and confirm the CBAM benchmarks used.",
      remedy=_REMEDY + " Without a stated SEFA `cbam annex-iv` shows the value computed from IR 2025/2620, marked "
                       "as computed.",
      reference="IR (EU) 2025/2547 Annex IV §1.2 (4)(e)-(f); IR (EU) 2025/2620",
      bad=Example({"definitive.goods[0].benchmarks_confirmed": None}, "definitive.goods[0].benchmarks_confirmed"),
      good=Example({}))
def free_allocation(ctx: CheckContext) -> None:
    _report(ctx, "sefa")


@rule("DP-003", "default-value-shares", "error", _MESSAGE,
      rationale="The share of embedded emissions based on default values, and for non-Annex-II goods the split of "
                "indirect emissions between actual and default values with the pt 6 confirmation, decide which "
                "figures the declarant may use.",
      remedy=_REMEDY, reference="IR (EU) 2025/2547 Annex IV §1.1 15(d)-(e), §1.2 (4)(b)-(c)",
      bad=Example({"definitive.goods[0].default_share": None}, "definitive.goods[0].default_share"),
      good=Example({}))
def default_value_shares(ctx: CheckContext) -> None:
    _report(ctx, "shares")


@rule("DP-004", "imported-electricity", "error", _MESSAGE,
      rationale="Electricity imported on actual emissions needs the Annex IV pt 5 confirmations and one addendum "
                "per authorised declarant (EORI, MWh).",
      remedy=_REMEDY, reference="IR (EU) 2025/2547 Annex IV §1.1 15(f), §1.1.1, §1.2 (4)(d)",
      bad=Example({"products[0].cn_code": "27160000"}, "definitive.goods[0].electricity_import.pt5b_confirmed"),
      good=Example({}))
def imported_electricity(ctx: CheckContext) -> None:
    _report(ctx, "electricity")


@rule("DP-005", "precursor-origin", "warning", _MESSAGE,
      rationale="The verifier traces each purchased precursor: CN code, default or actual values, and for actual "
                "values the reporting period, year of use and the producing operator and installation.",
      remedy=_REMEDY, reference="IR (EU) 2025/2547 Annex IV §1.1 22-25, 28, §1.2 (12)-(16)",
      bad=Example({"definitive.precursors[0].origin.operator": None}, "definitive.precursors[0].origin.operator"),
      good=Example({}))
def precursor_origin(ctx: CheckContext) -> None:
    _report(ctx, "precursors")


@rule("DP-006", "installation-context", "warning", _MESSAGE,
      rationale="The operator's report describes what the template does not: non-CBAM processes and goods, "
                "zero-rated fuels, electricity sources, CO2 capture and transfer, counterparts of heat and waste "
                "gases, data gaps.",
      remedy=_REMEDY, reference="IR (EU) 2025/2547 Annex IV §1.1 2-6, 8, 14, 16, 31, 34, §1.2 (7)-(11)",
      bad=Example({"definitive.co2.capture_used": None}, "definitive.co2.capture_used"),
      good=Example({}))
def installation_context(ctx: CheckContext) -> None:
    _report(ctx, "context")
