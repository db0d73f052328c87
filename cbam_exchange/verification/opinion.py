"""The suggested opinion, a draft aid for the accredited verifier (methodology 9.3; ETS AVR Art. 27 model):
material uncorrected misstatement -> not verified; scope limitation -> not verified (never satisfactory); open
non-conformity of error severity -> not verified; other findings -> satisfactory with comments."""

from __future__ import annotations

from dataclasses import dataclass

from cbam_exchange.verification.classes import Item
from cbam_exchange.verification.materiality import GoodMateriality

NOT_VERIFIED = "not verified"
WITH_COMMENTS = "verified as satisfactory with comments"
SATISFACTORY = "verified as satisfactory"
_UNASSESSED = "SEE not computable"
_UNASSIGNED = ("emissions of the installation assigned to no process could reach 5 % on the pro-rata estimate; the "
               "verifier traces which process they belong to")


@dataclass
class Opinion:
    statement: str
    reasons: list[str]


def suggest_opinion(goods: list[GoodMateriality], items: list[Item]) -> Opinion:
    reasons = []
    material = [g for g in goods if g.material]
    if material:
        reasons.append("uncorrected misstatements reach the 5 % materiality level on the legal basis for "
                       + ", ".join(f"product row {g.row} ({g.cn_code or '-'}, {g.basis.label})" for g in material))
    sefa = [g for g in goods if g.sefa_material]
    if sefa:
        reasons.append("uncorrected misstatements reach 5 % of SEFA for "
                       + ", ".join(f"product row {g.row} ({g.cn_code or '-'})" for g in sefa))
    limits = [i for i in items if i.klass == "scope limitation" and i.uncorrected]
    if limits:
        reasons.append(f"{len(limits)} scope limitation(s): " + "; ".join(i.message for i in limits))
    blocking = [i for i in items if i.klass == "non-conformity" and i.severity == "error" and i.uncorrected]
    if blocking:
        reasons.append(f"{len(blocking)} uncorrected non-conformit{'y' if len(blocking) == 1 else 'ies'} of error "
                       "severity would prevent reasonable assurance")
    unassessed = [g for g in goods if g.material is None]
    if unassessed:
        for why, rows in ((_UNASSESSED, [g.row for g in unassessed if g.see is None]),
                          (_UNASSIGNED, [g.row for g in unassessed if g.see is not None])):
            if rows:
                reasons.append("materiality cannot be assessed for "
                               + ", ".join(f"product row {row}" for row in rows) + f" ({why})")
    if reasons:
        return Opinion(NOT_VERIFIED, reasons)
    remaining = [i for i in items if i.uncorrected]
    if remaining:
        return Opinion(WITH_COMMENTS, [f"{len(remaining)} non-material finding(s) remain and are listed"])
    return Opinion(SATISFACTORY, ["no misstatement, non-conformity, non-compliance or scope limitation remains"])
