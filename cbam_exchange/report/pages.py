"""The text of a draft's pages, and what differs between two versions of it, figure by figure.

Text comes out through PDFium (pypdfium2): the same extractor reads the pages as made, the pages of the file being
checked and the pages rendered again from the evidence, so any difference is a difference on the page."""

from __future__ import annotations

import difflib
import re

# a figure as the draft prints it: 7,866,044 / -478,959 / 1.53898 / 7.6 % / (row 3) / 2026-01-01
_FIGURE = re.compile(r"[-−+]?\d[\d,.\-]*%?")
_SHOWN = 8  # tokens shown on either side of one difference


def page_texts(data: bytes) -> list[str]:
    """The text of every page, white space collapsed."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(" ".join(textpage.get_text_range().split()))
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def _is_figure(token: str) -> bool:
    return _FIGURE.search(token) is not None


def _quote(tokens: list[str]) -> str:
    text = " ".join(tokens[:_SHOWN]) + (" …" if len(tokens) > _SHOWN else "")
    return f"“{text}”" if text else "nothing"


def differences(shown: list[str], expected: list[str], limit: int = 20) -> list[str]:
    """Where the pages `shown` differ from the pages `expected`, naming the page and the figure or words."""
    if len(shown) != len(expected):
        return [f"the draft has {len(shown)} page(s) where {len(expected)} were made"]
    found: list[str] = []
    for number, (got_text, want_text) in enumerate(zip(shown, expected), start=1):
        got, want = got_text.split(), want_text.split()
        matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            was, now = want[i1:i2], got[j1:j2]
            what = "figure" if any(_is_figure(t) for t in was + now) else "text"
            found.append(f"page {number}: {what} {_quote(now)} where the evidence gives {_quote(was)}")
            if len(found) >= limit:
                return found + ["(further differences not listed)"]
    return found
