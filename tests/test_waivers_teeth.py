"""Waivers (checks/waivers.py) with teeth: every refusal of a waiver file says where and what to write, a waiver
read from a file keeps each field, scoping ignores case and padding, and the last valid day is today's date by
default."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cbam_exchange.checks.findings import Finding, Severity
from cbam_exchange.checks.waivers import Waiver, apply_waivers, load_waivers
from cbam_exchange.errors import UnreadableInput

GOOD = {"fingerprint": "3f2a9c0d1e4b5a6c", "installation": "INST-4F1C", "who": "J. Becker", "why": "route C",
        "until": "2027-09-30"}


def _file(tmp_path: Path, body: str, name: str = "w.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _yaml(items: list[dict[str, str]]) -> str:
    lines = ["waivers:"]
    for item in items:
        first = True
        for key, value in item.items():
            lines.append(f"  {'- ' if first else '  '}{key}: {value}")
            first = False
    return "\n".join(lines) + "\n"


def _refusal(path: Path) -> str:
    with pytest.raises(UnreadableInput) as caught:
        load_waivers(path)
    return caught.value.describe()


def test_a_file_without_a_waivers_list_is_refused_with_its_shape(tmp_path: Path) -> None:
    for body in ("waivers: {}\n", "other: 1\n", ""):
        path = _file(tmp_path, body)
        assert _refusal(path) == (f"{path}: waiver file has no list 'waivers'; "
                                  "expected: waivers: [{fingerprint, who, why, until}, ...]")


def test_a_waiver_that_is_not_a_mapping_is_refused_at_its_index(tmp_path: Path) -> None:
    path = _file(tmp_path, _yaml([GOOD]) + "  - just text\n")
    assert _refusal(path) == f"{path} [waivers[1]]: a waiver must be a mapping"


@pytest.mark.parametrize("missing", [["fingerprint"], ["who", "until"], ["why"]])
def test_a_waiver_lacking_fields_names_them_in_order(tmp_path: Path, missing: list[str]) -> None:
    item = {k: ("''" if k in missing else v) for k, v in GOOD.items()}  # empty counts as missing
    path = _file(tmp_path, _yaml([GOOD, item]))
    assert _refusal(path) == (f"{path} [waivers[1]]: a waiver lacks {', '.join(missing)}; "
                              "expected: fingerprint, installation, who, why and until")


def test_an_unscoped_waiver_says_what_to_add(tmp_path: Path) -> None:
    item = {k: v for k, v in GOOD.items() if k != "installation"}
    path = _file(tmp_path, _yaml([item]))
    assert _refusal(path) == (f"{path} [waivers[0]]: a waiver is not scoped to an installation, so it would silence "
                              "the same finding in every supplier's file; expected: installation: INST-... (the id "
                              "shown by `cbam inspect` and in the findings JSON), and optionally sha256: of the one "
                              "file")


def test_an_until_that_is_not_a_date_is_refused_with_what_was_found(tmp_path: Path) -> None:
    path = _file(tmp_path, _yaml([dict(GOOD, until="'end of 2027'")]))
    assert _refusal(path) == (f"{path} [waivers[0]]: 'until' is not a date; found: 'end of 2027'; "
                              "expected: YYYY-MM-DD")


def test_each_field_of_a_waiver_file_is_kept(tmp_path: Path) -> None:
    scoped = dict(GOOD, installation="'  INST-4F1C  '", rule="PH-001", sha256="'  ABCDEF  '", until="'2027-09-30'")
    path = _file(tmp_path, _yaml([GOOD, scoped]))
    plain, full = load_waivers(path)
    assert plain == Waiver("3f2a9c0d1e4b5a6c", "J. Becker", "route C", dt.date(2027, 9, 30), "INST-4F1C")
    assert full == Waiver("3f2a9c0d1e4b5a6c", "J. Becker", "route C", dt.date(2027, 9, 30), "INST-4F1C", "PH-001",
                          "ABCDEF")
    json_path = _file(tmp_path, '{"waivers": [{"fingerprint": 12, "installation": "I", "who": "a", "why": "b", '
                                '"until": "2027-01-02", "rule": "", "sha256": ""}]}', "w.json")
    assert load_waivers(json_path) == [Waiver("12", "a", "b", dt.date(2027, 1, 2), "I", None, None)]


def _finding(rule: str = "PH-001") -> Finding:
    return Finding(rule, Severity.WARNING, "m", "installation.name", "A_InstData", "I27", "x", None, "fix", "ref")


def test_scoping_ignores_case_of_installation_and_hash() -> None:
    f = _finding()
    w = Waiver(f.fingerprint, "w", "y", dt.date(2099, 1, 1), "Inst-A", sha256="ABCDEF")
    assert w.covers(f, "INST-a", "abcdef")
    assert not w.covers(f, "INST-a", None)  # scoped to a file: a finding without the file's hash is not covered
    assert not w.covers(f, "INST-a", "abcdeg")
    assert not w.covers(f, "INST-b", "abcdef")
    assert not Waiver("other", "w", "y", dt.date(2099, 1, 1), "Inst-A").covers(f, "INST-A", None)
    assert Waiver(f.fingerprint, "w", "y", dt.date(2099, 1, 1), "Inst-A", rule="PH-001").covers(f, "inst-a", "x")
    assert not Waiver(f.fingerprint, "w", "y", dt.date(2099, 1, 1), "Inst-A", rule="PH-002").covers(f, "inst-a", None)


def test_without_a_date_given_the_last_valid_day_is_today() -> None:
    today = dt.date.today()
    for until, applies in ((today, True), (today - dt.timedelta(days=1), False)):
        f = _finding()
        open_, waived = apply_waivers([f], [Waiver(f.fingerprint, "w", "y", until, "I")], "I")
        assert (waived == [f] and open_ == []) if applies else (open_ == [f] and waived == [])
        if not applies:
            assert f.waiver["refused"] == f"the waiver expired on {until.isoformat()}"


def test_the_first_covering_waiver_is_the_one_recorded() -> None:
    f = _finding()
    other = Waiver("nope", "a", "b", dt.date(2099, 1, 1), "I")
    first = Waiver(f.fingerprint, "first", "b", dt.date(2099, 1, 1), "I")
    second = Waiver(f.fingerprint, "second", "b", dt.date(2000, 1, 1), "I")
    open_, waived = apply_waivers([f], [other, first, second], "I", today=dt.date(2030, 1, 1))
    assert waived == [f] and f.waiver["who"] == "first"


def test_a_file_that_is_not_yaml_is_refused_as_a_waiver_file(tmp_path: Path) -> None:
    path = _file(tmp_path, "waivers: [unclosed\n")
    assert _refusal(path).startswith(f"{path}: waiver file is not valid YAML")


def test_an_until_with_a_time_of_day_is_that_day(tmp_path: Path) -> None:
    path = _file(tmp_path, _yaml([dict(GOOD, until="2027-09-30 18:00:00")]))
    (w,) = load_waivers(path)
    assert w.until == dt.date(2027, 9, 30) and type(w.until) is dt.date
    f = _finding()
    w = Waiver(f.fingerprint, w.who, w.why, w.until, "I")
    assert apply_waivers([f], [w], "I", today=dt.date(2027, 9, 30))[1] == [f]
    assert load_waivers(_file(tmp_path, _yaml([dict(GOOD, until="2027-09-30")])))[0].until == dt.date(2027, 9, 30)
