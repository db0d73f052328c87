"""ID: identity and period of the installation and its goods (methodology 10.1)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext, finite, key
from cbam_exchange.reference import plausibility
from cbam_exchange.reference.country_data import country_boxes
from cbam_exchange.reference.tables import cn_info


@rule("ID-001", "period-order", "error", "The reporting period ends ({value}) before it starts ({start}).",
      rationale="A period that ends before it starts makes every annual figure meaningless.",
      remedy="Correct the start or end date in A_InstData (I9, L9).",
      reference="IR (EU) 2025/2547 Art. 7 (reporting period)", blocking=True,
      bad=Example({"reporting_period.end": "2025-12-31"}, "reporting_period.end", "A_InstData!L9"),
      good=Example({}))
def period_order(ctx: CheckContext) -> None:
    p = ctx.submission.reporting_period
    if p.start and p.end and p.end < p.start:
        ctx.report("reporting_period.end", value=p.end, expected=f"a date after {p.start}", start=p.start)


def _months(start: dt.date, end: dt.date) -> float:
    return ((end - start).days + 1) / 30.4375


@rule("ID-002", "period-coverage", "warning",
      "The reporting period {value} to {end} covers {months:.1f} months, not one calendar year.",
      rationale="In the definitive period embedded emissions are reported per calendar year of production; a "
                "shorter period needs a reason (e.g. a new installation) that the verifier can check.",
      remedy="Report 1 January to 31 December, or explain the shorter period under 'additional information'.",
      reference="IR (EU) 2025/2547 Art. 7; IR (EU) 2025/2620 Annex pt 1(2); methodology 10.1 S4/S8",
      bad=Example({"reporting_period.start": "2026-04-01"}, "reporting_period.start", "A_InstData!I9"),
      good=Example({}))
def period_coverage(ctx: CheckContext) -> None:
    p = ctx.submission.reporting_period
    if not (p.start and p.end) or p.end < p.start:
        return
    if (p.start.month, p.start.day, p.end.month, p.end.day) != (1, 1, 12, 31) or p.start.year != p.end.year:
        ctx.report("reporting_period.start", value=p.start, expected="1 January to 31 December of one year",
                   end=p.end, months=_months(p.start, p.end))


@rule("ID-003", "unlocode-country", "error",
      "The UN/LOCODE {value} starts with {prefix}, but the installation's country is {expected}.",
      rationale="A UN/LOCODE begins with the ISO code of its country; a mismatch means a wrong location or a wrong "
                "country of origin, and with it a wrong default value.",
      remedy="Enter the UN/LOCODE of the installation's location (A_InstData I27) or correct the country (I26).",
      reference="IR (EU) 2025/2547 Annex IV 1.1; methodology 10.1 S2",
      bad=Example({"installation.unlocode": "DEHAM"}, "installation.unlocode", "A_InstData!I27"),
      good=Example({}))
def unlocode_country(ctx: CheckContext) -> None:
    inst = ctx.submission.installation
    code = (inst.unlocode or "").replace(" ", "").upper()
    if code and inst.country_code and code[:2] != inst.country_code.upper():
        ctx.report("installation.unlocode", value=inst.unlocode, expected=inst.country_code, prefix=code[:2])


@rule("ID-004", "coordinates-range", "error", "The coordinates ({value}) are not a place on Earth: {why}.",
      rationale="Latitude lies within ±90° and longitude within ±180°; (0, 0) is a placeholder in the Atlantic.",
      remedy="Enter the coordinates of the main emission source in decimal degrees (A_InstData I28, I29).",
      reference="IR (EU) 2025/2547 Annex IV 1.1; methodology 10.1 S3",
      bad=Example({"installation.latitude": 136.74}, "installation.latitude", "A_InstData!I28"),
      good=Example({}))
def coordinates_range(ctx: CheckContext) -> None:
    inst = ctx.submission.installation
    lat, lon = inst.latitude, inst.longitude
    if lat is None or lon is None:
        return
    if not (finite(lat) and finite(lon)):
        ctx.report("installation.latitude", value=f"{lat}, {lon}", expected="latitude -90..90, longitude -180..180",
                   why="a coordinate is not a finite number")
        return
    why = None
    if not -90 <= lat <= 90:
        why = "the latitude is outside -90..90"
    elif not -180 <= lon <= 180:
        why = "the longitude is outside -180..180"
    elif lat == 0 and lon == 0:
        why = "(0, 0) is a placeholder"
    if why:
        ctx.report("installation.latitude", value=f"{lat}, {lon}", expected="latitude -90..90, longitude -180..180",
                   why=why)


def inside(box: tuple[float, float, float, float], lat: float, lon: float, margin: float = 0.0) -> bool:
    south, north, west, east = box
    return south - margin <= lat <= north + margin and west - margin <= lon <= east + margin


def in_country(iso2: str | None, lat: float, lon: float) -> bool | None:
    """Whether a point lies in one of the country's boxes (with the table's margin); None where no box is known."""
    boxes = country_boxes(iso2)
    if not boxes:
        return None
    margin = plausibility()["coordinates"]["margin_degrees"]
    return any(inside(box, lat, lon, margin) for box in boxes)


@rule("ID-005", "coordinates-swapped", "error",
      "The coordinates {value} lie outside {country}; swapped ({swapped}) they fall inside: latitude and longitude "
      "look exchanged.",
      rationale="Swapped latitude and longitude are the commonest coordinate error; the installation then cannot "
                "be found or matched to its country.",
      remedy="Put the latitude in A_InstData I28 and the longitude in I29.",
      reference="Methodology 10.1 S3; country extents from Natural Earth (tables/country_bounding_boxes.csv)",
      bad=Example({"installation.latitude": 31.42, "installation.longitude": 41.28}, "installation.latitude",
                  "A_InstData!I28"),
      good=Example({"installation.latitude": 41.28, "installation.longitude": 31.42}))
def coordinates_swapped(ctx: CheckContext) -> None:
    inst = ctx.submission.installation
    lat, lon = inst.latitude, inst.longitude
    if not (finite(lat) and finite(lon)):
        return
    if in_country(inst.country_code, lat, lon) is False and in_country(inst.country_code, lon, lat):
        ctx.report("installation.latitude", value=f"({lat}, {lon})", expected=f"({lon}, {lat})",
                   country=inst.country_code, swapped=f"{lon}, {lat}")


@rule("ID-006", "cn-out-of-scope", "error", "CN code {value} is not a CBAM good.",
      rationale="Only goods listed in Annex I of the CBAM Regulation carry embedded emissions to declare; a code "
                "outside it is a typing error or a good that does not belong in this communication.",
      remedy="Choose the product's 8-digit CN code from the template's list (Summary_Products column F).",
      reference="Reg. (EU) 2023/956 Annex I as amended by Reg. (EU) 2025/2083; methodology 10.1 S6/S7",
      blocking=True,
      bad=Example({"products[0].cn_code": "72044900"}, "products[0].cn_code", "Summary_Products!F10"),
      good=Example({}))
def cn_out_of_scope(ctx: CheckContext) -> None:
    for k, product in enumerate(ctx.submission.products):
        if product.cn_code and cn_info(product.cn_code) is None:
            ctx.report(f"products[{k}].cn_code", value=product.cn_code, expected="an 8-digit CN code of Annex I")


@rule("ID-007", "cn-category-mismatch", "error",
      "CN code {value} is a good of category '{cn_category}', but its process '{process}' makes '{expected}'.",
      rationale="The product's CN code decides its default value and benchmark; it must belong to the aggregated "
                "goods category of the process it comes from.",
      remedy="Correct the CN code, or assign the product to the process that makes goods of its category.",
      reference="IR (EU) 2025/2547 Annex I (aggregated goods categories); methodology 10.1 S6",
      bad=Example({"products[0].cn_code": "72071210"}, "products[0].cn_code", "Summary_Products!F10"),
      good=Example({}))
def cn_category(ctx: CheckContext) -> None:
    for k, product in enumerate(ctx.submission.products):
        info = cn_info(product.cn_code)
        found = ctx.process_by_name(product.process)
        if info is None or found is None or not found[1].category:
            continue
        category = found[1].category.strip()
        if key(info.category) != key(category):
            ctx.report(f"products[{k}].cn_code", value=product.cn_code, expected=category,
                       cn_category=info.category, process=product.process)


@rule("ID-008", "nothing-to-declare", "error", "The submission has no {what}.",
      rationale="Embedded emissions are reported per production process and per good; without them there is "
                "nothing an importer can use.",
      remedy="Define the production processes (A_InstData rows 83-92) and the products (Summary_Products).",
      reference="IR (EU) 2025/2547 Annex IV 1.2", blocking=True,
      bad=Example({"products": []}, "products"), good=Example({}))
def nothing_to_declare(ctx: CheckContext) -> None:
    if not ctx.submission.processes:
        ctx.report("processes", what="production process")
    if not ctx.submission.products:
        ctx.report("products", what="product")


@rule("ID-009", "duplicate-process-name", "error",
      "Process name '{value}' is used by more than one production process.",
      rationale="The template links processes, precursors and products by name: two processes of one name merge "
                "their figures and the SEE of both is wrong.",
      remedy="Give every production process a distinct name (A_InstData column L).",
      reference="Template 2.1.1 (keys by process name); methodology 10.1 S9",
      bad=Example({"processes[3].name": "BOF steel shop and continuous casting"}, "processes[3].name",
                  "A_InstData!L86"),
      good=Example({}))
def duplicate_process(ctx: CheckContext) -> None:
    seen: dict[str, int] = {}
    for k, p in enumerate(ctx.submission.processes):
        name = key(p.name)
        if name and name in seen:
            ctx.report(f"processes[{k}].name", value=p.name, expected="a name not used by another process")
        seen.setdefault(name, k)


@rule("ID-010", "duplicate-product", "warning",
      "Product rows {rows} repeat the same process, CN code and name ({value}).",
      rationale="A repeated product row is usually a copy-paste slip and may be counted twice downstream.",
      remedy="Delete the repeated row or tell the products apart by name or CN code.",
      reference="Methodology 10.1 S9",
      bad=Example({"products[1].cn_code": "72083900", "products[1].name": "Hot-rolled coil < 3 mm, S235JR"},
                  "products[1].cn_code", "Summary_Products!F11"),
      good=Example({}))
def duplicate_product(ctx: CheckContext) -> None:
    keys = Counter()
    first: dict[tuple, int] = {}
    for k, p in enumerate(ctx.submission.products):
        row_key = (key(p.process), key(p.cn_code), key(p.name))
        keys[row_key] += 1
        if keys[row_key] == 1:
            first[row_key] = k
        else:
            ctx.report(f"products[{k}].cn_code", value=p.cn_code,
                       rows=f"{ctx.submission.products[first[row_key]].row} and {p.row}")
