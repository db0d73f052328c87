"""Issue 17 probes of the verifier's decisions file: a misstatement's impact that is not a finite number (YAML .nan
or .inf, an integer too large for a float) would make every materiality comparison false and the draft silently
judge it immaterial; it is refused naming the file and the field."""

from __future__ import annotations

import pytest

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.verification.decisions import parse_decisions


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 10 ** 400])
@pytest.mark.parametrize("field", ["impact", "sefa_impact"])
def test_an_impact_that_is_not_a_finite_number_is_refused(value: float, field: str) -> None:
    finding = {"id": "A1", "class": "misstatement", "description": "tonnage double-counted", field: {3: value},
               "status": "uncorrected"}
    with pytest.raises(UnreadableInput) as caught:
        parse_decisions({"additional_findings": [finding]}, "decisions.yaml")
    assert caught.value.file == "decisions.yaml"
    assert caught.value.location == f"additional_findings[0].{field}.3"
    assert "finite" in (caught.value.expected or "")
