"""The verification rules as data (reference/verification_rules.toml), loaded once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_FILE = Path(__file__).resolve().parents[1] / "reference" / "verification_rules.toml"


@dataclass(frozen=True)
class Rule:
    """One rule with its legal reference and confirmation label; `unconfirmed` where the label says so."""

    text: str
    reference: str
    confirmation: str

    @property
    def unconfirmed(self) -> bool:
        return self.confirmation.upper().startswith("UNCONFIRMED")

    def cite(self) -> str:
        mark = " [UNCONFIRMED]" if self.unconfirmed else ""
        return f"{self.reference}{mark}"


@cache
def verification_rules() -> dict:
    with _FILE.open("rb") as fh:
        return tomllib.load(fh)


def materiality() -> float:
    return float(verification_rules()["materiality"]["relative"])


def materiality_rule() -> Rule:
    m = verification_rules()["materiality"]
    return Rule(f"{m['relative'] * 100:g} % of {m['applies_to']}", m["reference"], m["confirmation"])


def site_visit_rule(name: str) -> Rule:
    sv = verification_rules()["site_visit"]
    return Rule(sv[name]["rule"], sv["reference"], sv[name]["confirmation"])


def site_visit_value(name: str) -> int:
    return int(verification_rules()["site_visit"][name]["value"])


def upstream_rule() -> Rule:
    u = verification_rules()["upstream_verification"]
    return Rule(u["rule"], u["reference"], u["confirmation"])
