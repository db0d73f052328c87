"""Reader for the operator's summary emissions report (Annex IV §1.2) that `cbam annex-iv` writes as JSON
(schemas/annex-iv-summary-report-1.0.schema.json), for the importer's workspace.

A file that is not a valid summary (another format, another contract version, a §1.2 item missing, a value of the
wrong kind) is UnreadableInput naming the file and the field. Values are taken by item number and by their `ref`
(the good's product row, or the precursor id), never by their position or their English labels alone.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.model.summary_report import (FORMAT_ID, ITEMS, READABLE_VERSIONS, SummaryGood, SummaryPrecursor,
                                                SummaryReport)

NOT_PROVIDED = "not provided"
FULL_REPORT = "cbam-exchange/annex-iv-operator-emissions-report"
_MAX_BYTES = 64 * 1024 * 1024
# labels of §1.2 (4)(c) per good (annex_iv/summary.py), mapped to SummaryGood fields
_INDIRECT = {"share of indirect emissions from actual values, %": "indirect_actual_share",
             "share of indirect emissions from default values, %": "indirect_default_share",
             "SEE indirect, tCO2e per unit": "see_indirect"}
_PRECURSOR = {"CN code": "cn_code", "name": "name", "country of origin": "country_code", "SEE direct": "see_direct",
              "default value applied, SEE direct": "see_direct", "reporting period from": "period_start",
              "reporting period to": "period_end"}
_ORIGIN = {"operator": "origin_operator", "installation": "origin_installation",
           "CBAM Registry installation identifier (if any)": "origin_registry_id"}
_SHARES = {"default_share", "indirect_actual_share", "indirect_default_share"}


def is_summary_report(data: Any) -> bool:
    return isinstance(data, dict) and str(data.get("format", "")).startswith("cbam-exchange/annex-iv-")


@cache
def _validator() -> Any:
    import jsonschema

    from cbam_exchange.resources import data_dir

    schema = json.loads((data_dir("schemas") / "annex-iv-summary-report-1.0.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _path(parts: Any) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(document)"


def read_summary_report(path: Path, data: dict[str, Any] | None = None) -> SummaryReport:
    name = str(path)
    if data is None:
        if path.stat().st_size > _MAX_BYTES:
            raise UnreadableInput(name, "file too large for a summary report", expected=f"at most {_MAX_BYTES} bytes")
        try:
            data = json.loads(path.read_bytes())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UnreadableInput(name, "not valid JSON", found=str(exc)) from None
        except RecursionError:
            raise UnreadableInput(name, "JSON nested too deeply to read", expected="a summary report") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_ID:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        why = ("the operator's emissions report (§1.1) is for the verifier; an importer collects the summary report "
               "(§1.2)" if found == FULL_REPORT else "not an Annex IV summary report")
        raise UnreadableInput(name, why, location="format", found=repr(found), expected=repr(FORMAT_ID))
    version = data.get("format_version")
    if version not in READABLE_VERSIONS:
        raise UnreadableInput(name, "unsupported summary-report contract version", location="format_version",
                              found=repr(version), expected=" or ".join(repr(v) for v in READABLE_VERSIONS))
    error = next(iter(sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        raise UnreadableInput(name, "not a valid summary report", location=_path(error.absolute_path),
                              found=error.message[:200])
    twice = [n for n, count in Counter(i["item"] for i in data["sections"][0]["items"]).items() if count > 1]
    if twice:
        raise UnreadableInput(name, f"Annex IV §1.2 item {twice[0]} given twice", location="sections[0].items",
                              expected="each item once")
    items = {i["item"]: i for i in data["sections"][0]["items"]}
    missing = [n for n in ITEMS if n not in items]
    if missing:
        raise UnreadableInput(name, f"Annex IV §1.2 item {missing[0]} missing", location="sections[0].items",
                              expected="every item of §1.2, (1)(a) to (16)")
    return _Reading(name, items).report(data)


def _value(entry: dict[str, Any]) -> Any:
    value = entry["value"]
    return None if value == NOT_PROVIDED else value


class _Reading:
    def __init__(self, name: str, items: dict[str, dict[str, Any]]) -> None:
        self.name, self.items = name, items
        self.seen: set[tuple[str, int, str]] = set()  # (item, row, field): a second value would silently win

    def one(self, number: str) -> str | None:
        """A name or identifier: text only (a number would become another identifier than the one meant)."""
        for entry in self.items[number]["values"]:
            value = _value(entry)
            if value is not None and not isinstance(value, str):
                raise UnreadableInput(self.name, "not text", location=f"item {number}", found=repr(value)[:80],
                                      expected="a JSON string")
            return value
        return None

    def text(self, number: str, entry: dict[str, Any]) -> str | None:
        value = _value(entry)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
            raise UnreadableInput(self.name, "not a single value", location=f"item {number} value",
                                  found=str(value)[:80])
        return None if value is None else str(value)

    def number(self, number: str, entry: dict[str, Any], what: str, low: float = 0.0,
               high: float = math.inf) -> float | None:
        """A finite number within [low, high] (shares are percent; coordinates may be negative)."""
        value = _value(entry)
        if value is None:
            return None
        if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
                or not low <= value <= high):
            ref = entry.get("ref") or {}
            about = f", row {ref['row']}" if "row" in ref else f", {ref['precursor']}" if "precursor" in ref else ""
            expected = f"a number from {low:g} to {high:g}" if math.isfinite(high) else f"a finite number >= {low:g}"
            raise UnreadableInput(self.name, f"{what} is not a usable number", location=f"item {number}{about}",
                                  found=repr(value)[:80], expected=expected)
        return float(value)

    def set_number(self, good: SummaryGood, number: str, entry: dict[str, Any], field_name: str) -> None:
        if (number, good.row, field_name) in self.seen:
            raise UnreadableInput(self.name, f"{field_name} of one good given twice",
                                  location=f"item {number}, row {good.row}", found=repr(_value(entry))[:80],
                                  expected="one value per good")
        self.seen.add((number, good.row, field_name))
        high = 100.0 if field_name in _SHARES else math.inf
        setattr(good, field_name, self.number(number, entry, field_name, high=high))

    def good(self, goods: dict[int, SummaryGood], number: str, entry: dict[str, Any]) -> SummaryGood:
        ref = entry.get("ref") or {}
        if "row" not in ref:
            raise UnreadableInput(self.name, "a value about a good without its product row",
                                  location=f"item {number} ref.row", expected='"ref": {"row": N, "cn_code": ...}')
        good = goods.setdefault(ref["row"], SummaryGood(ref["row"], ref.get("cn_code")))
        subject = entry.get("subject") or ""
        if good.name is None and subject.endswith(")") and " (" in subject:
            good.name = subject[subject.index(" (") + 2:-1]
        return good

    def report(self, data: dict[str, Any]) -> SummaryReport:
        goods: dict[int, SummaryGood] = {}
        for number, field_name in (("(4)(a)", "see_direct"), ("(4)(b)", "default_share"), ("(4)(e)", "sefa")):
            for entry in self.items[number]["values"]:
                self.set_number(self.good(goods, number, entry), number, entry, field_name)
        for entry in self.items["(4)(c)"]["values"]:
            field_name = _INDIRECT.get(entry.get("label", ""))
            if field_name:
                self.set_number(self.good(goods, "(4)(c)", entry), "(4)(c)", entry, field_name)
        for entry in self.items["(4)(d)"]["values"]:
            if entry.get("label", "").startswith("SEE direct"):
                self.set_number(self.good(goods, "(4)(d)", entry), "(4)(d)", entry, "see_direct")
        for entry in self.items["(3)"]["values"]:
            process = entry["value"] if isinstance(entry["value"], dict) else {}
            for good in goods.values():
                if good.cn_code and good.cn_code in (process.get("cn_codes") or []):
                    good.process = process.get("name") or entry.get("subject")
        address = {e.get("label", "").replace(" ", "_"): self.text("(2)(d)", e) for e in self.items["(2)(d)"]["values"]}
        installation = {"name": self.one("(2)(a)"), "unlocode": self.one("(2)(c)"),
                        "latitude": self.number("(2)(e)", _labelled(self.items["(2)(e)"], "latitude"), "latitude",
                                                -90, 90),
                        "longitude": self.number("(2)(e)", _labelled(self.items["(2)(e)"], "longitude"), "longitude",
                                                 -180, 180),
                        **{k: address.get(k) for k in ("street", "post_code", "city", "country_code")}}
        period = _period(data["reporting_period"], self.name)
        return SummaryReport(
            generated=_utc(data["generated"], self.name), period_start=period["start"], period_end=period["end"],
            free_allocation_year=data.get("free_allocation_year"), installation=installation,
            operator=self.one("(1)(a)"), registry_installation_id=self.one("(2)(b)"),
            goods=[goods[row] for row in sorted(goods)], precursors=self.precursors(),
            verification=data.get("verification"))

    def precursors(self) -> list[SummaryPrecursor]:
        found: dict[str, SummaryPrecursor] = {}
        for number, kind, fields in (("(12)", "default", _PRECURSOR), ("(13)", "actual", _PRECURSOR),
                                     ("(16)", "actual", _ORIGIN)):
            for entry in self.items[number]["values"]:
                field_name = fields.get(entry.get("label", ""))
                ident = (entry.get("ref") or {}).get("precursor") or (entry.get("subject") or "").split(" ")[0]
                if not field_name or not ident:
                    continue
                precursor = found.setdefault(ident, SummaryPrecursor(ident, kind))
                value = (self.number(number, entry, field_name) if field_name == "see_direct"
                         else self.text(number, entry))
                setattr(precursor, field_name, None if value is None else value if field_name == "see_direct"
                        else str(value))
        return list(found.values())


def _labelled(item: dict[str, Any], label: str) -> dict[str, Any]:
    return next((e for e in item["values"] if e.get("label") == label), {"value": NOT_PROVIDED})


def _period(period: dict[str, Any], name: str) -> dict[str, Any]:
    """The reporting period, refused where a day does not exist or it ends before it starts (the schema checks the
    shape only): a summary's period decides which submission it supersedes."""
    try:
        days = [dt.date.fromisoformat(period[k]) for k in ("start", "end") if period[k] is not None]
    except ValueError:
        days = None
    if days is None or (len(days) == 2 and days[0] > days[1]):
        raise UnreadableInput(name, "not a reporting period", location="reporting_period",
                              found=f"{period['start']} to {period['end']}",
                              expected="two dates that exist, the start not after the end")
    return period


def _utc(text: str, name: str) -> str:
    """The report's own date as UTC ISO, comparable with the workbooks' dates."""
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UnreadableInput(name, "not a date and time", location="generated", found=repr(text)[:60],
                              expected="ISO 8601, e.g. 2026-03-01T10:00:00+00:00") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
