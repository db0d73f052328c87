"""The draft as printed: the DRAFT mark and "page x of y" on every page, the intended font, every script of an
installation name drawn with a real glyph (never `.notdef`), and no text running outside its table cell."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from tests.conftest import ROOT, SHARED

weasyprint = pytest.importorskip("weasyprint")

from cbam_exchange.report.pdf import render_html, stylesheet_path, write_draft  # noqa: E402

# One installation-name sample per script the draft must print (Latin with diacritics, Cyrillic, Greek, Arabic,
# Devanagari, Chinese, Japanese, Korean).
SCRIPTS = {
    "Latin": "Hütte Ærøskøbing Łódź",
    "Cyrillic": "Магнитогорский металлургический комбинат",
    "Greek": "Χαλυβουργία Ελλάδος",
    "Arabic": "مصنع حديد الدخيلة",
    "Devanagari": "टाटा स्टील जमशेदपुर",
    "Chinese": "宝山钢铁股份有限公司",
    "Japanese": "日本製鉄 君津製鉄所",
    "Korean": "포스코 포항제철소",
}
STEEL = SHARED / "real-world" / "commission-examples" / "2 CBAM SEE V2.1_Example Steel 1 Blast furnace_final.xlsx"


def _need(path: Path) -> Path:
    """A real Commission example: skipped where ../shared is absent, but a failure under CI (it must be there)."""
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path.name} is missing from ../shared, which CI provides")
        pytest.skip(f"{path.name} is absent (expected in ../shared/real-world/commission-examples/)")
    return path


@pytest.fixture(scope="module")
def many_scripts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cement example with its installation, processes and products named in every script."""
    data = json.loads((ROOT / "examples/cement-clinker-two-cements.json").read_text(encoding="utf-8"))
    data["installation"]["name"] = SCRIPTS["Latin"]
    data["installation"]["name_local"] = SCRIPTS["Arabic"]
    data["installation"]["city"] = SCRIPTS["Devanagari"]
    data["installation"]["street"] = SCRIPTS["Cyrillic"]
    data["installation"]["economic_activity"] = SCRIPTS["Greek"]
    data["installation"]["representative"]["name"] = SCRIPTS["Korean"]
    data["processes"][0]["name"] = SCRIPTS["Chinese"]
    data["products"][0]["name"] = SCRIPTS["Japanese"]
    source = tmp_path_factory.mktemp("scripts") / "many-scripts.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = source.with_suffix(".pdf")
    write_draft(source, target)
    return target


@pytest.fixture(scope="module")
def steel_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("steel") / "steel.pdf"
    write_draft(_need(STEEL), target)
    return target


def _page_texts(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


@pytest.mark.parametrize("which", ["many_scripts", "steel_draft"])
def test_every_page_carries_the_draft_mark_and_its_number(which: str, request: pytest.FixtureRequest) -> None:
    pages = _page_texts(request.getfixturevalue(which))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert "DRAFT – not a verification opinion" in text, f"page {number} has no DRAFT mark"
        assert f"page {number} of {len(pages)}" in text, f"page {number} does not say 'page {number} of {len(pages)}'"


def _fonts(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Dictionary]:
    """Every font the pages use (directly or in form XObjects), by its base name without the subset prefix."""
    found: dict[str, pikepdf.Dictionary] = {}

    def visit(resources: pikepdf.Dictionary) -> None:
        for font in (resources.get("/Font") or {}).values():
            found[str(font.BaseFont).split("+", 1)[-1]] = font
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                visit(xobject.Resources)

    for page in pdf.pages:
        visit(page.Resources)
    return found


def test_the_intended_font_is_embedded_and_no_serif_fallback(steel_draft: Path) -> None:
    with pikepdf.open(steel_draft) as pdf:
        fonts = _fonts(pdf)
    assert "Noto-Sans" in fonts and "Noto-Sans-Bold" in fonts, sorted(fonts)
    assert not [name for name in fonts if "Serif" in name], sorted(fonts)


def _shown_codes(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    """(page, font, glyph code) for every glyph drawn with a two-byte (Identity-H) font, XObjects included."""
    shown: list[tuple[int, str, int]] = []

    def walk(number: int, stream: pikepdf.Object, resources: pikepdf.Dictionary) -> None:
        fonts = resources.get("/Font") or {}
        font = None
        for operands, operator in pikepdf.parse_content_stream(stream):
            op = str(operator)
            if op == "Tf":
                font = fonts.get(str(operands[0]))
            elif op in ("Tj", "TJ", "'", '"') and font is not None and font.get("/Subtype") == "/Type0":
                strings = operands[0] if op == "TJ" else [operands[-1]]
                for item in strings:
                    if isinstance(item, pikepdf.String):
                        data = bytes(item)
                        shown.extend((number, "/" + str(font.BaseFont).lstrip("/"), int.from_bytes(data[i:i + 2], "big"))
                                     for i in range(0, len(data) - 1, 2))
            elif op == "Do":
                xobject = (resources.get("/XObject") or {}).get(str(operands[0]))
                if xobject is not None and xobject.get("/Subtype") == "/Form":
                    walk(number, xobject, xobject.get("/Resources") or resources)

    for number, page in enumerate(pdf.pages, start=1):
        walk(number, page.obj, page.Resources)
    return shown


def _glyph_count(font: pikepdf.Dictionary) -> int:
    """Glyphs in the font program embedded for a Type0 font (read with fontTools)."""
    import io

    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    descriptor = font.DescendantFonts[0].FontDescriptor
    if "/FontFile2" in descriptor:
        return TTFont(io.BytesIO(descriptor.FontFile2.read_bytes())).getGlyphOrder().__len__()
    stream = descriptor.FontFile3
    if stream.get("/Subtype") == "/OpenType":
        return len(TTFont(io.BytesIO(stream.read_bytes())).getGlyphOrder())
    cff = CFFFontSet()
    cff.decompile(io.BytesIO(stream.read_bytes()), None)
    return len(cff[cff.fontNames[0]].charset)


def _notdef(path: Path) -> list[tuple[int, str, int]]:
    """Every glyph drawn as .notdef: glyph 0, or a glyph id the embedded font does not have."""
    with pikepdf.open(path) as pdf:
        shown = _shown_codes(pdf)
        assert shown, "no text drawn with an embedded two-byte font"
        counts = {}
        for font in _fonts(pdf).values():
            if font.get("/Subtype") == "/Type0":
                # WeasyPrint embeds TrueType/OpenType subsets as CID fonts with CIDToGIDMap /Identity: code = glyph id
                assert font.DescendantFonts[0].get("/CIDToGIDMap", pikepdf.Name.Identity) == pikepdf.Name.Identity
                counts["/" + str(font.BaseFont).lstrip("/")] = _glyph_count(font)
        return [entry for entry in shown if entry[2] == 0 or entry[2] >= counts[entry[1]]]


def test_no_script_of_an_installation_name_prints_as_notdef(many_scripts: Path) -> None:
    assert _notdef(many_scripts) == []
    text = unicodedata.normalize("NFKC", " ".join(_page_texts(many_scripts)))
    for script, name in SCRIPTS.items():
        if script in ("Arabic", "Devanagari"):
            # shaped scripts come back from the PDF in presentation forms and visual order: compare the letters
            letters = {c for c in unicodedata.normalize("NFKC", name) if c.isalpha() and not unicodedata.combining(c)}
            assert letters <= set(text), f"{script}: {sorted(letters - set(text))} not in the printed text"
        else:
            # CJK wraps anywhere: compare without white space
            assert "".join(name.split()) in "".join(text.split()), f"{script} name {name!r} is not in the text"
    with pikepdf.open(many_scripts) as pdf:
        families = " ".join(_fonts(pdf))
    for family in ("Noto-Sans-Arabic", "Noto-Sans-Devanagari", "Noto-Sans-CJK"):
        assert family in families, families


def test_the_notdef_check_catches_a_character_no_font_has(tmp_path: Path) -> None:
    """The detector itself: a private-use character has no glyph in any installed font and must be found."""
    data = json.loads((ROOT / "examples/cement-clinker-two-cements.json").read_text(encoding="utf-8"))
    data["installation"]["name"] = "Plant \U000f0001\U000f0002"
    source = tmp_path / "pua.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    write_draft(source, tmp_path / "pua.pdf")
    assert _notdef(tmp_path / "pua.pdf")


def _overflows(source: Path) -> list[str]:
    """Each text box that runs outside the border box of its table cell, as laid out on the page."""
    from weasyprint.formatting_structure import boxes

    html, _, _ = render_html(source, None, None)
    document = weasyprint.HTML(string=html).render(stylesheets=[weasyprint.CSS(filename=str(stylesheet_path()))])
    found = []

    def descend(box: boxes.Box, page: int, cell: boxes.Box | None) -> None:
        if isinstance(box, boxes.TableCellBox):
            cell = box
        if isinstance(box, boxes.TextBox) and cell is not None:
            left, right = cell.border_box_x(), cell.border_box_x() + cell.border_width()
            if box.position_x < left - 0.01 or box.position_x + box.width > right + 0.01:
                found.append(f"page {page}: {box.text!r} spans {box.position_x:.1f}–{box.position_x + box.width:.1f}"
                             f" outside its cell {left:.1f}–{right:.1f}")
        for child in getattr(box, "children", []):
            descend(child, page, cell)

    for number, page in enumerate(document.pages, start=1):
        descend(page._page_box, number, None)
    return found


def test_no_text_runs_outside_its_cell_in_the_widest_real_case() -> None:
    assert _overflows(_need(STEEL)) == []


def test_no_text_runs_outside_its_cell_with_huge_figures_and_long_words(tmp_path: Path) -> None:
    """Figures in the hundreds of millions in the 12-column recomputation table, and unbreakable supplier words."""
    data = json.loads((ROOT / "examples/steelworks-bf-bof.json").read_text(encoding="utf-8"))
    for process in data["processes"]:
        process["name"] = "Warmbreitbandstraßenwalzwerksanlagenbetriebsabteilung" + process["name"]
        if process.get("direct_emissions") is not None:
            process["direct_emissions"] *= 1000
    for stream in data["emissions"]["source_streams"]:
        stream["activity_data"] = stream["activity_data"] * 1000 if stream.get("activity_data") else stream.get(
            "activity_data")
    source = tmp_path / "wide.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert _overflows(source) == []


def test_no_figure_breaks_inside_its_cell_in_the_widest_real_case(steel_draft: Path) -> None:
    """Every figure of a figure column prints on one line: a figure split over two lines ('4,800,00' above '0')
    reads as two numbers. Page text collapses the line break to a space, so a split figure is missing whole."""
    import re

    html, _, _ = render_html(_need(STEEL), None, None)
    figures = set(re.findall(r'<td class="num">([+\-−]?\d[\d,]*(?:\.\d+)?)', html))
    assert {"4,800,000", "7,866,044", "-4,800,000", "1.53898"} <= figures  # the widest figures of this example
    text = " ".join(_page_texts(steel_draft))
    assert sorted(f for f in figures if f not in text) == []
