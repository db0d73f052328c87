"""The catalogue as a whole (issue 12): at least 70 rules in ruff's shape, documented from one source (docs/rules.md
and `cbam rules --format json`), the §10 coverage table complete and consistent, and no rule crashing on bad input
(NaN, infinities, negative or absurd numbers): bad input is a finding at its cell, never a traceback."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

from cbam_exchange.checks import docs
from cbam_exchange.checks.catalogue import all_rules
from cbam_exchange.checks.run import validate
from cbam_exchange.model.submission import Submission
from tests.conftest import ROOT
from tests.rule_examples import apply_patch, base_dict

RULES = all_rules()


def test_the_catalogue_has_at_least_70_rules_each_in_ruffs_shape() -> None:
    assert len(RULES) >= 70
    for r in RULES:
        assert re.fullmatch(r"[A-Z]{2}-\d{3}", r.code), r.code
        assert r.reference and r.rationale and r.remedy and r.message, r.code
        assert r.bad.path or r.bad.cell, r.code


def test_rule_messages_and_remedies_are_plain_templates() -> None:
    """Issue 15 translates them: each message formats with named fields only, each remedy is plain text."""
    from string import Formatter

    for r in RULES:
        fields = [name for _, name, _, _ in Formatter().parse(r.message) if name is not None]
        assert all(name and name.isidentifier() for name in fields), r.code
        assert "{" not in r.remedy, r.code


def test_docs_rules_md_is_current() -> None:
    assert docs.main(["--check"]) == 0, "run: python -m cbam_exchange.checks.docs --write"
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for r in RULES:
        assert f"### {r.code}" in text and r.reference in text


def test_cbam_rules_json_lists_every_rule() -> None:
    out = subprocess.run([sys.executable, "-m", "cbam_exchange", "rules", "--format", "json"], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    listed = json.loads(out)  # strict JSON: no NaN in the examples' patches
    assert [d["code"] for d in listed] == [r.code for r in RULES]
    assert all(d["reference"] and d["severity"] in ("error", "warning", "info") for d in listed)


def test_the_coverage_table_maps_all_89_checks_to_existing_rules() -> None:
    text = (ROOT / "docs" / "methodology-coverage.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([SUPXMGLDCT]\d+) \| [^|]+ \|([^|]*)\| (full|partly|none) \|([^|]*)\|$", text,
                      re.MULTILINE)
    ids = [row[0] for row in rows]
    expected = ([f"S{n}" for n in range(1, 11)] + [f"U{n}" for n in range(1, 9)] + [f"P{n}" for n in range(1, 9)]
                + [f"X{n}" for n in range(1, 18)] + [f"M{n}" for n in range(1, 12)] + [f"G{n}" for n in range(1, 10)]
                + [f"L{n}" for n in range(1, 7)] + [f"D{n}" for n in range(1, 9)] + [f"C{n}" for n in range(1, 8)]
                + [f"T{n}" for n in range(1, 6)])
    assert sorted(ids) == sorted(expected) and len(ids) == 89
    codes = {r.code for r in RULES}
    for check, rules, status, note in rows:
        named = set(re.findall(r"[A-Z]{2}-\d{3}", rules))
        for a, b in re.findall(r"([A-Z]{2}-\d{3})\.\.([A-Z]{2}-\d{3})", rules):
            named |= {c for c in codes if a <= c <= b}
        assert named <= codes, f"{check} names unknown rules {named - codes}"
        assert (status == "none") == (not named and "definitive family" not in rules), check
        if status != "full":
            assert note.strip(), f"{check}: say why it is not fully covered"
    counts = {s: sum(1 for row in rows if row[2] == s) for s in ("full", "partly", "none")}
    after = re.search(r"^\| after \| (\d+) \| (\d+) \| (\d+) \|$", text, re.MULTILINE)
    assert after and tuple(map(int, after.groups())) == (counts["full"], counts["partly"], counts["none"])


def _numeric_paths(node, path: str = ""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _numeric_paths(v, f"{path}.{k}".lstrip("."))
    elif isinstance(node, list):
        for k, v in enumerate(node):
            yield from _numeric_paths(v, f"{path}[{k}]")
    elif isinstance(node, (int, float)) and not isinstance(node, bool) and not path.endswith(
            ("row", "route_index")):
        yield path


def test_no_rule_crashes_on_bad_numbers() -> None:
    """Every numeric input of the examples replaced by NaN, an infinity, a negative or an absurd value: validation
    ends with findings, non-finite values are reported at their own path (SC-005)."""
    rng = random.Random(12)
    bad = [float("nan"), float("inf"), float("-inf"), -1.0, 0.0, 1e30, 1e-30]
    for base in ("steelworks-bf-bof", "cement-clinker-two-cements", "aluminium-primary-smelter"):
        data = base_dict(base)
        paths = list(_numeric_paths(data))
        for path in rng.sample(paths, min(40, len(paths))):
            value = rng.choice(bad)
            report = validate(Submission.from_dict(apply_patch(data, {path: value})))
            if value != value or value in (float("inf"), float("-inf")):
                assert any(f.rule == "SC-005" and f.path == path for f in report.findings), (base, path, value)
