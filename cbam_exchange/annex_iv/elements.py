"""The Annex IV elements the Commission's template has no cell for, as they apply to one submission.

One list serves three uses: `cbam supplement init` writes exactly these elements, the DP rules report each one that
is missing, and the report marks them "not provided". Need follows annex-iv.md Part 4 (our reading, [U]): D = the
declarant needs it (missing is an error), V = verifier context (missing is a warning). Items only in §1.1 are V.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from cbam_exchange.annex_iv import scope
from cbam_exchange.model.definitive import DefinitiveGood, DefinitivePeriod, DefinitivePrecursor
from cbam_exchange.model.paths import get_path
from cbam_exchange.model.submission import Submission

FIRST_DEFINITIVE_YEAR = 2026  # Reg. 2023/956 Art 36: the definitive period starts on 1 January 2026


@dataclass(frozen=True)
class Element:
    path: str  # model path, e.g. definitive.goods[0].sefa
    items: str  # Annex IV item numbers, e.g. "§1.1 1(d); §1.2 (2)(b)"
    need: str  # D or V
    group: str  # identity, sefa, shares, electricity, precursors, context
    label: str
    value: Any  # None: not provided
    prefill: Any = None  # a suggestion read from the template, for the supplement
    hint: str = ""
    from_template: bool = False  # the template already holds it (the supplement need not)

    @property
    def missing(self) -> bool:
        return self.value is None


def _good_index(d: DefinitivePeriod, row: int, position: int) -> int:
    return next((k for k, g in enumerate(d.goods) if g.product_row == row), len(d.goods) + position)


def _precursor_index(d: DefinitivePeriod, pid: str, position: int) -> int:
    return next((k for k, p in enumerate(d.precursors) if p.precursor_id == pid), len(d.precursors) + position)


def good_entry(d: DefinitivePeriod | None, row: int) -> DefinitiveGood | None:
    return next((g for g in (d.goods if d else []) if g.product_row == row), None)


def precursor_entry(d: DefinitivePeriod | None, pid: str) -> DefinitivePrecursor | None:
    return next((p for p in (d.precursors if d else []) if p.precursor_id == pid), None)


def applies(submission: Submission, year: int) -> bool:
    """The definitive-period elements are due for reporting periods from 2026, or wherever a file carries them."""
    return year >= FIRST_DEFINITIVE_YEAR or submission.definitive is not None


def _installation(s: Submission, d: DefinitivePeriod) -> list[Element]:
    def el(path: str, items: str, need: str, group: str, label: str, hint: str = "") -> Element:
        return Element(f"definitive.{path}", items, need, group, label, get_path(d, path), hint=hint)

    out = [
        el("operator.name", "§1.1 1(a); §1.2 (1)(a)", "D", "identity", "operator's name"),
        el("operator.registration_number", "§1.1 1(b); §1.2 (1)(b)", "D", "identity",
           "operator's company or activity registration number"),
        el("operator.address.street", "§1.1 1(c); §1.2 (1)(c)", "D", "identity", "operator's address: street"),
        el("operator.address.city", "§1.1 1(c); §1.2 (1)(c)", "D", "identity", "operator's address: city"),
        el("operator.address.country_code", "§1.1 1(c); §1.2 (1)(c)", "D", "identity",
           "operator's address: country (ISO code)"),
        el("registry_installation_id", "§1.1 1(d); §1.2 (2)(b)", "D", "identity",
           "installation's unique identifier in the CBAM Registry"),
        el("new_installation", "§1.1 8", "V", "context", "new installation (true/false)"),
        el("non_cbam_processes", "§1.1 2(b)", "V", "context", "non-CBAM production processes ([] for none)"),
        el("non_cbam_goods", "§1.1 14", "V", "context", "non-CBAM goods per process ([] for none)"),
        el("zero_rated_fuels.used", "§1.1 2(g); §1.2 (8)", "V", "context", "zero-rated fuels used (true/false)"),
        el("electricity_sources", "§1.1 3, 11, 12", "V", "context",
           "electricity sources with MWh, country, emission factor and supplier"),
        el("co2.capture_used", "§1.2 (10)", "V", "context", "CO2 capture used (true/false)"),
        el("co2.transfer_used", "§1.1 6, 16(d)", "V", "context", "CO2 transferred to or received from others"),
        el("data_gaps", "§1.1 16(e)", "V", "context", "data gaps and estimates ('none' if there were none)"),
    ]
    if d.new_installation:
        out.append(el("monitoring_months", "§1.1 8", "V", "context", "months of monitoring used"))
    if d.zero_rated_fuels.used:
        out.append(el("zero_rated_fuels.evidence", "§1.1 2(g); §1.2 (8)", "V", "context",
                      "how zero rating is demonstrated"))
    if d.co2.capture_used or d.co2.transfer_used:
        out.append(el("co2.transfers", "§1.1 6; §1.2 (10)", "V", "context",
                      "receiving installations or networks, with contact person"))
    if scope.heat_crosses(s):
        out.append(el("heat_counterparts", "§1.1 2(h); §1.2 (7)", "V", "context",
                      "installations measurable heat comes from or goes to"))
    if scope.waste_gas_crosses(s):
        out.append(el("waste_gas_counterparts", "§1.1 5; §1.2 (9)", "V", "context",
                      "installations waste gases come from or go to"))
    if scope.has_on_site_electricity(s):
        out.append(el("on_site_electricity.renewable", "§1.1 4(c); §1.2 (11)(c)", "V", "context",
                      "on-site electricity from renewable (true) or fossil (false) sources"))
    return out


def _goods(s: Submission, d: DefinitivePeriod) -> list[Element]:
    out: list[Element] = []
    declared = {p.row: p for p in (s.declared.products if s.declared else [])}  # its share is only a hint
    electricity_goods = False
    for position, product in enumerate(s.products):
        k = _good_index(d, product.row, position)
        good = good_entry(d, product.row)
        name = f"row {product.row} (CN {product.cn_code or '?'})"

        def el(field: str, items: str, need: str, group: str, label: str, prefill: Any = None, hint: str = "",
               _k: int = k, _good: DefinitiveGood | None = good, _name: str = name) -> Element:
            value = get_path(_good, field) if _good is not None else None
            return Element(f"definitive.goods[{_k}].{field}", items, need, group, f"{_name}: {label}", value,
                           prefill, hint)

        share = el("default_share", "§1.1 15(d); §1.2 (4)(b)", "D", "shares",
                   "share of embedded emissions based on default values, %")
        template_share = declared[product.row].default_share if product.row in declared else None
        if share.value is None and template_share is not None:  # partly: direct precursor defaults only
            share = dataclasses.replace(share, value=template_share, from_template=True)
        out.append(share)
        out.append(el("quantity", "§1.1 31, 34(a)", "V", "context", "quantity produced (functional units)"))
        if scope.is_electricity(s, product):
            electricity_goods = True
            for field, item, label in (("pt5b_confirmed", "(4)(d)-1", "Annex IV pt 5(b) confirmed"),
                                       ("pt5c_confirmed", "(4)(d)-2", "Annex IV pt 5(c) confirmed"),
                                       ("addenda_sent", "§1.1 15(f)-3", "§1.1.1 addenda sent to the verifier")):
                items = f"§1.1 15(f); §1.2 {item}" if item.startswith("(") else item
                out.append(el(f"electricity_import.{field}", items, "D", "electricity", label))
            continue
        out.append(el("sefa", "§1.2 (4)(e)", "D", "sefa", "specific embedded free allocation (SEFA)",
                      hint="if left empty the report shows the value computed from IR 2025/2620, marked as computed"))
        out.append(el("benchmarks_confirmed", "§1.2 (4)(f)", "D", "sefa",
                      "confirmation that the applicable CBAM benchmarks were used"))
        if scope.counts_indirect(s, product):
            out.append(el("indirect_actual_share", "§1.1 15(e); §1.2 (4)(c)", "D", "shares",
                          "share of indirect emissions from actual values, %"))
            out.append(el("indirect_default_share", "§1.1 15(e); §1.2 (4)(c)", "D", "shares",
                          "share of indirect emissions from default values, %"))
            actual = good.indirect_actual_share if good else None
            if actual is None or actual > 0:
                out.append(el("pt6_confirmed", "§1.1 15(e); §1.2 (4)(c)", "D", "shares",
                              "confirmation that Annex IV pt 6 is met (direct link or PPA)"))
    if electricity_goods:
        out.append(Element("definitive.electricity_addenda", "§1.1.1 (1)-(3)", "D", "electricity",
                           "one addendum per authorised declarant (EORI, pt 5 statement, MWh)",
                           d.electricity_addenda or None))
    return out


def _precursors(s: Submission, d: DefinitivePeriod) -> list[Element]:
    out: list[Element] = []
    for position, pp in enumerate(s.purchased_precursors):
        k = _precursor_index(d, pp.id, position)
        entry = precursor_entry(d, pp.id)
        name = f"{pp.id} ({pp.name or pp.category or '?'})"

        def el(field: str, items: str, label: str, prefill: Any = None, _k: int = k,
               _e: DefinitivePrecursor | None = entry, _name: str = name) -> Element:
            value = get_path(_e, field) if _e is not None else None
            from_template = value is None and prefill is not None  # the SEE source (Default / Measured) says it
            return Element(f"definitive.precursors[{_k}].{field}", items, "V", "precursors", f"{_name}: {label}",
                           prefill if from_template else value, prefill, from_template=from_template)

        values = entry.values if entry and entry.values else scope.precursor_values(pp)
        out.append(el("cn_code", "§1.1 22(a), 23(a); §1.2 (12)(a), (13)(a)", "CN code"))
        out.append(el("values", "§1.1 22, 23; §1.2 (12), (13)", "default-valued or actual-valued",
                      scope.precursor_values(pp)))
        if values == "actual":
            out.append(el("period_start", "§1.1 23(d); §1.2 (13)(d)", "start of the precursor's reporting period"))
            out.append(el("period_end", "§1.1 23(d); §1.2 (13)(d)", "end of the precursor's reporting period"))
            out.append(el("period_basis", "§1.1 23(d); §1.2 (13)(d)",
                          "default reporting period or actual time of production"))
            out.append(el("year_of_use", "§1.2 (13)(d)", "year the precursor went into the complex good"))
            out.append(el("origin.operator", "§1.1 28; §1.2 (16)", "operator that produced it"))
            out.append(el("origin.installation", "§1.1 28; §1.2 (16)", "installation that produced it"))
            out.append(el("origin.registry_id", "§1.1 28; §1.2 (16)",
                          "CBAM Registry identifier of that installation, if any"))
    return out


def elements(submission: Submission) -> list[Element]:
    """Every template-absent Annex IV element that applies to this submission, with its current value."""
    d = submission.definitive or DefinitivePeriod()
    return _installation(submission, d) + _goods(submission, d) + _precursors(submission, d)
