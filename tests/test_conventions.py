"""The conventions of the tools users already know (issue 17): one exit-code contract for every command, colour,
quiet, --exit-zero, --statistics, configuration, CI formats, '-' for standard input, --version, waivers init."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.conftest import ROOT

STEEL = ROOT / "examples/steelworks-bf-bof.json"


def cbam(*args: str, cwd: Path = ROOT, stdin: bytes | None = None, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    run = subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, cwd=cwd, timeout=300,
                         input=stdin, env={**os.environ, **(env or {})})
    return subprocess.CompletedProcess(run.args, run.returncode, run.stdout.decode("utf-8", "replace"),
                                       run.stderr.decode("utf-8", "replace"))


@pytest.fixture(scope="module")
def with_errors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The steelworks example with a gas emission factor in tCO2/GJ (UN-001, an error)."""
    data = json.loads(STEEL.read_text(encoding="utf-8"))
    data["emissions"]["source_streams"][2]["ef"] = 0.0561
    path = tmp_path_factory.mktemp("conventions") / "steel-with-errors.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def unreadable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("conventions") / "broken.xlsx"
    path.write_text("not a workbook")
    return path


# (arguments, expected exit code); {E} = a file with error findings, {U} = an unreadable file, {T} = a temp folder
EXIT_CODES = [
    (["inspect", str(STEEL)], 0), (["inspect", "{U}"], 2), (["inspect", "{T}/missing.json"], 2),
    (["recompute", str(STEEL)], 0), (["recompute", "{U}"], 2),
    (["convert", str(STEEL), "-o", "{T}/out.json"], 0), (["convert", "{U}", "-o", "{T}/out.json"], 2),
    (["validate", str(STEEL)], 0), (["validate", "{E}"], 1), (["validate", "{U}"], 2),
    (["validate", str(STEEL), "{E}", "--jobs", "-1"], 2), (["validate", "{E}", "--exit-zero"], 0),
    (["validate", "{U}", "--exit-zero"], 2),
    (["rules"], 0), (["rules", "XX-9"], 2),
    (["defaults", "72083900", "CN", "--year", "2026"], 0), (["defaults", "12345678", "CN"], 2),
    (["collect", "{T}/clean", "--db", "{T}/ws.sqlite"], 0), (["collect", "{T}/errors", "--db", "{T}/ws2.sqlite"], 1),
    (["collect", "{T}/clean", "--db", "{T}/no-such-folder/ws.sqlite"], 2),
    (["collect", "{T}/clean", "--db", "{T}/ws3.sqlite", "--jobs", "-1"], 2),
    (["collect", "{T}/errors", "--db", "{T}/ws4.sqlite", "--exit-zero"], 0),
    (["declare", "--db", "{T}/missing.sqlite", "--imports", "{T}/imports.csv", "--year", "2026"], 2),
    (["declare", "--db", "{T}/ws.sqlite", "--imports", "{T}/no-imports.csv", "--year", "2026"], 2),
    (["waivers", "init", "-o", "{T}/w.yaml"], 0), (["waivers", "init", "-o", "{T}/exists.yaml"], 2),
    (["diff", str(STEEL), str(STEEL)], 0), (["diff", str(STEEL), "{U}"], 2),
    (["risk", str(STEEL)], 0), (["risk", "{U}"], 2),
    (["no-such-command"], 2),
]


@pytest.mark.parametrize("args, code", EXIT_CODES, ids=[" ".join(a[:1] + a[-2:]) for a, _ in EXIT_CODES])
def test_every_command_keeps_the_exit_code_contract(args, code, with_errors, unreadable, tmp_path: Path) -> None:
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / STEEL.name).write_bytes(STEEL.read_bytes())
    (tmp_path / "errors").mkdir()
    (tmp_path / "errors" / with_errors.name).write_bytes(with_errors.read_bytes())
    (tmp_path / "exists.yaml").write_text("waivers: []\n")
    (tmp_path / "imports.csv").write_text("date,cn_code,country,net_mass_t\n2026-03-01,72083900,CN,120\n")
    if "{T}/ws.sqlite" in args and args[0] == "declare":
        assert cbam("collect", str(tmp_path / "clean"), "--db", str(tmp_path / "ws.sqlite")).returncode == 0
    filled = [a.replace("{E}", str(with_errors)).replace("{U}", str(unreadable)).replace("{T}", str(tmp_path))
              for a in args]
    run = cbam(*filled)
    assert run.returncode == code, run.stdout[-800:] + run.stderr[-800:]
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr


def _pty_run(args: list[str], env: dict[str, str]) -> str:
    """stdout of the command when stdout is a terminal (colour is only ever automatic there)."""
    import pty
    master, slave = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "cbam_exchange", *args], stdout=slave, stderr=subprocess.DEVNULL,
                          cwd=ROOT, timeout=300, env={k: v for k, v in {**os.environ, **env}.items() if v is not None})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.returncode in (0, 1)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color_or_never(with_errors) -> None:
    env = {"NO_COLOR": None}
    assert "\x1b[" in _pty_run(["validate", str(with_errors)], env)
    assert "\x1b[" not in _pty_run(["validate", str(with_errors)], {"NO_COLOR": "1"})
    assert "\x1b[" not in _pty_run(["validate", str(with_errors), "--color", "never"], env)
    assert "\x1b[" in _pty_run(["validate", str(with_errors), "--color", "always"], {"NO_COLOR": "1"})


def test_colour_always_even_into_a_pipe_and_never_by_default(with_errors) -> None:
    assert "\x1b[" in cbam("validate", str(with_errors), "--color", "always").stdout
    assert "\x1b[" not in cbam("validate", str(with_errors)).stdout
    assert "\x1b[" in cbam("--color", "always", "validate", str(with_errors)).stdout  # before the command too


def test_quiet_drops_messages_but_not_results(tmp_path: Path) -> None:
    loud = cbam("convert", str(STEEL), "-o", str(tmp_path / "a.json"))
    quiet = cbam("convert", str(STEEL), "-o", str(tmp_path / "b.json"), "-q")
    assert "wrote" in loud.stderr and quiet.stderr == "" and (tmp_path / "b.json").exists()


def test_statistics_count_the_findings_per_rule(with_errors) -> None:
    doc = json.loads(cbam("validate", str(with_errors), str(STEEL), "--format", "json", "--jobs", "1").stdout)
    expected: dict[str, int] = {}
    for f in (f for d in doc["files"] for f in d["findings"]):
        expected[f["rule"]] = expected.get(f["rule"], 0) + 1
    assert {s["rule"]: s["count"] for s in doc["statistics"]} == expected and sum(expected.values()) >= 2
    text = cbam("validate", str(with_errors), str(STEEL), "--statistics", "--jobs", "1").stdout
    rows = {line.split()[1]: int(line.split()[0]) for line in text.splitlines() if line.strip()[:1].isdigit()}
    assert rows == expected


def test_validate_json_is_the_same_shape_for_one_file_and_several(with_errors) -> None:
    one = json.loads(cbam("validate", str(with_errors), "--format", "json").stdout)
    two = json.loads(cbam("validate", str(with_errors), str(STEEL), "--format", "json").stdout)
    assert set(one) == set(two) and one["contract"] == two["contract"] == "cbam-exchange/validation 2.0"
    assert len(one["files"]) == 1 and len(two["files"]) == 2 and one["summary"]["files"] == 1


def test_configuration_from_pyproject_found_from_a_subfolder(with_errors, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.cbam]\nselect = ["UN"]\n'
                                             'format = "json"\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    run = cbam("validate", str(with_errors), cwd=sub)
    doc = json.loads(run.stdout)  # format from the configuration
    assert {f["rule"] for f in doc["files"][0]["findings"]} == {"UN-001"}
    overridden = json.loads(cbam("validate", str(with_errors), "--select", "PR", cwd=sub).stdout)
    assert {f["rule"][:2] for f in overridden["files"][0]["findings"]} <= {"PR"}
    assert cbam("validate", str(with_errors), "--isolated", cwd=sub).stdout.lstrip()[:1] != "{"
    assert "{" not in cbam("--isolated", "validate", str(with_errors), cwd=sub).stdout[:1]


def test_cbam_toml_wins_and_an_unknown_setting_is_refused(with_errors, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cbam]\nformat = "json"\n')
    (tmp_path / "cbam.toml").write_text('format = "csv"\nignore = ["PR"]\n')
    run = cbam("validate", str(with_errors), cwd=tmp_path)
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert rows and all(not r["rule"].startswith("PR") for r in rows)
    (tmp_path / "cbam.toml").write_text('selekt = ["PR"]\n')
    bad = cbam("validate", str(with_errors), cwd=tmp_path)
    assert bad.returncode == 2 and "unknown setting 'selekt'" in bad.stderr


def test_waivers_from_the_configuration_are_relative_to_it(with_errors, tmp_path: Path) -> None:
    doc = json.loads(cbam("validate", str(with_errors), "--format", "json").stdout)["files"][0]
    target = next(f for f in doc["findings"] if f["rule"] == "UN-001")
    (tmp_path / "w.yaml").write_text(
        f"waivers:\n  - fingerprint: {target['fingerprint']}\n    installation: {doc['installation']}\n"
        "    who: V. Erifier\n    why: checked on site\n    until: 2099-01-01\n")
    (tmp_path / "cbam.toml").write_text('waivers = "w.yaml"\nformat = "json"\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    again = json.loads(cbam("validate", str(with_errors), cwd=sub).stdout)["files"][0]
    assert target["fingerprint"] in {f["fingerprint"] for f in again["waived"]}


def test_sarif_is_valid_sarif_2_1_0(with_errors, unreadable) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    run = cbam("validate", str(with_errors), str(unreadable), "--format", "sarif", "--jobs", "1")
    log = json.loads(run.stdout)
    schema = json.loads((ROOT / "schemas/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    doc = json.loads(cbam("validate", str(with_errors), "--format", "json").stdout)["files"][0]
    results = log["runs"][0]["results"]
    assert len(results) == len(doc["findings"])
    un = next(r for r in results if r["ruleId"] == "UN-001")
    assert un["level"] == "error" and log["runs"][0]["tool"]["driver"]["rules"][un["ruleIndex"]]["id"] == "UN-001"
    assert any(n["level"] == "error" for n in log["runs"][0]["invocations"][0]["toolExecutionNotifications"])
    assert run.returncode == 2


def test_junit_and_github_annotations(with_errors) -> None:
    doc = json.loads(cbam("validate", str(with_errors), "--format", "json").stdout)["files"][0]
    failing = [f for f in doc["findings"] if f["severity"] in ("error", "warning")]
    root = ET.fromstring(cbam("validate", str(with_errors), str(STEEL), "--format", "junit", "--jobs", "1").stdout)
    suites = root.findall("testsuite")
    assert len(suites) == 2 and int(suites[0].get("failures")) == len(failing)
    assert int(suites[1].get("failures")) == 0 and int(suites[1].get("tests")) >= 1
    lines = cbam("validate", str(with_errors), "--format", "github").stdout.splitlines()
    assert len(lines) == len(doc["findings"])
    un = next(line for line in lines if "UN-001" in line)
    assert un.startswith(f"::error file={with_errors},title=UN-001 ") and "::" in un[2:]


def test_standard_input_with_a_dash(with_errors) -> None:
    by_file = json.loads(cbam("inspect", str(STEEL), "--format", "json").stdout)
    by_stdin = json.loads(cbam("inspect", "-", "--format", "json", stdin=STEEL.read_bytes()).stdout)
    assert by_stdin["installation"] == by_file["installation"]
    run = cbam("validate", "-", "--format", "json", stdin=with_errors.read_bytes())
    assert run.returncode == 1 and "UN-001" in {f["rule"] for f in json.loads(run.stdout)["files"][0]["findings"]}


def test_csv_keeps_unreadable_files_as_rows(with_errors, unreadable) -> None:
    rows = list(csv.DictReader(io.StringIO(cbam("validate", str(with_errors), str(unreadable), "--format", "csv",
                                                "--jobs", "1").stdout)))
    broken = [r for r in rows if r["file"] == str(unreadable)]
    assert len(broken) == 1 and broken[0]["rule"] == "unreadable" and broken[0]["message"]


def test_version_names_rules_and_reference_data() -> None:
    from cbam_exchange import __version__
    from cbam_exchange.checks.validate_file import rules_version
    from cbam_exchange.reference.tables import reference_version
    out = cbam("--version").stdout
    assert f"cbam-exchange {__version__}" in out and f"rules {rules_version()}" in out
    assert f"reference data {reference_version()}" in out


def test_waivers_init_lists_a_files_findings_ready_to_fill(with_errors, tmp_path: Path) -> None:
    import yaml
    out = tmp_path / "w.yaml"
    assert cbam("waivers", "init", str(with_errors), "-o", str(out)).returncode == 0
    text = out.read_text()
    assert yaml.safe_load(text) == {"waivers": []}  # nothing waived until a person fills an entry in
    doc = json.loads(cbam("validate", str(with_errors), "--format", "json").stdout)["files"][0]
    target = next(f for f in doc["findings"] if f["rule"] == "UN-001")
    assert f"# - fingerprint: {target['fingerprint']}" in text and f"installation: {doc['installation']}" in text
    lines = text.splitlines()
    start = lines.index(f"  # - fingerprint: {target['fingerprint']}")
    entry = [line.replace("  # ", "  ", 1) for line in lines[start:start + 7]]
    entry = [e + ("V. Erifier" if e.strip() == "who:" else "on site" if e.strip() == "why:" else
                  "2099-01-01" if e.strip() == "until:" else "") for e in entry]
    out.write_text("waivers:\n" + "\n".join(entry) + "\n")
    again = json.loads(cbam("validate", str(with_errors), "--format", "json", "--waivers", str(out)).stdout)
    assert [f["fingerprint"] for f in again["files"][0]["waived"]] == [target["fingerprint"]]


def test_no_progress_bar_where_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    files = []
    for k in range(12):
        files.append(tmp_path / f"s{k}.json")
        files[-1].write_bytes(STEEL.read_bytes())
    run = cbam("validate", *map(str, files), "--jobs", "2", env={"CBAM_START_METHOD": "spawn"})
    assert run.returncode == 0 and "validating" not in run.stderr and run.stderr == ""
    assert "in 12 file(s)" in run.stdout


def test_the_batch_path_runs_under_spawn(with_errors) -> None:
    from cbam_exchange.workers import start_method
    assert start_method() in ("spawn", os.environ.get("CBAM_START_METHOD"))
    run = cbam("validate", str(with_errors), str(STEEL), "--format", "json", "--jobs", "2", "-v",
               env={"CBAM_START_METHOD": "spawn"})
    assert "start method spawn" in run.stderr
    docs = json.loads(run.stdout)["files"]
    assert [d["summary"]["errors"] > 0 for d in docs] == [True, False]


def test_under_ci_a_test_needing_the_blank_or_libreoffice_fails_instead_of_skipping(tmp_path: Path) -> None:
    (tmp_path / "test_probe.py").write_text(
        "import pytest\n"
        "def test_needs_soffice():\n    pytest.skip('LibreOffice (soffice) is not installed')\n"
        "def test_needs_blank():\n    pytest.skip(\"the Commission's blank template is absent\")\n"
        "@pytest.mark.skipif(True, reason='not on this platform')\ndef test_other():\n    pass\n")
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.ci_skips", str(tmp_path)]
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    local = subprocess.run(base, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert local.returncode == 0 and "3 skipped" in local.stdout
    ci = subprocess.run(base, capture_output=True, text=True, cwd=ROOT, env={**env, "CI": "true"}, timeout=120)
    assert ci.returncode == 1 and "2 failed" in ci.stdout and "1 skipped" in ci.stdout
    assert "fails instead of skipping" in ci.stdout
