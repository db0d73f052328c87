"""The JSON exchange format: its schema is the model's, examples validate, and JSON -> model -> JSON is lossless."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.model.schema import schema_path, schema_text
from cbam_exchange.model.submission import FORMAT_VERSION, Submission
from cbam_exchange.readers import read_submission
from cbam_exchange.writers.json_exchange import submission_to_dict, submission_to_json
from tests.conftest import EXAMPLES


def test_committed_schema_is_the_one_the_model_generates() -> None:
    assert schema_path().read_text(encoding="utf-8") == schema_text(), \
        "schemas/ is stale: run python -m cbam_exchange.model.schema --write"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_validate_against_the_schema_and_round_trip(example: Path) -> None:
    original = json.loads(example.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(schema_path().read_text())).validate(original)
    again = submission_to_dict(read_submission(example))
    assert again["format_version"] == FORMAT_VERSION  # examples may be of an older minor version; we write ours
    same = {**original, "format_version": FORMAT_VERSION}
    assert again == same
    assert json.loads(submission_to_json(Submission.from_dict(again))) == same


def test_there_are_at_least_three_examples_covering_three_sectors() -> None:
    categories = {p.category for e in EXAMPLES for p in read_submission(e).processes}
    assert len(EXAMPLES) >= 3
    assert {"Crude steel", "Cement clinker", "Unwrought aluminium"} <= categories


def test_zero_is_kept_and_not_provided_is_omitted() -> None:
    s = Submission.from_dict({"source": {"format": "json"},
                                   "processes": [{"id": "P1", "direct_emissions": 0, "electricity_consumed": None}]})
    process = submission_to_dict(s)["processes"][0]
    assert process["direct_emissions"] == 0
    assert "electricity_consumed" not in process


def test_schema_rejects_what_the_model_rejects() -> None:
    schema = json.loads(schema_path().read_text())
    bad = {"format": "cbam-exchange/submission", "format_version": "1.1", "source": {"format": "json"},
           "processes": [{"id": "P1", "direct_emissions": "lots"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


@pytest.mark.parametrize("text, where", [
    ('{"format": "cbam-exchange/submission", "format_version": "1.0", "source": {"format": "json"}, '
     '"processes": [{"id": "P1", "direct_emissions": "lots"}]}', "processes[0].direct_emissions"),
    ('{"format": "something-else"}', "format"),
    ('{"format": "cbam-exchange/submission", "format_version": "9.0", "source": {"format": "json"}}',
     "format_version"),
    ('{"format": "cbam-exchange/submission", ', "line 1"),
])
def test_bad_json_names_the_place(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(UnreadableInput) as err:
        read_submission(path)
    assert where in err.value.describe() and str(path) in err.value.describe()
