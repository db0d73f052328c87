"""Issue 17 probes of output paths: an output that cannot be written is named as the user gave it, with the reason
(exit 2), not the private temporary file beside it that the user never asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.writers.atomic import write_text_atomic


def test_an_output_under_a_file_names_the_output_not_the_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text("x")
    target = tmp_path / "plain.txt" / "out.json"
    with pytest.raises(UnreadableInput) as caught:
        write_text_atomic(target, "{}")
    assert caught.value.file == str(target) and ".part" not in caught.value.describe()
    assert "cannot be written" in caught.value.problem
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.txt"]
