"""Issue 17 probes of the small files a user writes (verifier decisions, waivers, customs column mappings): a key
given twice is refused, not the last one taken silently; a syntax error is one line with its place; nesting too deep
to parse is an input error, not an internal one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.readers.mapping_file import read_mapping_file


def refusal(path: Path) -> UnreadableInput:
    with pytest.raises(UnreadableInput) as caught:
        read_mapping_file(path, "verifier decisions")
    assert caught.value.file == str(path) and "\n" not in caught.value.describe()
    return caught.value


def test_a_yaml_key_given_twice_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("report_id: R1\nverifier:\n  company: A\n  company: B\n")
    error = refusal(path)
    assert "'company' given twice" in error.problem and "line 4" in error.describe()


def test_a_json_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('{"report_id": "R1", "report_id": "R2"}')
    assert "'report_id' given twice" in refusal(path).problem


def test_a_yaml_syntax_error_is_one_line_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("report_id: R1\nteam: [A, B\n")
    error = refusal(path)
    assert error.problem.startswith("verifier decisions is not valid YAML") and "line 3" in error.problem


@pytest.mark.parametrize(("name", "text"), [("d.json", "[" * 100_000 + "]" * 100_000),
                                            ("d.yaml", "a: " + "[" * 5000 + "]" * 5000)])
def test_nesting_too_deep_is_an_input_error(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert "nested too deeply" in refusal(path).problem


def test_the_same_key_in_two_mappings_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("findings:\n  - {fingerprint: a, status: open}\n  - {fingerprint: b, status: open}\n")
    assert [f["fingerprint"] for f in read_mapping_file(path, "verifier decisions")["findings"]] == ["a", "b"]
