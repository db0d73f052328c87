"""§1.2 of Annex IV: the operator's summary emissions report, the part a producer may disclose to an importer.

It is built item by item from this explicit list and nothing else: no sector parameters (§2 reaches only §1.1),
no carbon price, no verifier block, no source streams. The full report (§1.1) reuses these builders for what both
ask, so the two cannot disagree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from cbam_exchange.annex_iv import scope
from cbam_exchange.annex_iv.elements import precursor_entry
from cbam_exchange.annex_iv.items import SILENT, Entry, Item, Section, Sources
from cbam_exchange.model.submission import Product


def _keyed(build: Callable[..., Any]) -> Callable[..., Any]:
    """Mark the entries a per-good builder returns with the good's row and CN code, for machines reading the JSON."""

    @functools.wraps(build)
    def run(src: Sources, product: Product, *args: Any) -> Any:
        result = build(src, product, *args)
        for entry in result if isinstance(result, list) else [result]:
            entry.ref = {"row": product.row, "cn_code": product.cn_code}
        return result

    return run


def good_label(product: Product) -> str:
    return f"row {product.row}, CN {product.cn_code or '?'}" + (f" ({product.name})" if product.name else "")


def _declared_index(src: Sources, row: int) -> int | None:
    declared = src.submission.declared.products if src.submission.declared else []
    return next((k for k, p in enumerate(declared) if p.row == row), None)


def _good_path(src: Sources, row: int, field: str) -> str | None:
    """Path under `definitive` of a good's field, where the good has an entry."""
    d = src.submission.definitive
    k = next((k for k, g in enumerate(d.goods) if g.product_row == row), None) if d else None
    return None if k is None else f"goods[{k}].{field}"


@_keyed
def good_sup(src: Sources, product: Product, field: str, label: str | None = None) -> Entry:
    path = _good_path(src, product.row, field)
    if path is None:
        return Entry(None, None, good_label(product), label)
    return src.sup(path, good_label(product), label)


@_keyed
def see(src: Sources, product: Product, kind: str) -> Entry:
    k = _declared_index(src, product.row)
    computed = next((getattr(p, f"see_{kind}") for p in src.result.products if p.row == product.row), None)
    path = f"declared.products[{k}].see_{kind}" if k is not None else "declared.none"
    entry = src.declared_or_computed(path, computed, "recomputation of the template's inputs (cbam recompute)",
                                     good_label(product), f"SEE {kind}, tCO2e per unit")
    return entry


@_keyed
def default_share(src: Sources, product: Product) -> Entry:
    entry = good_sup(src, product, "default_share", "share based on default values, %")
    if entry.value is not None:
        entry.note = "the act defines no denominator or unit: " + SILENT
        return entry
    k = _declared_index(src, product.row)
    if k is not None and src.submission.declared.products[k].default_share is not None:
        entry = src.tpl(f"declared.products[{k}].default_share", good_label(product), entry.label)
    else:
        shares = src.shares.get(product.row)
        value = shares.default_direct if shares else None
        entry = Entry(value, "computed: SEE direct from purchased precursors on default values, through the chain"
                      if value is not None else None, good_label(product), entry.label,
                      shares.reason if shares and value is None else None)
    entry.note = "direct part only, from purchased precursors on default values (the template's measure); the " \
                 "act defines no denominator or unit: " + SILENT
    return entry


@_keyed
def indirect_shares(src: Sources, product: Product) -> list[Entry]:
    actual = good_sup(src, product, "indirect_actual_share", "share of indirect emissions from actual values, %")
    default = good_sup(src, product, "indirect_default_share", "share of indirect emissions from default values, %")
    shares = src.shares.get(product.row)
    if default.value is None and shares and shares.default_indirect is not None:
        how = "computed: electricity emission-factor sources through the chain (grid factor = default)"
        default = Entry(shares.default_indirect, how, default.subject, default.label)
        if actual.value is None:
            actual = Entry(100.0 - shares.default_indirect, how, actual.subject, actual.label)
    return [actual, default]


@_keyed
def point6(src: Sources, product: Product) -> list[Entry]:
    """The pt 6 confirmation, asked where any indirect emissions rest on actual values (not where the share is 0)."""
    actual = good_sup(src, product, "indirect_actual_share")
    if actual.value == 0:
        return []
    return [good_sup(src, product, "pt6_confirmed", "point 6 confirmed")]


@_keyed
def sefa(src: Sources, product: Product) -> Entry:
    entry = good_sup(src, product, "sefa", "SEFA, tCO2e per unit")
    computed = src.sefa.get(product.row)
    if entry.value is not None or computed is None:
        return entry
    if computed.sefa is None:
        entry.note = computed.reason
        return entry
    used = "; ".join(f"{b.node}: column {b.column} {b.value:g}" for b in computed.benchmarks if b.value is not None)
    return Entry(computed.sefa, f"computed: IR 2025/2620 benchmarks ({used}) x CBAM factor {computed.cbam_factor:g} "
                 f"({src.year}) x CSCF {computed.cscf:g}, through the precursor chain", entry.subject, entry.label,
                 "; ".join(computed.notes) or None)


def _per_good(src: Sources, build: Callable[[Product], list[Entry]], when: Callable[[Product], bool]) -> list[Entry]:
    return [e for p in src.submission.products if when(p) for e in build(p)]


def _precursors(src: Sources, values: str) -> list[tuple[int, object, object]]:
    out = []
    for k, pp in enumerate(src.submission.purchased_precursors):
        entry = precursor_entry(src.submission.definitive, pp.id)
        kind = (entry.values if entry and entry.values else None) or scope.precursor_values(pp)
        if kind == values:
            out.append((k, pp, entry))
    return out


def _pp_sup(src: Sources, pp_id: str, field: str, subject: str, label: str) -> Entry:
    d = src.submission.definitive
    k = next((k for k, p in enumerate(d.precursors) if p.precursor_id == pp_id), None) if d else None
    entry = src.sup(f"precursors[{k}].{field}", subject, label) if k is not None else Entry(None, None, subject, label)
    entry.ref = {"precursor": pp_id}
    return entry


def precursor_entries(src: Sources, values: str, with_period: bool) -> list[Entry]:
    out: list[Entry] = []
    for k, pp, _ in _precursors(src, values):
        who = f"{pp.id} ({pp.name or pp.category or '?'})"
        first = len(out)
        out += [_pp_sup(src, pp.id, "cn_code", who, "CN code"), src.tpl(f"purchased_precursors[{k}].name", who, "name"),
                src.tpl(f"purchased_precursors[{k}].country_code", who, "country of origin")]
        if with_period:
            out += [_pp_sup(src, pp.id, "period_start", who, "reporting period from"),
                    _pp_sup(src, pp.id, "period_end", who, "reporting period to"),
                    _pp_sup(src, pp.id, "period_basis", who, "default period or actual time of production"),
                    _pp_sup(src, pp.id, "year_of_use", who, "year used in the complex good")]
        label = "default value applied, SEE direct" if values == "default" else "SEE direct"
        out.append(src.tpl(f"purchased_precursors[{k}].see_direct", who, label))
        for entry in out[first:]:  # every value names its precursor, for machines reading the JSON (cbam collect)
            entry.ref = {"precursor": pp.id}
    return out


def averaging(src: Sources, over: str) -> list[Entry]:
    out = []
    for _, pp, entry in _precursors(src, "actual"):
        avg = entry.averaging if entry and entry.averaging and entry.averaging.over == over else None
        e = _pp_sup(src, pp.id, "averaging", f"{pp.id} ({pp.name or '?'})", f"SEE averaged over {over}")
        if avg is None:
            e = Entry("none stated", e.source, e.subject, e.label,
                      f"applies only where the precursor comes from several {over}")
        out.append(e)
    return out


def origin(src: Sources) -> list[Entry]:
    out = []
    for _, pp, _ in _precursors(src, "actual"):
        who = f"{pp.id} ({pp.name or '?'})"
        out += [_pp_sup(src, pp.id, f"origin.{f}", who, label) for f, label in (
            ("operator", "operator"), ("installation", "installation"),
            ("registry_id", "CBAM Registry installation identifier (if any)"))]
        out += [_pp_sup(src, pp.id, "period_start", who, "reporting period from"),
                _pp_sup(src, pp.id, "period_end", who, "reporting period to")]
    return out


def process_flags(src: Sources, fields: tuple[str, ...]) -> list[Entry]:
    """Whether each flow exists per process (§1.2 asks whether, not how much; the amounts stay in §1.1 item 17)."""
    out = []
    for k, p in enumerate(src.submission.processes):
        for f in fields:
            amount = getattr(p, f)
            out.append(Entry(None if amount is None else amount > 0, f"{src.where(f'processes[{k}].{f}')} (> 0?)",
                             f"{p.id} {p.name or ''}".strip(), f.replace("_", " ")))
    return out


def process_flows(src: Sources, fields: tuple[str, ...]) -> list[Entry]:
    return [src.tpl(f"processes[{k}].{f}", f"{p.id} {p.name or ''}".strip(), f.replace("_", " "))
            for k, p in enumerate(src.submission.processes) for f in fields]


def summary_section(src: Sources) -> Section:
    s, products = src.submission, src.submission.products
    non_annex_ii = [p for p in products if scope.counts_indirect(s, p)]
    electricity = [p for p in products if scope.is_electricity(s, p)]
    actual = bool(_precursors(src, "actual"))

    def item(number: str, title: str, entries: list[Entry], applicable: bool = True, note: str | None = None) -> Item:
        return Item(number, title, entries if applicable else [], applicable, note)

    items = [
        item("(1)(a)", "Operator's name", [src.sup("operator.name")]),
        item("(1)(b)", "Operator's company or activity registration number", [src.sup("operator.registration_number")]),
        item("(1)(c)", "Operator's full address in English", [src.sup("operator.address")]),
        item("(2)(a)", "Installation name", [src.tpl("installation.name")]),
        item("(2)(b)", "Unique installation identifier in the CBAM Registry", [src.sup("registry_installation_id")]),
        item("(2)(c)", "UN/LOCODE", [src.tpl("installation.unlocode")]),
        item("(2)(d)", "Installation's full address in English",
             [src.tpl(f"installation.{f}", label=f.replace("_", " ")) for f in
              ("street", "post_code", "po_box", "city", "country_code")
              if f != "po_box" or s.installation.po_box is not None]),
        item("(2)(e)", "Coordinates of the main emission source",
             [src.tpl("installation.latitude", label="latitude"),
              src.tpl("installation.longitude", label="longitude")]),
        item("(3)", "CBAM production processes and routes, with the goods of each process", processes_and_goods(src)),
        item("(4)(a)", "Specific direct embedded emissions per good", [see(src, p, "direct") for p in products]),
        item("(4)(b)", "Share of embedded emissions based on default values",
             [default_share(src, p) for p in products]),
        item("(4)(c)", "Goods outside Annex II of Reg. 2023/956: shares of indirect emissions from actual and from "
             "default values, confirmation of Annex IV point 6, specific indirect embedded emissions",
             _per_good(src, lambda p: [*indirect_shares(src, p), *point6(src, p), see(src, p, "indirect")],
                       lambda p: p in non_annex_ii), bool(non_annex_ii),
             None if non_annex_ii else "no good outside Annex II"),
        item("(4)(d)", "Imported electricity: confirmations of Annex IV point 5(b) and 5(c), emission factor from "
             "actual emissions",
             _per_good(src, lambda p: [good_sup(src, p, "electricity_import.pt5b_confirmed", "point 5(b) confirmed"),
                                       good_sup(src, p, "electricity_import.pt5c_confirmed", "point 5(c) confirmed"),
                                       see(src, p, "direct")], lambda p: p in electricity), bool(electricity),
             None if electricity else "no electricity among the goods"),
        item("(4)(e)", "Specific embedded free allocation (SEFA) per good",
             [sefa(src, p) for p in products if p not in electricity]),
        item("(4)(f)", "Confirmation that the applicable CBAM benchmarks were used, and the SEFA methods",
             _per_good(src, lambda p: [good_sup(src, p, "benchmarks_confirmed", "benchmarks confirmed"),
                                       good_sup(src, p, "sefa_method", "method")],
                       lambda p: p not in electricity)),
        item("(5)", "Total direct emissions of the installation, and per process",
             [src.declared_or_computed("declared.totals.direct", src.result.totals.direct, "installation GHG balance",
                                       label="installation, tCO2e"),
              *[src.declared_or_computed(f"declared.processes[{k}].attributed_direct", p.attributed_direct,
                                         "attribution", f"{p.id} {p.name or ''}".strip(), "attributed direct, tCO2e")
                for k, p in enumerate(src.result.processes)]]),
        item("(6)", "Goods outside Annex II: indirect emissions of the installation",
             [src.declared_or_computed("declared.totals.indirect", src.result.totals.indirect,
                                       "installation GHG balance", label="tCO2e")], bool(non_annex_ii),
             None if non_annex_ii else "no good outside Annex II"),
        item("(7)", "Measurable heat across the installation boundary, and from or to which installations",
             [*process_flags(src, ("heat_imported", "heat_exported")), src.sup("heat_counterparts")]),
        item("(8)", "Zero-rated fuels used, and how zero rating is shown",
             [src.sup("zero_rated_fuels.used", label="used"), src.sup("zero_rated_fuels.evidence", label="evidence")]),
        item("(9)", "Waste gases produced and consumed, imported or exported",
             [*process_flags(src, ("waste_gas_imported", "waste_gas_exported")), src.sup("waste_gas_counterparts")]),
        item("(10)", "CO2 capture used, and the receiving installation or transport network",
             [src.sup("co2.capture_used", label="capture used"), src.sup("co2.transfers", label="recipients")]),
        item("(11)", "Electricity generated on site: (a) co-generation, (b) separate generation, (c) fossil or "
             "renewable, (d) exported from a production process",
             [src.sup("on_site_electricity.cogeneration", label="(a) co-generation"),
              src.sup("on_site_electricity.separate_generation", label="(b) separate generation"),
              src.sup("on_site_electricity.renewable", label="(c) renewable"),
              *process_flags(src, ("electricity_exported",))]),
        item("(12)", "Precursors on default values: CN code, name, country of origin, default value",
             precursor_entries(src, "default", False), bool(_precursors(src, "default")),
             None if _precursors(src, "default") else "no purchased precursor on default values"),
        item("(13)", "Precursors on actual values: CN code, name, country, reporting period and year of use, SEE",
             precursor_entries(src, "actual", True), actual, None if actual else "no precursor on actual values"),
        item("(14)", "Precursor from one installation over several reporting periods: SEE used (Art 14(1))",
             averaging(src, "reporting periods"), actual),
        item("(15)", "Precursor type from several installations: SEE used, Art 14 default method or "
             "installation-specific calculation", averaging(src, "installations"), actual),
        item("(16)", "Origin of each precursor on actual values: operator, installation, CBAM Registry identifier, "
             "reporting period", origin(src), actual),
    ]
    return Section("1.2", "Operator's summary emissions report", items)


def processes_and_goods(src: Sources) -> list[Entry]:
    s = src.submission
    out = []
    for k, p in enumerate(s.processes):
        cns = [x.cn_code for x in s.products if x.process and p.name and x.process.strip() == p.name.strip()]
        routes = [r.route for r in p.production if r.route]
        value = {"category": p.category, "name": p.name, "routes": routes, "cn_codes": cns}
        out.append(Entry(value, src.where(f"processes[{k}].category"), p.id))
    return out

