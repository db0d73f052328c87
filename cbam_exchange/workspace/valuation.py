"""What a customs line is worth per tonne: whether it is in CBAM at all (Annex I, origin), where its embedded emissions
come from (actual data of a current submission, else the default value that applies, saying which line), the
free-allocation adjustment and the carbon price paid. Every line of a valuation is its mass times these figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from cbam_exchange.reference.scope import code_scope, origin
from cbam_exchange.reference.tables import certificate_price, default_value

# the sources of a valued line; "exempt" and "out of scope" owe nothing by law, "unresolved" could not be valued
PRICED = ("actual", "default")


@dataclass
class Actual:
    submission_id: int
    installation_id: str
    row: int
    model_json: str
    see_direct: float | None
    see_indirect: float | None
    effective_price: float | None
    currency: str | None


@cache
def _actual_details(model_json: str, row: int, year: int) -> tuple[float | None, str, float | None, str | None]:
    """(SEFA, how, default share %, precursor origins) of a product row of a stored submission: SEFA through its
    precursor chain (IR 2025/2620, Column A) with the benchmarks used or why there is none; from a summary report,
    its own figures (workspace/summaries.py)."""
    import json

    from cbam_exchange.annex_iv.shares import default_shares
    from cbam_exchange.calc.free_allocation import sefa_for_submission
    from cbam_exchange.calc.recompute import recompute
    from cbam_exchange.model.submission import Submission
    from cbam_exchange.model.summary_report import FORMAT_ID
    from cbam_exchange.workspace.summaries import submission_origins, summary_details

    model = json.loads(model_json)
    if model.get("format") == FORMAT_ID:
        return summary_details(model, row, year)
    submission, result = recompute(Submission.from_dict(model))
    good = sefa_for_submission(submission, result, year).get(row)
    shares = default_shares(submission, result).get(row)
    origins = submission_origins(submission)
    if good is None:
        return None, f"product row {row} not recomputed", None, origins
    return (good.sefa, _explain(good.sefa, good.reason, good.benchmarks, len(good.terms) - 1),
            shares.default_direct if shares else None, origins)


@cache
def _default_sefa(cn: str, country: str | None, year: int, route: str | None) -> tuple[float | None, str]:
    from cbam_exchange.calc.free_allocation import default_sefa

    found = default_sefa(cn, country, year, route)
    return found.sefa, _explain(found.sefa, found.reason, found.benchmarks, 0)


def _explain(sefa: float | None, reason: str | None, used: list[Any], precursors: int) -> str:
    if sefa is None:
        return f"free-allocation adjustment unknown ({reason}): counted as 0"
    shown = ", ".join(f"{b.node} column {b.column} {b.value:g}" for b in used if b.value is not None)
    return shown + (f"; {precursors} precursor term(s)" if precursors else "")


def valuation(cn_text: str, country_text: str, given: str, date_year: int, quarter: int, year: int,
              actual: dict[tuple[str, str], Actual], names: dict[str, str]) -> dict[str, Any]:
    """Everything about a line except its mass."""
    scope = code_scope(cn_text)
    where = origin(country_text)
    inst = names.get(given.casefold()) if given else None
    cn = scope.code or cn_text.strip()
    base: dict[str, Any] = {"cn_code": cn, "country": where.code or country_text.strip() or None,
                            "installation": given or None, "installation_id": inst, "sector": scope.sector,
                            "category": scope.category, "default_line": None, "warning": scope.warning}
    if scope.status in ("invalid", "ambiguous"):
        return _not_priced(base, "unresolved", scope.reason, "cn_code", cn_text)
    if scope.status == "out":
        return _not_priced(base, "out of scope", scope.reason + f" [{scope.legal_reference}]")
    if where.status == "invalid":
        return _not_priced(base, "unresolved", where.reason, "country", country_text)
    if where.status == "exempt":
        return _not_priced(base, "exempt", where.reason)
    counted_indirect = scope.indirect_counted
    base["counted"] = "direct and indirect" if counted_indirect else "direct only (Annex II)"
    data = actual.get((inst, cn[:8])) if inst else None
    see = None
    if data is not None and data.see_direct is not None:
        see = data.see_direct + ((data.see_indirect or 0.0) if counted_indirect else 0.0)
        if counted_indirect and data.see_indirect is None:
            see = None
    price = certificate_price(date_year, quarter)
    if see is not None and data is not None:
        deduction = 0.0
        if data.effective_price and price and (data.currency or "").upper() == "EUR":
            deduction = data.effective_price / price.eur_per_tco2e
        base.update(source="actual", submission_id=data.submission_id, see_counted=see, markup_pct=None,
                    default_table=None, fallback=None, default_total=None,
                    reason=f"actual data of submission {data.submission_id} ({inst})", benchmark_column="A",
                    deduction_per_t=deduction)
        sefa, used, share, origins = _actual_details(data.model_json, data.row, year)
        base.update(default_share_pct=share, precursor_origins=origins)
    else:
        dv = default_value(cn, where.code, year)
        if dv is not None and dv.total_with_markup is None:
            return _not_priced(base, "unresolved", f"no mark-up for {dv.year}: the default values of IR (EU) "
                                                   "2025/2621 apply to imports from 2026", "date", str(date_year))
        if dv is None:
            return _not_priced(base, "unresolved", f"no actual data and no default value line for CN {cn} (IR (EU) "
                                                   "2025/2621 as corrected): to be resolved by hand", "cn_code", cn_text)
        why = ("no installation named" if not given else f"installation {given!r} not in the workspace" if inst is None
               else f"no valid current submission of {inst} covers CN {cn} in {year}")
        if where.status == "unknown":
            why += "; " + where.reason
        base.update(source="default", submission_id=None, see_counted=dv.total_with_markup, markup_pct=dv.markup_pct,
                    default_table=dv.table, default_line=f"{dv.table}, {dv.matched}", fallback=dv.fallback,
                    default_total=dv.total, reason=f"default value: {why}", benchmark_column="B",
                    deduction_per_t=0.0)
        sefa, used = _default_sefa(cn[:8], where.code, year, dv.route)
        base.update(default_share_pct=100.0, precursor_origins=None)
    base.update(price_period=price.period if price else None, price=price.eur_per_tco2e if price else None,
                sefa_per_t=sefa or 0.0, sefa_t_per_t=sefa, sefa_basis=used)
    return base


def _not_priced(base: dict[str, Any], source: str, reason: str, column: str | None = None,
                value: str | None = None) -> dict[str, Any]:
    """A line that owes nothing (exempt, out of scope) or cannot be valued (unresolved): kept, counted as zero in
    the sums and listed with its reason; an unresolved line also names the column and value at fault."""
    return {**base, "counted": None, "source": source, "submission_id": None, "default_share_pct": None,
            "precursor_origins": None,
            "see_counted": None, "markup_pct": None, "default_table": None, "fallback": None, "default_total": None,
            "sefa_basis": None, "sefa_t_per_t": None, "benchmark_column": None, "price_period": None, "price": None, "reason": reason,
            "sefa_per_t": 0.0, "deduction_per_t": 0.0, "problem_column": column, "problem_value": value}


def group(valuation: dict[str, Any], mass: float, count: int) -> dict[str, Any]:
    """The lines of one valuation, summed: each figure is the summed mass times the per-tonne figure."""
    see = valuation["see_counted"] or 0.0
    emissions, sefa, deduction = mass * see, mass * valuation["sefa_per_t"], mass * valuation["deduction_per_t"]
    certificates = emissions - sefa - deduction
    cost = certificates * valuation["price"] if valuation["price"] is not None else 0.0
    return {**valuation, "net_mass_t": mass, "emissions": emissions, "sefa": sefa,
            "carbon_price_deduction": deduction, "certificates": certificates, "cost": cost, "lines": count}


def scaled(number: int, date: str, mass_t: float, valuation: dict[str, Any],
           extras: dict[str, str | None]) -> dict[str, Any]:
    line = dict(valuation)
    sefa_per_t, deduction_per_t = line.pop("sefa_per_t"), line.pop("deduction_per_t")
    emissions = mass_t * line["see_counted"] if line["see_counted"] is not None else 0.0
    sefa, deduction = mass_t * sefa_per_t, mass_t * deduction_per_t
    certificates = emissions - sefa - deduction
    line.update(line=number, date=date, net_mass_t=mass_t, emissions=emissions, sefa=sefa,
                carbon_price_deduction=deduction, certificates=certificates,
                cost=certificates * line["price"] if line["price"] is not None else None, **extras)
    return line


class Lines(Sequence[dict[str, Any]]):
    """The valued lines, stored compactly (a million lines fit in a few hundred MB) and expanded on demand."""

    def __init__(self, rows: list[tuple[int, str, float, int, tuple[str | None, ...]]],
                 valuations: list[dict[str, Any]], extra_cols: list[str]) -> None:
        self.rows, self.valuations, self.extra_cols = rows, valuations, extra_cols

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        number, date, mass_t, index, extras = self.rows[i]
        return scaled(number, date, mass_t, self.valuations[index], dict(zip(self.extra_cols, extras)))
