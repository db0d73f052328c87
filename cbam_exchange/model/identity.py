"""A stable identifier for an installation, the same for every file it sends (any format or template version), and
different for two installations: taken from what identifies an installation, never from a lossy transliteration."""

from __future__ import annotations

import hashlib
import unicodedata

from cbam_exchange.model.submission import Submission


def normal_text(text: str | None) -> str:
    """Compatibility-normalised, case-folded, punctuation and spacing collapsed: letters of every script kept (two
    different Chinese or Cyrillic names stay different), width and case variants of one name made equal."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def installation_id(submission: Submission) -> str:
    """INST- and 12 hex digits. The CBAM Registry identifier where the file gives one; otherwise the country, the
    UN/LOCODE and the first of: the English name, the local name, the coordinates (to about 10 m), the operator."""
    inst = submission.installation
    definitive = submission.definitive
    registry = definitive.registry_installation_id if definitive else None
    if registry and registry.strip():
        key = "registry|" + registry.strip().upper()
    else:
        where = None
        if inst.latitude is not None and inst.longitude is not None:
            where = f"@{inst.latitude:.4f},{inst.longitude:.4f}"
        operator = definitive.operator.name if definitive else None
        what = next((v for v in (normal_text(inst.name), normal_text(inst.name_local), where,
                                 "operator " + normal_text(operator) if normal_text(operator) else "") if v), "")
        key = "|".join([normal_text(inst.country_code), normal_text(inst.unlocode).replace(" ", ""), what])
    return "INST-" + hashlib.sha256(key.encode()).hexdigest()[:12].upper()
