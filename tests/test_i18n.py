"""Findings and the web page in the user's language: every message translated in every shipped language with the
same placeholders; codes, cells and references unchanged; the language chosen as the browser asks."""

from __future__ import annotations

import json
import re
import string
import subprocess
import sys
from collections import Counter

import pytest

from cbam_exchange.i18n import DEFAULT, LANGUAGES, language, negotiate, po_path, translations
from tests.conftest import ROOT

OTHER = [lang for lang in LANGUAGES if lang != DEFAULT]


def placeholders(text: str) -> Counter:
    """str.format fields (name, conversion, spec) and %-style names, as multisets."""
    fields = Counter((name, conv, spec) for _lit, name, spec, conv in string.Formatter().parse(text) if name is not None)
    fields.update(re.findall(r"%\((\w+)\)[sdfr]", text))
    return fields


def test_every_message_is_translated_in_every_language_with_the_same_placeholders() -> None:
    from babel.messages.pofile import read_po

    from cbam_exchange.i18n.extract import template_catalogue

    template = [m.id for m in template_catalogue() if m.id]
    assert len(template) > 50  # the rule catalogue and the web page
    for lang in OTHER:
        with po_path(lang).open("rb") as fh:
            catalogue = read_po(fh, locale=lang)
        problems = []
        for msgid in template:
            message = catalogue.get(msgid)
            if message is None or not message.string or message.fuzzy:
                problems.append(f"untranslated: {msgid!r}")
            elif message.string == msgid and re.search(r"[A-Za-z]{4}", re.sub(r"\{[^}]*\}", "", msgid)):
                problems.append(f"left in English: {msgid!r}")
            elif placeholders(message.string) != placeholders(msgid):
                problems.append(f"placeholders differ: {msgid!r} -> {message.string!r}")
        assert not problems, f"{lang} ({po_path(lang)}); run python -m cbam_exchange.i18n.extract:\n" + \
            "\n".join(problems[:30])


@pytest.mark.parametrize("header, expected", [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("tr-TR,tr;q=0.9", "tr"), ("en-US,vi;q=0.7", "en"), ("de-DE,de;q=0.9", "en"), ("fr;q=0.5, xx, en;q=0.4", "en"), ("", "en"),
    (None, "en"), ("en;q=0.1, *;q=0.0", "en"),
])
def test_the_browsers_language_is_negotiated(header, expected) -> None:
    assert negotiate(header) == expected


def test_language_codes() -> None:
    assert language("EN_gb") == "en" and language("klingon") is None and language(None) is None


@pytest.mark.parametrize("lang", OTHER)
def test_validate_in_another_language_keeps_codes_cells_and_references(lang, tmp_path) -> None:
    doc = json.loads((ROOT / "examples" / "steelworks-bf-bof.json").read_text(encoding="utf-8"))
    doc["installation"]["unlocode"] = "DEHAM"  # ID-003 at A_InstData I27: message with three placeholders
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    def run(*options: str) -> dict:
        out = subprocess.run([sys.executable, "-m", "cbam_exchange", "validate", "--format", "json", str(path),
                              *options], capture_output=True, text=True, timeout=120)
        return json.loads(out.stdout)["files"][0]

    english, translated = run(), run("--lang", lang)
    assert len(english["findings"]) == len(translated["findings"])
    for e, t in zip(english["findings"], translated["findings"]):
        for key in ("rule", "severity", "location", "value", "expected", "reference", "fingerprint"):
            assert e[key] == t[key]
        assert t["message"] != e["message"] and t["remedy"] != e["remedy"]
    id003 = next(f for f in translated["findings"] if f["rule"] == "ID-003")
    assert "DEHAM" in id003["message"] and "DE" in id003["message"]
    _ = translations(lang).gettext
    assert id003["remedy"] == _("Enter the UN/LOCODE of the installation's location (A_InstData I27) or correct the "
                                "country (I26).")
