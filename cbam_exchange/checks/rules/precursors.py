"""PR: precursors expected for the route, and the quality of purchased precursors' data."""

from __future__ import annotations

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, by_key, key
from cbam_exchange.reference import plausibility
from cbam_exchange.reference.tables import LAST_TRANSITIONAL_YEAR


@rule("PR-001", "expected-precursor-missing", "warning",
      "{process} makes {category} but consumes no {expected}.",
      rationale="Complex goods carry the embedded emissions of their precursors; a cement without clinker or a "
                "rolled product without crude steel leaves those emissions out. A bubble (joint) process that "
                "includes the precursor's category makes it itself and is not flagged.",
      remedy="Enter the precursor consumed: from an own process (D_Processes (c) of the producing process) or "
             "purchased (E_PurchPrec (b)).",
      reference="IR (EU) 2025/2547 Annex II (relevant precursors); methodology 10.5 M11",
      bad=Example({"processes[2].consumed_by": []}, "processes[3].name", "A_InstData!L86"),
      good=Example({"processes[2].consumed_by": [], "processes[3].included_categories": ["Crude steel"]}))
def expected_precursor(ctx: CheckContext) -> None:
    expected = plausibility()["expected_precursors"]
    categories = {p.id: key(p.category) for p in ctx.submission.processes}
    categories |= {p.id: key(p.category) for p in ctx.submission.purchased_precursors}
    for k, process in enumerate(ctx.submission.processes):
        wanted = by_key(expected, process.category)
        if not wanted:
            continue
        wanted_keys = {key(w) for w in wanted}
        # a bubble (joint) process makes the precursor itself: listed among its included goods categories
        joint = {key(c) for c in process.included_categories}
        used = {categories.get(u.id) for u in ctx.result.processes[k].precursors}
        if not (used | joint) & wanted_keys:
            ctx.report(f"processes[{k}].name", value=process.name, expected=" or ".join(wanted),
                       process=process.name or process.id, category=process.category)


@rule("PR-002", "precursor-default-or-unknown", "warning",
      "{precursor}: SEE (direct) {how}.",
      rationale="A precursor whose emissions come from default values or an unknown source makes the good's "
                "share of default values rise and must be reported as such.",
      remedy="Ask the precursor's producer for verified actual data, or state the default value used and why.",
      reference="IR (EU) 2025/2547 Annex II A.1(4)-(5); Annex IV item 15(d); methodology 10.8 D1-D2",
      bad=Example({"purchased_precursors[0].see_direct_source": "Default"},
                  "purchased_precursors[0].see_direct_source", "E_PurchPrec!M49"),
      good=Example({}))
def precursor_default(ctx: CheckContext) -> None:
    for k, pp in enumerate(ctx.submission.purchased_precursors):
        source = (pp.see_direct_source or "").strip().casefold()
        if pp.see_direct is None:
            ctx.report(f"purchased_precursors[{k}].see_direct", precursor=pp.name or pp.id, how="is not provided")
        elif source in ("default", "unknown", ""):
            ctx.report(f"purchased_precursors[{k}].see_direct_source", value=pp.see_direct_source,
                       precursor=pp.name or pp.id,
                       how=f"comes from {'an unstated source' if not source else source + ' values'}")


@rule("PR-003", "precursor-actual-needs-verification", "info",
      "{precursor}: actual SEE {value} from {country} can be used only with the producer's verification report "
      "for the production period.",
      rationale="Actual data of a purchased precursor may be used only if taken from a verification report by an "
                "accredited verifier covering the period in which the precursor was produced; otherwise the "
                "default applies.",
      remedy="Obtain the upstream installation's verification report (or its communication file) and keep it "
             "with this submission.",
      reference="IR (EU) 2025/2547 Annex II A.1(4); methodology 10.8 D1",
      bad=Example({}, "purchased_precursors[0].see_direct", "E_PurchPrec!L49"),
      good=Example({"purchased_precursors[0].see_direct_source": "Default"}))
def precursor_actual(ctx: CheckContext) -> None:
    for k, pp in enumerate(ctx.submission.purchased_precursors):
        if pp.see_direct is not None and (pp.see_direct_source or "").strip().casefold() == "measured":
            ctx.report(f"purchased_precursors[{k}].see_direct", value=pp.see_direct, precursor=pp.name or pp.id,
                       country=pp.country_code or "an unstated country")


_ORIGIN = (("operator", "the upstream operator"), ("installation", "the installation"),
           ("registry_id", "its CBAM Registry ID"), ("verifier", "the verifier of its data"))


@rule("PR-004", "precursor-actual-without-origin", "error",
      "{precursor}: actual SEE {value} is used in a definitive-period file without {missing}; on the default "
      "value {expected} instead: {effect}.",
      rationale="A purchased precursor may carry actual values only where its producer, installation, Registry "
                "ID, production period and the verifier of its data are known; otherwise the default value "
                "applies, and the goods' SEE with it.",
      remedy="Give the precursor's origin and period in the definitive-period data (supplement file or JSON 1.1), "
             "or value the precursor at its default.",
      reference="IR (EU) 2025/2547 Annex II A.1(4)-(5); Annex IV item 23 and 28; methodology 10.8 D1",
      bad=Example({"definitive": {"precursors": [{"precursor_id": "PP1", "values": "actual"}]}},
                  "purchased_precursors[0].see_direct", base="cement-clinker-two-cements"),
      good=Example({"definitive": {"precursors": [{
          "precursor_id": "PP1", "values": "actual", "period_start": "2026-01-01", "period_end": "2026-12-31",
          "origin": {"operator": "Marmara Cement A.S.", "installation": "Bandirma kiln line 2",
                     "registry_id": "TR-CBAM-000123", "verifier": "Example Verification GmbH"}}]}},
          base="cement-clinker-two-cements"))
def precursor_actual_without_origin(ctx: CheckContext) -> None:
    from cbam_exchange.checks.rules.defaults import precursor_default
    from cbam_exchange.checks.rules.units import effects_of, summary_of

    definitive = getattr(ctx.submission, "definitive", None)
    if ctx.year <= LAST_TRANSITIONAL_YEAR or definitive is None:
        return  # a file without definitive-period data: the definitive-period family names what is missing
    entries = {e.precursor_id: e for e in definitive.precursors}
    for k, pp in enumerate(ctx.submission.purchased_precursors):
        if key(pp.see_direct_source) != "measured" or pp.see_direct is None:
            continue
        entry = entries.get(pp.id)
        origin = entry.origin if entry else None
        missing = [label for name, label in _ORIGIN if origin is None or not getattr(origin, name)]
        if entry is None or entry.period_start is None or entry.period_end is None:
            missing.append("the period in which it was produced")
        if not missing:
            continue
        path = f"purchased_precursors[{k}].see_direct"
        default = precursor_default(ctx, pp)
        if default is not None and default.direct is not None:
            effects = effects_of(ctx, path, default.direct)
            effect, expected = summary_of(effects), default.direct
        else:
            effects, effect, expected = {}, "no default value could be resolved (DV-003)", "not resolved"
        ctx.report(path, value=pp.see_direct, expected=expected, precursor=pp.name or pp.id,
                   missing=", ".join(missing), effect=effect, details={"effects": effects})
