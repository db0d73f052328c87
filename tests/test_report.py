"""The verification-report draft: evidence embedded with the right hashes, the content a verifier needs, the
check that reproduces it, and supplier text kept as text."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from cbam_exchange.checks.run import validate
from cbam_exchange.readers import read_submission
from tests.conftest import ROOT

pytest.importorskip("weasyprint")


def cbam(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cbam_exchange", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.fixture(scope="module")
def submission_with_findings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The steelworks example declaring a misstated SEE for the hot-rolled coil and a gas EF in tCO2/GJ."""
    data = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text())
    data["emissions"]["source_streams"][2]["ef"] = 0.0561
    data["declared"] = {"available": True, "products": [{"row": 1, "see_direct": 1.40, "see_indirect": 0.14927501935676,
                                                         "see_total": 1.54927501935676}]}
    path = tmp_path_factory.mktemp("report") / "steelworks-with-findings.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path


@pytest.fixture(scope="module")
def draft(submission_with_findings: Path) -> Path:
    out = submission_with_findings.with_name("draft.pdf")
    run = cbam("report", str(submission_with_findings), "-o", str(out), "--html", str(out.with_suffix(".html")))
    assert run.returncode == 1, run.stderr  # written, and exit 1: findings of severity error remain
    return out


def test_every_attachment_is_embedded_with_its_hash(draft: Path, submission_with_findings: Path) -> None:
    pdf = pikepdf.open(draft)
    files = {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
    assert set(files) == {submission_with_findings.name, "findings.json", "recomputation.json", "manifest.json",
                          "draft-context.json", "pages.json"}
    assert files[submission_with_findings.name] == submission_with_findings.read_bytes()
    manifest = json.loads(files["manifest.json"])
    for name, digest in manifest["attachments"].items():
        assert hashlib.sha256(files[name]).hexdigest() == digest
    assert manifest["generator"].startswith("cbam-exchange") and manifest["rules_version"]
    assert manifest["reference_data_version"]
    assert "Anatolia Integrated Steel Works" in str(pdf.docinfo["/Title"])
    assert "2026-01-01" in str(pdf.docinfo["/Subject"])
    findings = json.loads(files["findings.json"])
    assert {"UN-001", "AR-002"} <= {f["rule"] for f in findings["findings"]}
    pdf.close()


def test_the_text_carries_what_a_verifier_needs(draft: Path, submission_with_findings: Path) -> None:
    text = " ".join(page.extract_text() for page in PdfReader(draft).pages)
    text = " ".join(text.split())
    assert "Anatolia Integrated Steel Works" in text
    assert "not a verification opinion" in text
    report = validate(read_submission(submission_with_findings))
    for product in report.result.products:
        assert product.cn_code in text
        assert f"{product.see_direct:.5f}" in text and f"{product.see_indirect:.5f}" in text
    assert "Materiality assessment" in text and "material" in text
    assert "reported, not counted" in text  # Annex II goods: indirect emissions shown but not on the basis
    # row 1 is declared 7.6 % below its recomputed SEE: material and not verified
    assert "Suggested: not verified" in text


def test_check_passes_on_an_untouched_draft_and_fails_on_an_altered_one(draft: Path, tmp_path: Path) -> None:
    run = cbam("report", "check", str(draft))
    assert run.returncode == 0, run.stdout + run.stderr
    altered = tmp_path / "altered.pdf"
    pdf = pikepdf.open(draft)
    name = json.loads(pdf.attachments["manifest.json"].get_file().read_bytes())["submission"]
    data = json.loads(pdf.attachments[name].get_file().read_bytes())
    data["processes"][3]["direct_emissions"] = 100000
    pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, json.dumps(data).encode(), filename=name)
    pdf.save(altered)
    pdf.close()
    run = cbam("report", "check", str(altered))
    assert run.returncode == 1
    assert f"attachment {name} was altered" in run.stdout
    assert ("findings.json does not follow from the embedded submission" in run.stdout
            or "recomputation.json does not follow from the embedded submission" in run.stdout)


def test_supplier_text_is_escaped_in_the_html(tmp_path: Path) -> None:
    data = json.loads((ROOT / "examples/cement-clinker-two-cements.json").read_text())
    data["installation"]["name"] = "<script>alert('x')</script> Cement & Co"
    source = tmp_path / "evil.json"
    source.write_text(json.dumps(data))
    run = cbam("report", str(source), "-o", str(tmp_path / "d.pdf"), "--html", str(tmp_path / "d.html"))
    assert run.returncode == 0, run.stderr
    html = (tmp_path / "d.html").read_text()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Cement &amp; Co" in html


def test_check_refuses_a_pdf_that_is_not_a_draft(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(plain)
    run = cbam("report", "check", str(plain))
    assert run.returncode == 2 and "no manifest.json" in run.stderr


def test_a_2023_file_is_a_transitional_report_without_mark_up(tmp_path: Path) -> None:
    from cbam_exchange.report.pdf import render_html

    data = json.loads((ROOT / "examples/cement-clinker-two-cements.json").read_text())
    data["reporting_period"] = {"start": "2023-10-01", "end": "2023-12-31"}
    source = tmp_path / "transitional.json"
    source.write_text(json.dumps(data))
    html, _, _ = render_html(source, None, None)
    assert "transitional period" in html and "definitive period" not in html
    assert "mark-up)" not in html and "(+10 %)" not in html and "SEFA" not in html.split("13. Materiality")[1]


def test_the_draft_ranks_site_items_by_contribution_and_shows_the_balance(tmp_path: Path) -> None:
    from cbam_exchange.report.pdf import render_html

    html, _, _ = render_html(ROOT / "examples/steelworks-bf-bof.json", None, None)
    section = html.split("Items to check on site")[1]
    assert section.index("P4 Hot strip mill: production") < section.index("P2 Blast furnaces 1-2: directly")
    assert "Not attributed to CBAM production processes" in html and "Flows not associated with CBAM goods" in html
    assert "waste gas exported" in html
    assert "lowest" not in html.split("9. Goods")[1].split("10. Precursors")[0]


def test_a_draft_rendered_in_this_process_reads_as_one_rendered_by_the_early_child(
        draft: Path, submission_with_findings: Path, tmp_path: Path) -> None:
    """CBAM_PDF_PARALLEL=0 renders in the command's own process; `draft` was rendered by the child forked before the
    submission was read (Linux, two cores) or here: the pages are the same either way, and each checks the other."""
    import os

    def pages(path: Path) -> list[str]:
        with pikepdf.open(path) as pdf:  # kept open while its attachment is read
            return json.loads(pdf.attachments["pages.json"].get_file().read_bytes())["pages"]

    here = tmp_path / "here.pdf"
    env = {**os.environ, "CBAM_PDF_PARALLEL": "0"}
    run = subprocess.run([sys.executable, "-m", "cbam_exchange", "report", str(submission_with_findings), "-o",
                          str(here)], capture_output=True, text=True, cwd=ROOT, timeout=300, env=env)
    assert run.returncode == 1, run.stderr  # written, with the fixture's findings of severity error
    assert pages(here) == pages(draft) and len(pages(here)) > 3
    run = subprocess.run([sys.executable, "-m", "cbam_exchange", "report", "check", str(draft)], capture_output=True,
                         text=True, cwd=ROOT, timeout=300, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    run = cbam("report", "check", str(here))
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_sefa_can_be_rebuilt_from_the_page() -> None:
    """The verifier must be able to rebuild each good's SEFA from the draft (IR (EU) 2025/2620: own term plus the
    precursors' SEFA per tonne): the chain table gives every node's benchmark, own term, precursors and SEFA."""
    import re

    from cbam_exchange.report.pdf import render_html

    html, _, _ = render_html(ROOT / "examples/steelworks-bf-bof.json", None, None)
    tables = re.findall(r'<table class="small sefa-chain">(.*?)</table>', html, re.S)
    assert len(tables) == 2

    def rows(table: str) -> list[list[str]]:
        return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
                for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S) if "<td" in tr]

    nodes = {r[0]: r for r in rows(tables[1])}
    sefa = {node: float(r[4]) for node, r in nodes.items()}
    for node, (_, benchmark, own, precursors, value) in nodes.items():
        parts = [] if precursors == "—" else [p.split() for p in precursors.split(";")]
        rebuilt = float(own) + sum(float(amount) * sefa[name] for name, amount in parts)
        assert float(value) == pytest.approx(rebuilt, abs=2e-5), node
    # anchors typed from IR (EU) 2025/2620 Annex point 5 and the 2026 CBAM factor 0.975
    assert nodes["P1"][1] == "0.086 (A)" and float(nodes["P1"][2]) == pytest.approx(0.975 * 0.086, abs=5e-6)
    assert nodes["PP1"][1] == "1.361 (B)"  # CN 7202 11 20 as the definitive data give it
    for row, text in rows(tables[0]):
        total, terms = text.split(" = ")
        rebuilt = 0.0
        for term in terms.split(" + "):
            if term.startswith("own "):
                rebuilt += float(term.split()[1])
            else:
                name, amount, _, _, precursor_sefa = term.split()
                assert float(precursor_sefa) == pytest.approx(sefa[name], abs=1e-5)
                rebuilt += float(amount) * float(precursor_sefa)
        assert float(total) == pytest.approx(rebuilt, abs=2e-5), row


def _default_column(html: str) -> dict[str, tuple[str, str]]:
    """Row -> (default value, default table) as the goods section prints them."""
    import re

    table = html[html.index("<th>Default table</th>"):]
    table = table[:table.index("</table>")]
    return {row: (value.strip(), name.strip()) for row, value, name in re.findall(
        r"<tr><td>(\d+)</td>\s*<td class=\"num\">(.*?)</td>\s*<td>(.*?)</td>", table, re.S)}


@pytest.mark.parametrize("example", ["cement-clinker-two-cements", "steelworks-bf-bof"])
def test_a_2023_report_is_compared_with_the_transitional_default_values(example: str, tmp_path: Path) -> None:
    """A 2023 file falls under the transitional period: its goods are set beside the DG TAXUD transitional values
    (one per good, all countries), never beside the definitive table of 2026, which did not exist then. Where the
    toolkit's partial transitional copy has no line (steel), the draft prints a dash, as DV-002 says, not a value."""
    import csv

    from cbam_exchange.report.pdf import render_html

    data = json.loads((ROOT / f"examples/{example}.json").read_text())
    data["reporting_period"] = {"start": "2023-01-01", "end": "2023-12-31"}
    source = tmp_path / f"{example}-2023.json"
    source.write_text(json.dumps(data, ensure_ascii=False))
    html, _, _ = render_html(source, None, None)
    with (ROOT.parent / "shared/reference-data/default_values_transitional.csv").open(encoding="utf-8") as fh:
        lines = {r["cn_code"].replace(" ", ""): r for r in csv.DictReader(fh)}
    printed = _default_column(html)
    assert set(printed) == {str(p["row"]) for p in data["products"]}
    for product in data["products"]:
        line = lines.get(product["cn_code"])  # cement's lines are exact 8-digit codes; steel's are absent
        value, table = printed[str(product["row"])]
        if line is None:
            assert (value, table) == ("—", "—")
        else:  # cement is judged on its total
            assert float(value) == pytest.approx(float(line["total_tco2e_per_t"])) and table == "transitional (world)"
    assert "DG TAXUD, Default values for the transitional period" in html and "2026/1740" not in html
