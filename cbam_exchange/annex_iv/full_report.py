"""§1.1 of Annex IV (the operator's emissions report), its §1.1.1 addenda and the §2 sector parameters.

Items are numbered as the act numbers them (annex-iv.md Part 2); where §1.1 and §1.2 ask the same, the §1.2
builders are reused. The items that only §1.2 words out (SEFA, benchmark confirmation, CO2 capture, year of use)
are added in a section of their own, since the summary is taken from the full report (annex-iv.md Part 8, 2).
"""

from __future__ import annotations

from cbam_exchange.annex_iv import scope, summary
from cbam_exchange.annex_iv.items import SILENT, Entry, Item, Section, Sources

# §2 parameters per aggregated goods category (annex-iv.md Part 5); categories absent here ask nothing ("N.a.")
SECTOR_PARAMETERS = {
    "cement": ("clinker_factor",),
    "urea": ("urea_percent", "n_percent"),
    "nitric acid": ("nitric_acid_percent", "n_percent"),
    "ammonia": ("concentration", "n_percent"),
    "mixed fertilisers": ("n_ammonium_percent", "n_nitrate_percent", "n_urea_percent", "n_other_percent",
                          "n_percent"),
    "pig iron": ("reducing_agent", "mn_percent", "cr_percent", "ni_percent", "other_alloys_percent"),
    "direct reduced iron": ("reducing_agent", "mn_percent", "cr_percent", "ni_percent", "other_alloys_percent"),
    "alloys (femn, fecr, feni)": ("mn_percent", "cr_percent", "ni_percent", "carbon_percent"),
    "crude steel": ("reducing_agent", "mn_percent", "cr_percent", "ni_percent", "other_alloys_percent",
                    "scrap_per_t_steel", "pre_consumer_scrap_percent"),
    "iron or steel products": ("reducing_agent", "mn_percent", "cr_percent", "ni_percent", "other_alloys_percent",
                               "scrap_per_t_steel", "pre_consumer_scrap_percent"),
    "unwrought aluminium": ("scrap_per_t_aluminium", "pre_consumer_scrap_percent", "non_aluminium_percent"),
    "aluminium products": ("scrap_per_t_aluminium", "pre_consumer_scrap_percent", "non_aluminium_percent"),
}


def _streams(src: Sources, methods: tuple[str, ...], key: str) -> list[Entry]:
    """Up to five source streams of the given methods, largest first by energy or emissions (computed)."""
    rows = [(r, getattr(r, key)) for r in src.result.streams
            if (r.method or "").strip().casefold().startswith(methods) and getattr(r, key) is not None]
    rows.sort(key=lambda pair: -pair[1])
    unit = "TJ" if key.startswith("energy") else "tCO2"
    return [Entry(round(v, 6), f"computed: B_EmInst row {r.row} (activity data x factors)", r.name or f"row {r.row}",
                  unit) for r, v in rows[:5]]


def _production(src: Sources) -> list[Entry]:
    out = []
    for k, p in enumerate(src.submission.processes):
        amounts = [r.amount for r in p.production if r.amount is not None]
        where = src.where(f"processes[{k}].production")
        out.append(Entry(sum(amounts) if amounts else None, f"computed: sum of {where}"
                         if amounts else None, f"{p.id} {p.name or ''}".strip(), "t or MWh"))
    return out


def _consumed(src: Sources, table: str) -> list[Entry]:
    out = []
    for k, p in enumerate(getattr(src.submission, table)):
        for j, use in enumerate(p.consumed_by):
            path = f"{table}[{k}].consumed_by[{j}].amount"
            out.append(Entry(use.amount, src.where(path), f"{p.id} -> {use.process}", "t"))
    return out


def _non_annex_ii_electricity(src: Sources) -> Entry:
    s = src.submission
    counted = [p for p in s.processes if p.category and any(
        scope.counts_indirect(s, x) for x in s.products
        if x.process and p.name and x.process.strip() == p.name.strip())]
    values = [p.electricity_consumed for p in counted]
    if not counted or any(v is None for v in values):
        return Entry(None, None, label="MWh")
    return Entry(sum(values), "computed: sum of D_Processes L65 over processes making goods outside Annex II",
                 label="MWh")


def full_sections(src: Sources) -> list[Section]:
    s, products = src.submission, src.submission.products
    non_annex_ii = any(scope.counts_indirect(s, p) for p in products)
    electricity = [p for p in products if scope.is_electricity(s, p)]
    by = {i.number: i for i in summary.summary_section(src).items}

    def same(number: str, of: str, title: str | None = None) -> Item:
        source = by[of]
        return Item(number, title or source.title, source.entries, source.applicable, source.note)

    def item(number: str, title: str, entries: list[Entry], applicable: bool = True, note: str | None = None) -> Item:
        return Item(number, title, entries if applicable else [], applicable, note)

    measured = bool(s.emissions.measurements)
    goods = [summary.good_label(p) for p in products]
    items = [
        same("1(a)", "(1)(a)"), same("1(b)", "(1)(b)"), same("1(c)", "(1)(c)"),
        item("1(d)", "Installation: name, CBAM Registry identifier, UN/LOCODE, address in English, coordinates of "
             "the main emission source", [*by["(2)(a)"].entries, *by["(2)(b)"].entries, *by["(2)(c)"].entries,
                                          *by["(2)(d)"].entries, *by["(2)(e)"].entries]),
        same("2(a)", "(3)", "Monitoring plan: all CBAM production processes and routes"),
        item("2(b)", "Non-CBAM production processes", [src.sup("non_cbam_processes")]),
        item("2(c)", "Up to five main goods per process by mass, with CN codes",
             [summary.good_sup(src, p, "quantity", "quantity") for p in products],
             note="the template holds no mass per CN code; quantities come from the supplement"),
        item("2(d)", "Up to five main fuels by energy input", _streams(src, ("combustion",), "energy_fossil")),
        item("2(e)", "Up to five main materials by process emissions",
             _streams(src, ("process", "mass balance"), "fossil")),
        item("2(f)", "Continuous emission measurement: gases and the five largest sources",
             [src.tpl(f"emissions.measurements[{k}].gas", m.name or f"row {m.row}", "gas")
              for k, m in enumerate(s.emissions.measurements[:5])], measured,
             None if measured else "no measurement-based source in the template"),
        same("2(g)", "(8)"),
        same("2(h)", "(7)"),
        item("3", "Electricity used: sources, quantities, supplying installations and their country",
             [*summary.process_flows(src, ("electricity_consumed", "electricity_ef_source")),
              src.sup("electricity_sources")]),
        same("4", "(11)", "Electricity generated on site: (a) co-generation, (b) separate generation, (c) fossil or "
                          "renewable sources, (d) electricity exported from a production process"),
        same("5", "(9)"),
        item("6", "CO2 transfer: receiving installation, transport network or entity, and contact person",
             [src.sup("co2.transfer_used", label="transfer"), src.sup("co2.transfers", label="recipients")]),
        item("7", "Direct emissions of the installation", by["(5)"].entries[:1]),
        item("8", "New installation: months of monitoring used",
             [src.sup("new_installation", label="new installation"), src.sup("monitoring_months", label="months")]),
        item("9", "Goods outside Annex II: total electricity used by the installation",
             [src.sup("electricity_total_mwh", label="MWh")], non_annex_ii),
        item("10", "Goods outside Annex II: electricity used to make them", [_non_annex_ii_electricity(src)],
             non_annex_ii),
        item("11", "Goods outside Annex II: installations the electricity comes from",
             [src.sup("electricity_sources", label="sources")], non_annex_ii),
        item("12", "Several electricity sources: quantity, country and emission factor of each, resulting factor "
             "(Art 9)", [src.sup("electricity_sources")]),
        item("13", "Goods produced, per process", _production(src)),
        item("14", "Non-CBAM goods produced, per process", [src.sup("non_cbam_goods")]),
        item("15(a)", "Specific direct embedded emissions per good", by["(4)(a)"].entries),
        item("15(b)", "Specific direct embedded emissions per composition of a good, where relevant",
             [summary.good_sup(src, p, "see_direct_by_composition") for p in products]),
        item("15(c)", "Data quality and methods; whether default values were used",
             [src.tpl("data_quality.general", label="data quality"),
              src.tpl("data_quality.default_justification", label="justification for default values"),
              src.tpl("data_quality.quality_assurance", label="quality assurance")]),
        same("15(d)", "(4)(b)"),
        same("15(e)", "(4)(c)"),
        item("15(f)", "Imported electricity: points 5(b) and 5(c), §1.1.1 addenda sent, emission factor from actual "
             "emissions", [e for p in electricity for e in (
                 summary.good_sup(src, p, "electricity_import.pt5b_confirmed", "point 5(b) confirmed"),
                 summary.good_sup(src, p, "electricity_import.pt5c_confirmed", "point 5(c) confirmed"),
                 summary.good_sup(src, p, "electricity_import.addenda_sent", "addenda sent"),
                 summary.see(src, p, "direct"))], bool(electricity)),
        item("16", "Total emissions of the installation",
             [src.declared_or_computed("declared.totals.total", src.result.totals.total, "installation GHG balance",
                                       label="tCO2e")]),
        item("16(a)", "Activity data and calculation factors per source stream",
             [src.tpl(f"emissions.source_streams[{k}].activity_data", st.name or f"row {st.row}", "activity data")
              for k, st in enumerate(s.emissions.source_streams)],
             note="source streams are installation-wide in the template, not assigned to processes"),
        item("16(b)", "Emissions of each measured source", [
            Entry(m.co2e, f"computed: B_EmInst row {m.row}", m.name or f"row {m.row}", "tCO2e")
            for m in src.result.measurements], measured),
        item("16(c)", "Emissions determined by other methods", [
            Entry(src.result.totals.other, "computed: total direct minus calculation- and measurement-based",
                  label="tCO2e")], note="the method is not described in the template"),
        item("16(d)", "CO2 received from or sent to other installations, for storage or permanent binding",
             [src.sup("co2.transfers")]),
        item("16(e)", "Data gaps and estimates", [src.sup("data_gaps")]),
        item("17", "Per process: measurable heat, waste gases and electricity imported, produced, consumed, exported",
             summary.process_flows(src, ("heat_imported", "heat_exported", "waste_gas_imported",
                                         "waste_gas_exported", "electricity_consumed", "electricity_exported"))),
        item("18", "Precursors made on site and used by the installation", _consumed(src, "processes")),
        item("19", "The same, per consuming process", _consumed(src, "processes")),
        item("20", "Precursors made elsewhere and used by the installation", _consumed(src, "purchased_precursors")),
        item("21", "The same, per consuming process", _consumed(src, "purchased_precursors")),
        same("22", "(12)"),
        same("23", "(13)"),
        same("24", "(14)"),
        same("25", "(15)", "Precursor of one CN code from several installations: SEE used, Art 14(2) default method "
                           "or Art 14(3) installation-specific calculation"),
        item("26", "Electricity used per process", summary.process_flows(src, ("electricity_consumed",))),
        item("27", "Own precursors used per process", _consumed(src, "processes")),
        same("28", "(16)"),
        item("29", "Method used to arrive at each process's attributed emissions", [],
             note="the template holds the figures, not a narrative; not provided"),
        item("30", "Per process: activity level and attributed emissions",
             [e for k, p in enumerate(src.result.processes) for e in (
                 src.declared_or_computed(f"declared.processes[{k}].activity_level", p.activity_level, "attribution",
                                          f"{p.id} {p.name or ''}".strip(), "activity level"),
                 src.declared_or_computed(f"declared.processes[{k}].attributed_direct", p.attributed_direct,
                                          "attribution", f"{p.id} {p.name or ''}".strip(), "attributed direct"),
                 src.declared_or_computed(f"declared.processes[{k}].attributed_indirect", p.attributed_indirect,
                                          "attribution", f"{p.id} {p.name or ''}".strip(), "attributed indirect"))]),
        item("31", "All relevant goods in functional units per CN code",
             [summary.good_sup(src, p, "quantity", "quantity") for p in products]),
        item("32", "Electricity emission factor where actual values are used",
             summary.process_flows(src, ("electricity_ef", "electricity_ef_source"))),
        item("33", "Electricity emission factor under a power purchase agreement", [src.sup("electricity_sources")],
             note="contract data per source in the supplement; " + SILENT + " (form of the PPA data)"),
        item("34(a)", "Per route: quantity of each good per CN code, in functional units",
             [summary.good_sup(src, p, "quantity", "quantity") for p in products]),
        item("34(b)", "Quantity in functional units other than tonnes",
             [summary.good_sup(src, p, "functional_unit", "functional unit") for p in products],
             note="only where the functional unit is not tonnes"),
        item("35", "Sector-specific parameters per good (§2)", [Entry("see §2", None, g) for g in goods]),
    ]
    extra = [Item(f"§1.2 {i.number}", i.title, i.entries, i.applicable, i.note)
             for i in (by["(4)(e)"], by["(4)(f)"], by["(5)"], by["(10)"])]
    return [Section("1.1", "Operator's emissions report", items),
            Section("1.1 (from §1.2)", "Items the summary report words out, taken from the full report", extra),
            addendum_section(src, electricity), parameters_section(src)]


def addendum_section(src: Sources, electricity: list) -> Section:
    d = src.submission.definitive
    addenda = d.electricity_addenda if d else []
    entries = [e for k, _ in enumerate(addenda) for e in (
        src.sup(f"electricity_addenda[{k}].declarant_eori", f"addendum {k + 1}", "(1) EORI of the declarant"),
        src.sup(f"electricity_addenda[{k}].pt5_confirmed", f"addendum {k + 1}", "(2) point 5 statement"),
        src.sup(f"electricity_addenda[{k}].mwh", f"addendum {k + 1}", "(3) MWh imported"))]
    applicable = bool(electricity)
    item = Item("(1)-(3)", "Per authorised declarant: EORI, point 5 statement, MWh imported",
                entries if applicable else [], applicable, None if applicable else "no electricity among the goods")
    return Section("1.1.1", "Declarant-specific addendum for imported electricity", [item])


def parameters_section(src: Sources) -> Section:
    s = src.submission
    items = []
    for k, p in enumerate(s.products):
        category = scope.good_category(s, p) or ""
        fields = SECTOR_PARAMETERS.get(category.casefold())
        label = summary.good_label(p)
        if fields is None:
            items.append(Item(f"row {p.row}", f"{label}: {category or 'category unknown'}", [], False,
                              "§2 asks no parameter for this category (N.a.)" if category else None))
            continue
        entries = [src.tpl(f"products[{k}].parameters.{f}", label, f.replace("_", " ")) for f in fields]
        items.append(Item(f"row {p.row}", f"{label}: {category}", entries))
    return Section("2", "Sector-specific parameters", items)
