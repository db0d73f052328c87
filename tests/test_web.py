"""`cbam serve`: the API answers what the CLI answers, pages escape supplier text, limits and refusals are clear
pages (never a 500), downloads are right, results never mix between concurrent uploads."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from cbam_exchange.web.app import Settings, create_app, safe_name
from tests.conftest import EXAMPLES, ROOT
from tests.web_server import running_server
from tests.xlsx_edit import edit_workbook

STEEL = ROOT / "examples" / "steelworks-bf-bof.json"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(workers=2, max_files=3, max_upload_mb=5))) as c:
        yield c


def cli_json(path: Path, *options: str) -> tuple[int, dict]:
    """`cbam validate --format json NAME` run beside the file, as a user would."""
    run = subprocess.run([sys.executable, "-m", "cbam_exchange", "validate", "--format", "json", path.name, *options],
                         cwd=path.parent, capture_output=True, text=True, timeout=120)
    return run.returncode, json.loads(run.stdout)


def test_the_api_answers_exactly_what_the_cli_prints(client, tmp_path: Path) -> None:
    for example in EXAMPLES:
        code, expected = cli_json(example)
        answer = client.post("/api/validate", files={"file": (example.name, example.read_bytes())})
        assert answer.status_code == 200
        assert answer.json() == expected
        assert expected["files"][0]["file"] == example.name and expected["files"][0]["findings"] is not None


def test_the_api_on_a_workbook_with_errors_matches_the_cli(client, example_workbooks, tmp_path: Path) -> None:
    bad = edit_workbook(example_workbooks["steelworks-bf-bof"], tmp_path / "bad steel.xlsx",
                        constants={"Summary_Products!F10": "72044900"})
    code, expected = cli_json(bad)
    assert code == 1
    answer = client.post("/api/validate", files={"file": (bad.name, bad.read_bytes())})
    assert answer.status_code == 200 and answer.json() == expected
    assert any(f["rule"] == "ID-006" and f["location"]["cell"] == "F10" for f in answer.json()["files"][0]["findings"])


@pytest.mark.parametrize("content", [b"this is not a workbook", b"PK\x03\x04 truncated zip"],
                         ids=["not-a-zip", "truncated-zip"])
def test_an_unreadable_file_is_a_4xx_with_the_cli_message(client, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "supplier.xlsx"
    path.write_bytes(content)
    code, expected = cli_json(path)
    message = expected["files"][0]["unreadable"]
    assert code == 2 and message.startswith("supplier.xlsx")
    answer = client.post("/api/validate", files={"file": (path.name, content)})
    assert answer.status_code == 422
    assert answer.json() == expected
    page = client.post("/upload", files={"file": (path.name, content)})
    assert page.status_code == 422
    assert message.replace("'", "&#39;") in page.text


def test_supplier_text_is_shown_as_text(client) -> None:
    doc = json.loads(STEEL.read_text(encoding="utf-8"))
    doc["installation"]["name"] = "<script>alert(1)</script>"
    doc["processes"][0]["name"] = "<img src=x onerror=alert(2)>"
    page = client.post("/upload", files={"file": ("x<b>.json", json.dumps(doc).encode())}, follow_redirects=True)
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text and "<img src=x" not in page.text and "x<b>" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_limits_are_refused_with_a_clear_message(client) -> None:
    big = b"x" * (6 * 1024 * 1024)
    answer = client.post("/upload", files={"file": ("big.xlsx", big)})
    assert answer.status_code == 413 and "at most 5 MB" in answer.text
    many = [("file", (f"f{k}.json", STEEL.read_bytes())) for k in range(4)]
    answer = client.post("/upload", files=many)
    assert answer.status_code == 413 and "At most 3 files" in answer.text
    api = client.post("/api/validate", files={"file": ("big.xlsx", big)})
    assert api.status_code == 413 and "at most 5 MB" in api.json()["error"]
    assert client.post("/upload", data={"nothing": "here"}).status_code == 400


def test_several_files_give_one_line_each(client) -> None:
    bad = b"{not json"
    answer = client.post("/upload", files=[("file", ("good.json", STEEL.read_bytes())), ("file", ("bad.json", bad))])
    assert answer.status_code == 200
    assert 'href="/result/' in answer.text and "bad.json" in answer.text


def test_downloads(client, example_workbooks, tmp_path: Path) -> None:
    import openpyxl

    bad = edit_workbook(example_workbooks["aluminium-primary-smelter"], tmp_path / "al.xlsx",
                        constants={"A_InstData!I28": 56.618, "A_InstData!I29": 24.495})
    page = client.post("/upload", files={"file": (bad.name, bad.read_bytes())}, follow_redirects=True)
    assert page.status_code == 200
    key = str(page.url).rsplit("/", 1)[1]
    findings = client.get(f"/result/{key}/findings.json").json()
    assert findings == cli_json(bad)[1]
    annotated = client.get(f"/result/{key}/annotated.xlsx")
    assert annotated.status_code == 200 and "attachment" in annotated.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(annotated.content))["A_InstData"]
    assert "ID-005" in sheet["I28"].comment.text
    assert bad.read_bytes() != annotated.content
    pdf = client.get(f"/result/{key}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/result/not-a-key").status_code == 404
    assert client.get(f"/result/{key}/../../etc/passwd").status_code == 404


def test_nothing_is_left_on_disk(client, tmp_path: Path, monkeypatch) -> None:
    import tempfile

    before = {p.name for p in Path(tempfile.gettempdir()).glob("cbam-serve-*")}
    client.post("/api/validate", files={"file": ("s.json", STEEL.read_bytes())})
    assert {p.name for p in Path(tempfile.gettempdir()).glob("cbam-serve-*")} <= before


def test_a_file_over_the_time_limit_is_stopped() -> None:
    from cbam_exchange.web.workers import TaskFailed, Workers

    workers = Workers(1, timeout=1.0, memory_limit=None)
    try:
        started = time.monotonic()
        with pytest.raises(TaskFailed, match="longer than the limit of 1 s"):
            asyncio.run(workers.run(time.sleep, 30))
        assert time.monotonic() - started < 20
        assert asyncio.run(workers.run(sum, [1, 2])) == 3  # the pool goes on with a fresh worker
    finally:
        workers.close()


def test_safe_names() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\x\\..\\steel.xlsx") == "steel.xlsx"
    assert safe_name(".hidden") == "hidden" and safe_name("") == "upload" and safe_name("a\x00b.json") == "ab.json"


def test_the_rules_page_lists_the_catalogue(client) -> None:
    from cbam_exchange.checks.catalogue import all_rules

    page = client.get("/rules")
    for rule in all_rules():
        assert f'id="{rule.code}"' in page.text


def test_twenty_concurrent_uploads_do_not_mix() -> None:
    """Twenty different files at once on a real server: each answer is its own file's."""
    base = json.loads(STEEL.read_text(encoding="utf-8"))
    files = []
    for k in range(20):
        doc = json.loads(json.dumps(base))
        doc["installation"]["name"] = f"Works number {k}"
        doc["installation"]["latitude"] = 100.0 + k if k % 2 else base["installation"]["latitude"]
        files.append((f"supplier-{k}.json", json.dumps(doc).encode()))

    async def send_all(url: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=120) as http:
            return await asyncio.gather(*(http.post(url + "/api/validate", files={"file": f}) for f in files))

    with running_server("--workers", "2") as url:
        answers = asyncio.run(send_all(url))
    import hashlib
    for (name, data), answer in zip(files, answers):
        assert answer.status_code == 200, answer.text
        doc = answer.json()["files"][0]
        assert doc["file"] == name and doc["sha256"] == hashlib.sha256(data).hexdigest()
        k = int(name.split("-")[1].split(".")[0])
        wrong_latitude = [f for f in doc["findings"] if f["rule"] == "ID-004"]
        assert bool(wrong_latitude) == bool(k % 2), name
        if wrong_latitude:
            assert wrong_latitude[0]["value"].startswith(f"{100 + k}")


def test_a_workspace_keeps_each_upload_and_its_findings(tmp_path: Path) -> None:
    workspace = tmp_path / "kept"
    with TestClient(create_app(Settings(workers=1, workspace=workspace))) as c:
        answer = c.post("/api/validate", files={"file": ("steel.json", STEEL.read_bytes())})
    doc = answer.json()["files"][0]
    folder = workspace / doc["sha256"]
    assert (folder / "steel.json").read_bytes() == STEEL.read_bytes()
    assert json.loads((folder / "steel.json.findings.json").read_text(encoding="utf-8")) == doc


def test_the_severity_filter_works_without_script(client, tmp_path: Path) -> None:
    doc = json.loads(STEEL.read_text(encoding="utf-8"))
    doc["installation"]["latitude"] = 136.74  # an error (ID-004) beside the example's note (PR-003)
    page = client.post("/upload", files={"file": ("s.json", json.dumps(doc).encode())}, follow_redirects=True)
    assert 'data-rule="ID-004"' in page.text and 'data-rule="PR-003"' in page.text
    errors_only = client.get(str(page.url) + "?severity=error")
    assert 'data-rule="ID-004"' in errors_only.text and 'data-rule="PR-003"' not in errors_only.text


def test_the_store_forgets_the_oldest_results_and_expired_ones() -> None:
    from cbam_exchange.web.store import Entry, ResultStore

    store = ResultStore(ttl=3600, capacity=3, max_bytes=250)
    keys = [store.put(Entry(f"f{k}", b"x" * 100, {})) for k in range(3)]
    assert store.get(keys[0]) is None and store.get(keys[1]) and store.get(keys[2])  # 300 bytes > 250
    expired = ResultStore(ttl=0.0, capacity=3, max_bytes=10**6)
    key = expired.put(Entry("f", b"x", {}))
    time.sleep(0.01)
    assert expired.get(key) is None and len(set(keys)) == 3
