"""Each good's embedded emissions as a WBCSD PACT (Pathfinder) v3 ProductFootprint with a CBAM extension.

The footprint covers the CBAM system boundaries of IR 2025/2547 (direct emissions of the production processes and
of their relevant precursors, plus indirect emissions from electricity), not a full cradle-to-gate PCF; the comment
and `boundaryProcessesDescription` say so. Nothing is invented: a good whose footprint or a value PACT requires
(the fossil carbon content, from the template's carbon content %) is not provided is left out, with the reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cbam_exchange.annex_iv import scope, summary
from cbam_exchange.annex_iv.items import Sources
from cbam_exchange.model.identity import installation_id
from cbam_exchange.model.submission import Product

SPEC_VERSION = "3.0.0"
EXTENSION_SCHEMA = "https://cbam-exchange.example/schemas/pact-cbam-extension-1.0.schema.json"
NAMESPACE = uuid.UUID("6f1c1d3e-2b8a-4c61-9a57-0c5a2e7d9b11")  # stable ids: same good and period, same footprint id
# The GWPs of IR 2025/2547 Annex II G Table 6 (N2O 265, CF4 6630, C2F6 11100; reference/calculation_constants.toml)
# are the IPCC Fifth Assessment Report's 100-year values.
CHARACTERIZATION = ["AR5"]
STANDARD = "EU CBAM: Regulation (EU) 2023/956 and Implementing Regulation (EU) 2025/2547 (Annexes II and III)"
BOUNDARY = ("CBAM system boundaries (IR 2025/2547 Annex II and III): direct emissions of the installation's "
            "production processes and of the relevant precursors, and indirect emissions of the electricity used; "
            "no extraction or transport of raw materials and fuels, no other life-cycle stage")


@dataclass
class Skipped:
    row: int
    reason: str


def _decimal(value: float) -> str:
    text = format(Decimal(repr(value)).normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _footprint(src: Sources, k: int, product: Product, created: str) -> dict[str, Any] | str:
    s = src.submission
    period = s.reporting_period
    if period.start is None or period.end is None:
        return "the reporting period is not provided"
    direct, indirect = summary.see(src, product, "direct"), summary.see(src, product, "indirect")
    if direct.value is None or indirect.value is None:
        return "its specific embedded emissions cannot be stated (not provided and not computable)"
    electricity = scope.is_electricity(s, product)
    carbon = product.parameters.carbon_percent
    if carbon is None and not electricity:
        return "its carbon content (PACT's fossilCarbonContent, required) is not provided: template Summary_Products " \
               "column V (carbon content %)"
    d = s.definitive
    operator = d.operator.name if d else None
    company = operator or s.installation.name
    if not company:
        return "neither the operator's nor the installation's name is provided (PACT's companyName)"
    inst = installation_id(s)
    total = direct.value + indirect.value
    per_unit = total * 1000  # tCO2e per t (or MWh) = kgCO2e per 1000 kg (or 1000 kWh)
    share = summary.default_share(src, product)
    sefa = summary.sefa(src, product) if not electricity else None
    registry = d.registry_installation_id if d else None
    ids = [f"urn:pact:company:customcode:vendor-assigned:{registry or inst}"]
    pcf: dict[str, Any] = {
        "declaredUnitOfMeasurement": "kilowatt hour" if electricity else "kilogram",
        "declaredUnitAmount": "1000",
        "productMassPerDeclaredUnit": "0" if electricity else "1000",
        "referencePeriodStart": _stamp(period.start),
        "referencePeriodEnd": _stamp(period.end + dt.timedelta(days=1)),
        "pcfExcludingBiogenicUptake": _decimal(per_unit),
        "pcfIncludingBiogenicUptake": _decimal(per_unit),
        "fossilGhgEmissions": _decimal(per_unit),
        "fossilCarbonContent": "0" if electricity else _decimal(carbon * 10),  # % of 1000 kg, in kg C
        "ipccCharacterizationFactors": CHARACTERIZATION,
        "crossSectoralStandards": [STANDARD],
        "exemptedEmissionsPercent": "0",
        "exemptedEmissionsDescription": "none within the CBAM system boundaries",
        "boundaryProcessesDescription": BOUNDARY,
        "allocationRulesDescription": "attribution to production processes and goods by IR 2025/2547 Annex II F",
    }
    if s.installation.country_code:
        pcf["geographyCountry"] = s.installation.country_code
    if share.value is not None:
        pcf["primaryDataShare"] = _decimal(100.0 - share.value)
    key = f"{inst}|{product.row}|{product.cn_code}|{period.start}|{period.end}"
    return {
        "id": str(uuid.uuid5(NAMESPACE, key)),
        "specVersion": SPEC_VERSION,
        "created": created,
        "status": "Active",
        "companyName": company,
        "companyIds": ids,
        "productDescription": f"{product.name or 'good'} (CN {product.cn_code or 'not provided'}), "
                              f"{s.installation.name or 'installation not named'}",
        "productIds": [f"urn:pact:product:customcode:vendor-assigned:{inst}-row{product.row}"],
        "productNameCompany": product.name or f"CN {product.cn_code or '?'} (row {product.row})",
        "comment": "Specific embedded emissions (direct + indirect) under the EU CBAM methodology; not a full "
                   "cradle-to-gate PCF. The CBAM extension gives the figures the declaration uses.",
        "pcf": pcf,
        "extensions": [{"specVersion": "1.0", "dataSchema": EXTENSION_SCHEMA, "data": {
            "cnCode": product.cn_code,
            "aggregatedGoodsCategory": scope.good_category(s, product),
            "installation": {"name": s.installation.name, "registryId": registry, "unlocode": s.installation.unlocode,
                             "countryCode": s.installation.country_code, "operator": operator},
            "reportingPeriod": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            "unit": "tCO2e/MWh" if electricity else "tCO2e/t",
            "seeDirect": direct.value, "seeIndirect": indirect.value,
            "indirectCounted": scope.counts_indirect(s, product),
            "defaultValueSharePercent": share.value,
            "sefa": sefa.value if sefa else None,
            "sources": {"seeDirect": direct.source, "seeIndirect": indirect.source,
                        "defaultValueSharePercent": share.source, "sefa": sefa.source if sefa else None,
                        "fossilCarbonContent": src.where(f"products[{k}].parameters.carbon_percent")},
        }}],
    }


def pact_footprints(src: Sources) -> tuple[list[dict[str, Any]], list[Skipped]]:
    """One ProductFootprint per good that can be stated, and the goods left out with the reason."""
    created = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    out, skipped = [], []
    for k, product in enumerate(src.submission.products):
        result = _footprint(src, k, product, created)
        if isinstance(result, str):
            skipped.append(Skipped(product.row, result))
        else:
            out.append(result)
    return out, skipped
