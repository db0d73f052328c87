"""A stable identifier for an installation, the same for every file it sends (any format or template version)."""

from __future__ import annotations

import hashlib
import unicodedata

from cbam_exchange.model.submission import Submission


def _normal(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())


def installation_id(submission: Submission) -> str:
    """INST- and 12 hex digits of the country, UN/LOCODE and English name, normalised (case, accents, spaces)."""
    inst = submission.installation
    key = "|".join([_normal(inst.country_code), _normal(inst.unlocode).replace(" ", ""), _normal(inst.name)])
    return "INST-" + hashlib.sha256(key.encode()).hexdigest()[:12].upper()
