"""Format 1.1: the definitive-period block (Annex IV data the template lacks) in the model and JSON, 1.0 still read."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.model.schema import schema_path
from cbam_exchange.readers import read_submission
from cbam_exchange.writers.json_exchange import submission_to_dict
from tests.conftest import ROOT

LEGACY = ROOT / "tests" / "data" / "legacy-submission-1.0.json"
SCHEMA_1_0 = ROOT / "schemas" / "submission-1.0.schema.json"

DEFINITIVE = {
    "operator": {"name": "Acme Steel Ltd", "registration_number": "HRB 12345",
                 "address": {"street": "1 Mill Road", "city": "Sheffield", "country_code": "GB"}},
    "registry_installation_id": "GB-INST-000123",
    "new_installation": False,
    "zero_rated_fuels": {"used": False},
    "co2": {"capture_used": False, "transfer_used": True,
            "transfers": [{"direction": "sent", "purpose": "geological storage", "amount": 0,
                           "counterpart": {"name": "North Sea Store", "contact": "J. Smith"}}]},
    "goods": [{"product_row": 1, "sefa": 1.234, "benchmarks_confirmed": True, "default_share": 0,
               "indirect_actual_share": 40.0, "indirect_default_share": 60.0}],
    "precursors": [{"precursor_id": "PP1", "cn_code": "72021120", "values": "actual",
                    "period_start": "2026-01-01", "period_end": "2026-12-31",
                    "period_basis": "default reporting period", "year_of_use": 2026,
                    "origin": {"operator": "Ferro SA", "installation": "Ferro plant 2", "registry_id": "ZA-77",
                               "verifier": "Verif GmbH", "verified": True},
                    "averaging": {"over": "installations", "method": "Art 14(2) default method",
                                  "installations": ["ZA-77", "ZA-78"], "see_used": 1.5}}],
}


def _doc(version: str = "1.1", **extra: object) -> dict:
    return {"format": "cbam-exchange/submission", "format_version": version, "source": {"format": "json"}, **extra}


def test_a_1_1_document_with_definitive_data_round_trips_and_validates(tmp_path: Path) -> None:
    original = _doc(definitive=DEFINITIVE)
    jsonschema.Draft202012Validator(json.loads(schema_path().read_text())).validate(original)
    path = tmp_path / "s.json"
    path.write_text(json.dumps(original))
    submission = read_submission(path)
    assert submission.definitive.goods[0].sefa == 1.234
    assert submission.definitive.precursors[0].origin.registry_id == "ZA-77"
    assert submission_to_dict(submission) == original


def test_not_provided_is_kept_apart_from_false_and_zero(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_doc(definitive=DEFINITIVE)))
    d = read_submission(path).definitive
    assert d.new_installation is False and d.monitoring_months is None
    assert d.goods[0].default_share == 0 and d.goods[0].pt6_confirmed is None
    assert d.co2.transfers[0].amount == 0 and d.co2.transfers[0].captured is None
    out = submission_to_dict(read_submission(path))["definitive"]
    assert out["new_installation"] is False and "monitoring_months" not in out
    assert out["goods"][0]["default_share"] == 0 and "pt6_confirmed" not in out["goods"][0]


def test_old_1_0_files_still_read_and_are_written_as_1_1(tmp_path: Path) -> None:
    legacy = json.loads(LEGACY.read_text())
    assert legacy["format_version"] == "1.0"
    jsonschema.Draft202012Validator(json.loads(SCHEMA_1_0.read_text())).validate(legacy)
    submission = read_submission(LEGACY)
    assert submission.definitive is None
    written = submission_to_dict(submission)
    assert written["format_version"] == "1.1" and "definitive" not in written
    jsonschema.Draft202012Validator(json.loads(schema_path().read_text())).validate(written)
    assert {k: v for k, v in written.items() if k != "format_version"} == \
        {k: v for k, v in legacy.items() if k != "format_version"}


@pytest.mark.parametrize("change, where", [
    (lambda d: d.update(registry_installation_id="has spaces in it"), "definitive.registry_installation_id"),
    (lambda d: d["goods"][0].update(indirect_actual_share=140.0), "definitive.goods[0].indirect_actual_share"),
    (lambda d: d["precursors"][0].update(cn_code="7202-11"), "definitive.precursors[0].cn_code"),
    (lambda d: d["precursors"][0].update(period_start="2026-13-01"), "definitive.precursors[0].period_start"),
    (lambda d: d["precursors"][0].update(values="measured"), "definitive.precursors[0].values"),
    (lambda d: d["operator"]["address"].update(country_code="gb"), "definitive.operator.address.country_code"),
    (lambda d: d["goods"][0].update(sefa=-1.0), "definitive.goods[0].sefa"),
])
def test_bad_definitive_values_are_refused_naming_the_field(tmp_path: Path, change, where: str) -> None:
    data = json.loads(json.dumps(DEFINITIVE))
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_doc(definitive=data)))
    with pytest.raises(UnreadableInput) as err:
        read_submission(path)
    assert f"[{where}]" in err.value.describe()
    with pytest.raises(jsonschema.ValidationError):  # the schema says the same
        jsonschema.validate(_doc(definitive=data), json.loads(schema_path().read_text()),
                            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_a_1_0_document_cannot_carry_1_1_fields(tmp_path: Path) -> None:
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(_doc("1.0", definitive={"registry_installation_id": "X-123"})))
    with pytest.raises(UnreadableInput, match="1.1"):
        read_submission(path)
