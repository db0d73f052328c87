"""Build the message template (`cbam.pot`) from its sources and bring every language's `.po` up to date.

    python -m cbam_exchange.i18n.extract

Sources: every rule's message and remedy in the catalogue, the web page's templates (`templates/web/*.j2`, calls of
`_()`) and the web package's Python (`_()`). New messages appear in each `.po` untranslated; messages no rule uses
any more are dropped. Translators then fill the empty `msgstr`s; the tests fail until every one is filled.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po, write_po

from cbam_exchange import __version__
from cbam_exchange.i18n import DEFAULT, DOMAIN, LANGUAGES, LOCALE_DIR, po_path
from cbam_exchange.resources import data_dir

_WEB_PACKAGE = Path(__file__).resolve().parent.parent / "web"


def template_catalogue() -> Catalog:
    """Every message the toolkit shows in another language, with where it comes from."""
    from jinja2.ext import babel_extract

    from cbam_exchange.checks.catalogue import all_rules

    catalogue = Catalog(project="cbam-exchange", version=__version__, domain=DOMAIN)
    for rule in all_rules():
        catalogue.add(rule.message, locations=[(f"rule/{rule.code}", 1)], auto_comments=[f"{rule.code} message"])
        catalogue.add(rule.remedy, locations=[(f"rule/{rule.code}", 2)], auto_comments=[f"{rule.code} remedy"])
    sources = [(p, babel_extract) for p in sorted((data_dir("templates") / "web").glob("*.j2"))]
    sources += [(p, "python") for p in sorted(_WEB_PACKAGE.glob("*.py"))]
    for path, method in sources:
        with path.open("rb") as fh:
            for lineno, message, comments, _context in extract(method, fh, keywords={"_": None},
                                                                comment_tags=("Translators:",)):
                catalogue.add(message, locations=[(f"{path.parent.name}/{path.name}", lineno)],
                              auto_comments=comments)
    return catalogue


def update(write: bool = True) -> dict[str, int]:
    """Merge the template into every language; returns the number of untranslated messages per language."""
    template = template_catalogue()
    missing = {}
    if write:
        LOCALE_DIR.mkdir(parents=True, exist_ok=True)
        with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as fh:
            write_po(fh, template, omit_header=False, width=120, sort_output=False)
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as fh:
                catalogue = read_po(fh, locale=lang)
        else:
            catalogue = Catalog(locale=lang, project="cbam-exchange", domain=DOMAIN, fuzzy=False)
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        missing[lang] = sum(1 for m in catalogue if m.id and not m.string)
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as fh:
                write_po(fh, catalogue, width=120, ignore_obsolete=True)
    return missing


def main() -> None:
    missing = update()
    for lang, count in missing.items():
        print(f"{lang}: {count} message(s) to translate in {po_path(lang)}", file=sys.stderr)


if __name__ == "__main__":
    main()
