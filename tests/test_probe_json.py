"""Issue 17 probes of the JSON readers: nesting deeper than Python's parser follows, and a JSON document that is not
an object, are input errors (exit 2) that say so, not internal errors (exit 3) nor advice to save an .xlsx."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.readers import read_submission
from cbam_exchange.readers.summary_report import read_summary_report

DEEP = '{"a": ' * 100_000 + "1" + "}" * 100_000


def test_a_submission_nested_too_deeply_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    with pytest.raises(UnreadableInput) as caught:
        read_submission(path)
    assert caught.value.file == str(path) and "nested too deeply" in caught.value.problem


def test_a_summary_report_nested_too_deeply_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format": "cbam-exchange/annex-iv-summary-report", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(UnreadableInput) as caught:
        read_summary_report(path)
    assert caught.value.file == str(path) and "nested too deeply" in caught.value.problem
    from cbam_exchange.workspace.collect import process_file
    error = process_file(path)["error"]
    assert "internal error" not in error and "nested too deeply" in error


@pytest.mark.parametrize("text", ["[]", '  ["format"]', "42", '"text"'])
def test_a_json_file_that_is_not_an_object_is_told_as_json(tmp_path: Path, text: str) -> None:
    path = tmp_path / "list.json"
    path.write_text(text)
    with pytest.raises(UnreadableInput) as caught:
        read_submission(path)
    assert caught.value.problem == "not a cbam-exchange submission" and ".xlsx" not in caught.value.describe()
