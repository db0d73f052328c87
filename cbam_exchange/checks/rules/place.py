"""ID (continued): where the installation is, which regime its period falls under, and which template it used."""

from __future__ import annotations

import re

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, finite
from cbam_exchange.checks.rules.identity import in_country
from cbam_exchange.layouts import known_layouts
from cbam_exchange.reference import plausibility


def _version(text: str | None) -> tuple[int, ...] | None:
    numbers = re.findall(r"\d+", text or "")
    return tuple(int(n) for n in numbers[:3]) if numbers else None


def newest_layout() -> str:
    return max(known_layouts(), key=lambda v: _version(v) or ())


@rule("ID-011", "template-version-old", "info",
      "The file uses template version {value}; the newest the toolkit knows is {expected}.",
      rationale="Later versions of the template fix formulas and add fields; a file on an older version is read, "
                "but the supplier should move to the newest for the next period.",
      remedy="Use the Commission's newest communication template for the next reporting period.",
      reference="Commission communication template for installations (version history in 0_Versions)",
      bad=Example({"source.template_version": "2.1"}, "source.template_version"),
      good=Example({"source.template_version": "2.1.1"}))
def template_version_old(ctx: CheckContext) -> None:
    found = _version(ctx.submission.source.template_version)
    newest = newest_layout()
    limit = _version(plausibility()["template"]["oldest_meaningful"])
    if found is not None and limit is not None and limit <= found < (_version(newest) or ()):
        ctx.report("source.template_version", value=ctx.submission.source.template_version, expected=newest)


@rule("ID-012", "template-version-before-2", "error",
      "The file uses template version {value}, older than {expected}: percentages and the electricity of "
      "precursors meant something else then, so its figures cannot be read as today's.",
      rationale="Version 2.0 of the template changed the meaning of percentage inputs and how the electricity "
                "embedded in precursors is reported; a 1.x file read with today's meaning gives wrong SEE.",
      remedy="Transfer the data into the newest communication template and check every percentage and the "
             "precursors' electricity.",
      reference="Commission communication template for installations, version 2.0 release notes (0_Versions)",
      bad=Example({"source.template_version": "1.3.2"}, "source.template_version"),
      good=Example({}))
def template_version_before_2(ctx: CheckContext) -> None:
    found = _version(ctx.submission.source.template_version)
    limit = plausibility()["template"]["oldest_meaningful"]
    if found is not None and found < (_version(limit) or ()):
        ctx.report("source.template_version", value=ctx.submission.source.template_version, expected=limit)


@rule("ID-013", "coordinates-outside-country", "warning",
      "The coordinates ({value}) lie outside {country} (its extent from Natural Earth, with a margin of "
      "{margin} degrees).",
      rationale="The coordinates locate the main emission source; outside the installation's country they are "
                "wrong (a sign or a digit) or the country is, and with it the default values.",
      remedy="Enter the coordinates of the main emission source in decimal degrees (A_InstData I28, I29) or "
             "correct the country (I26).",
      reference="IR (EU) 2025/2547 Annex IV 1.1 item 1; methodology 10.1 S3",
      bad=Example({"installation.latitude": 4.2, "installation.longitude": 2.1}, "installation.latitude",
                  "A_InstData!I28"),
      good=Example({}))
def coordinates_outside_country(ctx: CheckContext) -> None:
    inst = ctx.submission.installation
    lat, lon = inst.latitude, inst.longitude
    if not (finite(lat) and finite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
        return  # ID-004's concern
    if in_country(inst.country_code, lat, lon) is False and not in_country(inst.country_code, lon, lat):
        ctx.report("installation.latitude", value=f"{lat}, {lon}", country=inst.country_code,
                   margin=plausibility()["coordinates"]["margin_degrees"])


@rule("ID-014", "period-too-short", "error",
      "The reporting period {start} to {value} covers {days} days, shorter than the {expected} days the rules "
      "allow.",
      rationale="Embedded emissions are determined over a reporting period of at least three months (transitional "
                "period) and of a calendar year (definitive period, new installations excepted); a shorter period "
                "does not represent the production.",
      remedy="Report over the full period the rules require (A_InstData I9 to L9).",
      reference="IR (EU) 2023/1773 Art. 4 (transitional, at least 3 months); IR (EU) 2025/2547 Art. 7; methodology "
                "10.1 S4",
      bad=Example({"reporting_period.end": "2026-02-15"}, "reporting_period.end", "A_InstData!L9"),
      good=Example({}))
def period_too_short(ctx: CheckContext) -> None:
    p = ctx.submission.reporting_period
    if not (p.start and p.end) or p.end < p.start:
        return
    days = (p.end - p.start).days + 1
    minimum = plausibility()["period"]["minimum_days"]
    if days < minimum:
        ctx.report("reporting_period.end", value=p.end, expected=minimum, start=p.start, days=days)


@rule("ID-015", "period-date-as-text", "error",
      "The reporting period {which} holds {value!r}: {detail}.",
      rationale="The template validates the period's dates and computes with them; a date typed as text passes "
                "neither and the period is unknown to the template's formulas.",
      remedy="Enter the date as a date (A_InstData I9 and L9), e.g. by choosing it from Excel's date format.",
      reference="Template 2.1.1 A_InstData I9/L9 (date validation from 2000-01-01)", template_only=True,
      bad=Example({"cell:A_InstData!I9": "01.01.2026"}, "reporting_period.start", "A_InstData!I9"),
      good=Example({}))
def period_date_as_text(ctx: CheckContext) -> None:
    for note in ctx.submission.notes:
        if note.path in ("reporting_period.start", "reporting_period.end") and \
                note.code in ("READ-TYPE", "READ-TEXT-AS-VALUE"):
            ctx.report(note.path, value=note.found, detail=note.message, which=note.path.split(".")[1],
                       at=(note.sheet, note.cell))


@rule("ID-016", "installation-not-a-cbam-origin", "error",
      "The installation is in {value}, a country whose goods are not CBAM imports (EU or Annex III).",
      rationale="Goods from the EU customs territory, Iceland, Liechtenstein, Norway and Switzerland (Annex III) "
                "are outside CBAM; a communication for them is either for the wrong installation or the country "
                "is wrong, and with it the default values.",
      remedy="Check the installation's country (A_InstData I26); CBAM covers installations in third countries only.",
      reference="Reg. (EU) 2023/956 Art. 2(4) and Annex III",
      bad=Example({"installation.country_code": "DE", "installation.country": "Germany", "installation.unlocode": "DEDUI",
                   "installation.latitude": 51.43, "installation.longitude": 6.76}, "installation.country_code",
                  "A_InstData!I26"),
      good=Example({}))
def not_a_cbam_origin(ctx: CheckContext) -> None:
    code = (ctx.submission.installation.country_code or "").strip().upper()
    if code and code in set(plausibility()["zero_origin"]["countries"]):
        ctx.report("installation.country_code", value=code)
