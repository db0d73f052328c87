"""End to end in a real browser (Playwright driving Debian's Chromium): upload a workbook built from the blank
template with known errors, see each finding at its cell, filter, download the annotated workbook and check it,
switch the language, and show supplier text as text.

Chromium comes from the system (`/usr/bin/chromium`, or CBAM_CHROMIUM); Playwright's own browser download is not
used. Where it is absent the tests skip, except under CI=true, where they fail (CI installs it)."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.web_server import running_server
from tests.xlsx_edit import edit_workbook

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium() -> str:
    path = os.environ.get("CBAM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        message = "Chromium is not installed (Debian package 'chromium'; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("playwright is not installed (it is in the test extra)")
        pytest.skip("playwright is not installed (pip install '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    with running_server("--workers", "2") as url:
        yield url


@pytest.fixture
def faulty_workbook(example_workbooks, tmp_path: Path) -> Path:
    """The steelworks example written into the blank, with a CN code that is no CBAM good (ID-006 at F10 of
    Summary_Products) and coordinates off the Earth (ID-004 at I28 of A_InstData)."""
    return edit_workbook(example_workbooks["steelworks-bf-bof"], tmp_path / "steelworks with errors.xlsx",
                         constants={"Summary_Products!F10": "72044900", "A_InstData!I28": 136.74})


def _finding(page, rule: str):
    return page.locator(f'tr.finding[data-rule="{rule}"]')


def test_upload_findings_download_and_language(browser, server, faulty_workbook: Path, tmp_path: Path) -> None:
    import openpyxl

    page = browser.new_page(locale="en-GB", viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    page.set_input_files("#file", str(faulty_workbook))
    page.click("form.upload button[type=submit]")
    page.wait_for_url("**/result/*")
    assert page.locator("h1").inner_text() == faulty_workbook.name

    id006 = _finding(page, "ID-006")
    assert id006.count() == 1
    assert id006.get_attribute("data-cell") == "Summary_Products!F10"
    assert id006.locator("td.cell").inner_text() == "F10"
    assert "72044900" in id006.locator("td.message").inner_text()
    assert page.locator('section[data-sheet="Summary_Products"]').locator('tr[data-rule="ID-006"]').count() == 1
    id004 = _finding(page, "ID-004")
    assert id004.get_attribute("data-cell") == "A_InstData!I28"
    screenshot = os.environ.get("CBAM_SCREENSHOT")
    page.screenshot(path=screenshot or str(tmp_path / "result.png"), full_page=True)

    # the severity filter: errors hidden at once (script), warnings still shown
    page.uncheck('form.filter input[value="error"]')
    assert not id006.is_visible() and page.locator('tr.finding[data-severity="warning"]').first.is_visible()
    page.check('form.filter input[value="error"]')
    assert id006.is_visible()

    # the annotated copy of the workbook carries each finding at its cell
    with page.expect_download() as download:
        page.click("text=Annotated workbook")
    target = tmp_path / "annotated.xlsx"
    download.value.save_as(target)
    book = openpyxl.load_workbook(target)
    assert "ID-006" in book["Summary_Products"]["F10"].comment.text
    assert "ID-004" in book["A_InstData"]["I28"].comment.text
    assert book["Summary_Products"]["F10"].value == "72044900"  # the supplier's value, untouched

    # another language: messages and remedies translated, codes, cells and references not
    reference = id006.locator("td.reference").inner_text()
    page.click('header .languages a[hreflang="zh"]')
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh"
    id006 = _finding(page, "ID-006")
    assert id006.locator("td.cell").inner_text() == "F10"
    assert id006.locator("td.reference").inner_text() == reference
    assert id006.locator("td.message").inner_text() == "CN 编码 72044900 不属于 CBAM 货物。"
    assert page.locator("#findings").inner_text() == "需要修改的内容"
    # the choice is remembered: the upload page comes in Chinese too
    page.goto(server + "/")
    assert page.locator("form.upload button").inner_text() == "检查"
    page.close()


def test_the_browsers_language_is_used(browser, server) -> None:
    context = browser.new_context(locale="tr-TR", extra_http_headers={"Accept-Language": "tr-TR,tr;q=0.9"})
    page = context.new_page()
    page.goto(server + "/")
    assert page.locator("form.upload button").inner_text() == "Kontrol et"
    context.close()


def test_supplier_text_stays_text_in_the_browser(browser, server, tmp_path: Path) -> None:
    doc = json.loads((ROOT / "examples" / "steelworks-bf-bof.json").read_text(encoding="utf-8"))
    doc["installation"]["name"] = "<script>alert(1)</script>"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/")
    page.set_input_files("#file", str(path))
    page.click("form.upload button[type=submit]")
    page.wait_for_url("**/result/*")
    assert page.locator("dd.installation").inner_text().startswith("<script>alert(1)</script> (")
    assert dialogs == []
    page.close()


def test_a_file_dropped_on_the_page_is_checked(browser, server) -> None:
    """The drag-and-drop enhancement: a file dropped on the zone goes through the form's own input."""
    text = (ROOT / "examples" / "cement-clinker-two-cements.json").read_text(encoding="utf-8")
    page = browser.new_page()
    page.goto(server + "/")
    page.evaluate("""text => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], "dropped cement.json", {type: "application/json"}));
        document.querySelector(".upload .drop").dispatchEvent(
            new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }""", text)
    page.wait_for_url("**/result/*")
    assert page.locator("h1").inner_text() == "dropped cement.json"
    page.close()
