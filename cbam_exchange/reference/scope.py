"""Is a customs line a CBAM good of a priced origin? Annex I by headings and subheadings (with the codes excepted from
them) and the origins outside CBAM (EU, Annex III), answered from the packaged tables with their legal reference.

A code is read as customs systems write it (spaces, dots, 4, 6, 8 or 10 digits); a country as an ISO 3166-1 code
(alpha-2 or alpha-3, checked with pycountry) or one of the EU's own geonomenclature codes for territories.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from cbam_exchange.reference.tables import _rows, cn_codes, manifest

_CODE_TEXT = re.compile(r"^[0-9][0-9 .\-]*$")
CODE_LENGTHS = (4, 6, 8, 10)
# Codes of the EU geonomenclature (Reg. (EU) 2020/1470) that ISO 3166-1 does not assign.
_EU_GEONOMENCLATURE = {"XC": "Ceuta", "XL": "Melilla", "XK": "Kosovo", "EL": "Greece", "EU": "European Union"}


def normalise_code(text: str | None) -> str | None:
    """Digits of a CN/TARIC code written with spaces, dots or dashes; None unless it has 4, 6, 8 or 10 digits."""
    text = (text or "").strip()
    if not _CODE_TEXT.match(text):
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits if len(digits) in CODE_LENGTHS else None


@dataclass(frozen=True)
class CodeScope:
    """Where a code stands in Annex I. status: in | out | ambiguous | invalid."""

    code: str | None
    status: str
    sector: str | None = None
    category: str | None = None
    indirect_counted: bool = False
    entry: str | None = None
    reason: str = ""
    warning: str | None = None
    legal_reference: str = ""


@cache
def _entries() -> list[dict[str, str]]:
    return _rows("annex_i_codes")


@cache
def _categories_under(prefix: str) -> frozenset[str]:
    return frozenset(i.category for c, i in cn_codes().items() if c.startswith(prefix))


def _category(code: str) -> tuple[str | None, str | None]:
    """(aggregated goods category, warning): the listed 8-digit code's, else the one category of its heading."""
    info = cn_codes().get(code[:8])
    if info is not None:
        return info.category, None
    for length in (6, 4):
        if len(code) >= length:
            found = _categories_under(code[:length])
            if len(found) == 1:
                category = next(iter(found))
                return category, (f"{code} is not among the CN codes listed for CBAM goods; read as heading "
                                  f"{code[:length]} ({category})")
    return None, f"{code} is not among the CN codes listed for CBAM goods; its goods category is not known"


@cache
def code_scope(text: str | None) -> CodeScope:
    """The Annex I entry that covers `text`, or why none does. A code coarser than an exception under it (e.g. 7202,
    partly excepted) is ambiguous: only the full code tells."""
    legal = manifest()["annex_i_codes"].legal_reference
    code = normalise_code(text)
    if code is None:
        return CodeScope(None, "invalid", reason=f"{text!r} is not a CN code (4, 6, 8 or 10 digits)",
                         legal_reference=legal)
    covering = [e for e in _entries() if code.startswith(e["code"])]
    finer = [e for e in _entries() if e["code"].startswith(code) and len(e["code"]) > len(code)]
    excepted = [e for e in covering if e["rule"] == "exclude"]
    if excepted:
        e = max(excepted, key=lambda x: len(x["code"]))
        return CodeScope(code, "out", sector=e["sector"], entry=e["annex_i_entry"], legal_reference=legal,
                         reason=f"CN {code} is excepted from Annex I ({e['annex_i_entry']}"
                                f"{': ' + e['note'] if e['note'] else ''})")
    included = [e for e in covering if e["rule"] != "exclude"]
    if not included:
        if finer:
            return CodeScope(code, "ambiguous", legal_reference=legal,
                             reason=f"CN {code} is only partly in Annex I (entries "
                                    f"{', '.join(e['annex_i_entry'] for e in finer)}): give the full CN code")
        return CodeScope(code, "out", legal_reference=legal, reason=f"CN {code} is not a good of Annex I")
    if any(e["rule"] == "exclude" for e in finer):
        return CodeScope(code, "ambiguous", legal_reference=legal,
                         reason=f"CN {code} covers goods excepted from Annex I "
                                f"({', '.join(e['annex_i_entry'] for e in finer if e['rule'] == 'exclude')}): "
                                "give the full CN code")
    e = max(included, key=lambda x: len(x["code"]))
    category, warning = _category(code)
    if e["rule"] == "include_part":
        warning = "; ".join(w for w in (warning, f"Annex I covers {e['annex_i_entry']} {e['note']}") if w)
    return CodeScope(code, "in", sector=e["sector"], category=category, indirect_counted=e["indirect_counted"] == "yes",
                     entry=e["annex_i_entry"], warning=warning, legal_reference=legal,
                     reason=f"CN {code} is in Annex I ({e['annex_i_entry']}, {e['sector']})")


@dataclass(frozen=True)
class Origin:
    """A country of origin as read. status: priced | exempt | unknown (not stated: Annex IV) | invalid."""

    code: str | None
    status: str
    name: str | None = None
    reason: str = ""


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@cache
def _exempt() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    by_code, by_name = {}, {}
    for r in _rows("exempt_origins"):
        if r["code"]:
            by_code[r["code"]] = r
        by_name[_folded(r["name"])] = r
    return by_code, by_name


@cache
def origin(text: str | None) -> Origin:
    """The origin of a line: exempt (EU, Annex III) with the reason, priced, not stated, or not a country code."""
    raw = (text or "").strip()
    if raw.casefold() in ("", "unknown", "-"):
        return Origin(None, "unknown", reason="country of origin not stated: Annex IV value (IR (EU) 2025/2621)")
    by_code, by_name = _exempt()
    code = raw.upper()
    if len(code) == 3 and code.isalpha():
        import pycountry
        country = pycountry.countries.get(alpha_3=code)
        code = country.alpha_2 if country else code
    row = by_code.get(code) or by_name.get(_folded(raw))
    if row is not None:
        return Origin(row["code"] or None, "exempt", row["name"],
                      f"origin {row['name']} ({row['group']}) is outside CBAM: {row['legal_reference']}")
    name = _EU_GEONOMENCLATURE.get(code)
    if name is None and len(code) == 2 and code.isalpha():
        import pycountry
        country = pycountry.countries.get(alpha_2=code)
        name = country.name if country else None
    if name is None:
        return Origin(None, "invalid", reason=f"{raw!r} is not an ISO 3166-1 country code (nor an EU "
                                              "geonomenclature code)")
    return Origin(code, "priced", name, f"origin {name} ({code})")
