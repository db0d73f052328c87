"""Message catalogues (gettext through Babel): the languages shipped, the translations of one language, and the
choice of a language from an HTTP Accept-Language header.

The catalogues are the `.po` files in `cbam_exchange/locale/<lang>/LC_MESSAGES/cbam.po`, shipped inside the package
and compiled in memory on first use, so that an installed wheel needs no build step and no binary file is committed.
Legal references, rule codes and cell locations are never translated.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

DOMAIN = "cbam"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DEFAULT = "en"
# English is the source language; the others are the languages of major exporting countries.
LANGUAGES = {"en": "English", "zh": "简体中文", "tr": "Türkçe", "vi": "Tiếng Việt"}


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang` (English, or an unknown language, translates to itself)."""
    if lang == DEFAULT or lang not in LANGUAGES:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as fh:
        catalogue = read_po(fh, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)  # a fuzzy (unchecked) translation falls back to English
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_for(lang: str):  # noqa: ANN201 (a callable str -> str)
    return translations(lang).gettext


def language(value: str | None) -> str | None:
    """`value` as a shipped language code ("zh-CN" -> "zh"), or None."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def negotiate(accept_language: str | None) -> str:
    """The shipped language the browser prefers most (RFC 9110 quality values), English where none matches."""
    ranked = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, val = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(val)
                except ValueError:
                    quality = 0.0
                if not 0.0 <= quality <= 1.0:  # inf, 2, nan: not a qvalue (RFC 9110 12.4.2), so it ranks nothing
                    quality = 0.0
        code = language(tag)
        if code and quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else DEFAULT
