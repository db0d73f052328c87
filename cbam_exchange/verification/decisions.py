"""The verifier's own decisions, in a YAML or JSON file the verifier writes: identity and team, the site visit,
the first verified year, the last physical visit, the upstream verification reports relied on for precursors, the
status of each finding (open / corrected / uncorrected) with the operator's response, and the verifier's own
findings. Validated field by field; a wrong field raises UnreadableInput naming it (exit 2)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput

CLASSES = ("misstatement", "non-conformity", "non-compliance", "scope limitation", "recommendation")
STATUSES = ("open", "corrected", "uncorrected")
VISIT_TYPES = ("physical", "virtual", "waived")

_VERIFIER_FIELDS = ("company", "address", "accreditation_number", "accreditation_body", "accreditation_member_state",
                    "scopes", "valid_until", "lead_verifier", "team", "independent_reviewer", "authorised_signatory")
_TOP_FIELDS = ("report_id", "report_version", "verifier", "visit", "first_verified_year", "last_physical_visit",
               "upstream_verification", "findings", "additional_findings")


@dataclass
class Visit:
    type: str
    dates: list[dt.date] = field(default_factory=list)
    areas_inspected: list[str] = field(default_factory=list)
    justification: str | None = None
    material_changes: bool | None = None


@dataclass
class UpstreamReport:
    precursor: str
    installation: str | None = None
    registry_id: str | None = None
    period: str | None = None
    verifier: str | None = None
    accreditation: str | None = None
    report: str | None = None


@dataclass
class FindingDecision:
    """The verifier's decision on an automated finding, matched by its fingerprint."""

    fingerprint: str
    status: str = "open"
    operator_response: str | None = None
    correction: str | None = None
    klass: str | None = None


@dataclass
class OwnFinding:
    """A finding the verifier raises (not found by the automated checks)."""

    id: str
    klass: str
    description: str
    affected_goods: list[int] = field(default_factory=list)
    impact: dict[int, float] = field(default_factory=dict)  # product row -> declared minus correct, tCO2e/t
    sefa_impact: dict[int, float] = field(default_factory=dict)
    status: str = "open"
    operator_response: str | None = None
    location: str | None = None


@dataclass
class Decisions:
    source: str | None = None
    report_id: str | None = None
    report_version: str | None = None
    verifier: dict[str, Any] = field(default_factory=dict)
    visit: Visit | None = None
    first_verified_year: int | None = None
    last_physical_visit: dt.date | None = None
    upstream: dict[str, UpstreamReport] = field(default_factory=dict)
    findings: dict[str, FindingDecision] = field(default_factory=dict)
    own: list[OwnFinding] = field(default_factory=list)


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, where: str, problem: str, found: Any = None, expected: str | None = None) -> None:
        raise UnreadableInput(self.name, problem, location=where,
                              found=None if found is None else repr(found), expected=expected)

    def mapping(self, value: Any, where: str, allowed: tuple[str, ...] | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, "must be a mapping of fields", type(value).__name__, "a mapping")
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    self.fail(f"{where}.{key}" if where else str(key), "unknown field", key,
                              "one of " + ", ".join(allowed))
        return value

    def text(self, value: Any, where: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(where, "must be text", value, "text")
        return str(value)

    def texts(self, value: Any, where: str) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list):
            self.fail(where, "must be a list of texts", value, "a list")
        return [self.text(v, f"{where}[{k}]") or "" for k, v in enumerate(value)]

    def date(self, value: Any, where: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(where, "is not a date", value, "a date YYYY-MM-DD")
        return None

    def year(self, value: Any, where: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 2023 <= value <= 2100:
            self.fail(where, "is not a year", value, "a year such as 2026")
        return value

    def choice(self, value: Any, where: str, choices: tuple[str, ...], default: str | None = None) -> str:
        if value is None and default is not None:
            return default
        if not isinstance(value, str) or value.strip().casefold() not in choices:
            self.fail(where, "is not an allowed value", value, "one of " + ", ".join(choices))
        return value.strip().casefold()

    def number(self, value: Any, where: str) -> float:
        """A finite number: NaN compares false with every threshold, so a NaN impact would pass as immaterial."""
        try:
            number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan
        except OverflowError:
            number = math.nan
        if not math.isfinite(number):
            self.fail(where, "is not a number", str(value)[:40], "a finite number in tCO2e/t")
        return number

    def rows(self, value: Any, where: str) -> list[int]:
        if value is None:
            return []
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
            self.fail(where, "must be a list of product rows", value, "a list of row numbers such as [1, 2]")
        return list(value)

    def impacts(self, value: Any, where: str) -> dict[int, float]:
        if value is None:
            return {}
        out = {}
        for key, v in self.mapping(value, where).items():
            try:
                row = int(key)
            except (TypeError, ValueError):
                self.fail(f"{where}.{key}", "is not a product row", key, "a row number")
            out[row] = self.number(v, f"{where}.{key}")
        return out


def parse_decisions(data: dict[str, Any], name: str) -> Decisions:
    r = _Reader(name)
    r.mapping(data, "", _TOP_FIELDS)
    d = Decisions(source=name, report_id=r.text(data.get("report_id"), "report_id"),
                  report_version=r.text(data.get("report_version"), "report_version"))
    if data.get("verifier") is not None:
        raw = r.mapping(data["verifier"], "verifier", _VERIFIER_FIELDS)
        if not raw.get("company"):
            r.fail("verifier.company", "the verifier (legal person) must be named", None, "the company's name")
        for key, value in raw.items():
            where = f"verifier.{key}"
            d.verifier[key] = (r.texts(value, where) if key in ("team", "scopes") else
                               r.date(value, where) if key == "valid_until" else r.text(value, where))
    if data.get("visit") is not None:
        raw = r.mapping(data["visit"], "visit", ("type", "dates", "areas_inspected", "justification",
                                                 "material_changes"))
        changes = raw.get("material_changes")
        if changes is not None and not isinstance(changes, bool):
            r.fail("visit.material_changes", "must be true or false", changes, "true or false")
        dates = raw.get("dates")
        if dates is not None and not isinstance(dates, list):
            dates = [dates]
        d.visit = Visit(type=r.choice(raw.get("type"), "visit.type", VISIT_TYPES),
                        dates=[x for k, v in enumerate(dates or []) if (x := r.date(v, f"visit.dates[{k}]"))],
                        areas_inspected=r.texts(raw.get("areas_inspected"), "visit.areas_inspected"),
                        justification=r.text(raw.get("justification"), "visit.justification"),
                        material_changes=changes)
        if d.visit.type != "waived" and not d.visit.dates:
            r.fail("visit.dates", f"a {d.visit.type} visit needs its dates", None, "a list of dates")
    d.first_verified_year = r.year(data.get("first_verified_year"), "first_verified_year")
    d.last_physical_visit = r.date(data.get("last_physical_visit"), "last_physical_visit")
    for pid, raw in r.mapping(data.get("upstream_verification") or {}, "upstream_verification").items():
        where = f"upstream_verification.{pid}"
        fields = r.mapping(raw, where, ("installation", "registry_id", "period", "verifier", "accreditation",
                                        "report"))
        if not fields.get("verifier"):
            r.fail(f"{where}.verifier", "the upstream verifier must be named", None, "the verifier's name")
        d.upstream[str(pid)] = UpstreamReport(str(pid), **{k: r.text(v, f"{where}.{k}") for k, v in fields.items()})
    findings = data.get("findings") or []
    if not isinstance(findings, list):
        r.fail("findings", "must be a list", type(findings).__name__, "a list of decisions")
    for k, raw in enumerate(findings):
        where = f"findings[{k}]"
        r.mapping(raw, where, ("fingerprint", "status", "operator_response", "correction", "class"))
        fp = r.text(raw.get("fingerprint"), f"{where}.fingerprint")
        if not fp:
            r.fail(f"{where}.fingerprint", "is required", None, "the fingerprint of an automated finding")
        d.findings[fp] = FindingDecision(
            fp, r.choice(raw.get("status"), f"{where}.status", STATUSES, "open"),
            r.text(raw.get("operator_response"), f"{where}.operator_response"),
            r.text(raw.get("correction"), f"{where}.correction"),
            r.choice(raw["class"], f"{where}.class", CLASSES) if raw.get("class") is not None else None)
    own = data.get("additional_findings") or []
    if not isinstance(own, list):
        r.fail("additional_findings", "must be a list", type(own).__name__, "a list of findings")
    for k, raw in enumerate(own):
        where = f"additional_findings[{k}]"
        r.mapping(raw, where, ("id", "class", "description", "affected_goods", "impact", "sefa_impact", "status",
                               "operator_response", "location"))
        for required in ("id", "class", "description"):
            if raw.get(required) is None:
                r.fail(f"{where}.{required}", "is required", None, None)
        impact = r.impacts(raw.get("impact"), f"{where}.impact")
        d.own.append(OwnFinding(
            id=r.text(raw["id"], f"{where}.id") or "", klass=r.choice(raw["class"], f"{where}.class", CLASSES),
            description=r.text(raw["description"], f"{where}.description") or "",
            affected_goods=sorted(set(r.rows(raw.get("affected_goods"), f"{where}.affected_goods")) | set(impact)),
            impact=impact, sefa_impact=r.impacts(raw.get("sefa_impact"), f"{where}.sefa_impact"),
            status=r.choice(raw.get("status"), f"{where}.status", STATUSES, "open"),
            operator_response=r.text(raw.get("operator_response"), f"{where}.operator_response"),
            location=r.text(raw.get("location"), f"{where}.location")))
    return d


def read_decisions(path: Path) -> Decisions:
    from cbam_exchange.readers.mapping_file import read_mapping_file

    return parse_decisions(read_mapping_file(path, "verifier decisions"), str(path))
