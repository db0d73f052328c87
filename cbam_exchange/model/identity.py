"""A stable identifier for an installation, the same for every file it sends (any format or template version), and
different for two installations: taken from what identifies an installation, never from a lossy transliteration.

Two keys describe an installation: its CBAM Registry identifier where a file gives one, and its place key (country,
UN/LOCODE and the first of: the English name, the local name, the coordinates, the operator). A file that carries
both lets the workspace recognise an installation it knew by its place key only (workspace/identity.py).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from cbam_exchange.model.submission import Submission


def normal_text(text: str | None) -> str:
    """Compatibility-normalised, case-folded, punctuation and spacing collapsed: letters of every script kept (two
    different Chinese or Cyrillic names stay different), width and case variants of one name made equal."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


@dataclass(frozen=True)
class IdentityKeys:
    registry: str | None  # "registry|<ID>" where the file gives a CBAM Registry identifier
    place: str  # "<country>|<UN/LOCODE>|<name, else local name, else coordinates, else operator>"

    @property
    def installation_id(self) -> str:
        """The id of an installation first seen with these keys: from the Registry identifier where there is one."""
        return key_id(self.registry or self.place)


def key_id(key: str) -> str:
    return "INST-" + hashlib.sha256(key.encode()).hexdigest()[:12].upper()


def identity_keys(*, country: str | None, unlocode: str | None, name: str | None, name_local: str | None = None,
                  latitude: float | None = None, longitude: float | None = None, operator: str | None = None,
                  registry: str | None = None) -> IdentityKeys:
    """The keys of an installation from its identifying data (a submission, a summary report or a stored model)."""
    where = f"@{latitude:.4f},{longitude:.4f}" if latitude is not None and longitude is not None else None
    what = next((v for v in (normal_text(name), normal_text(name_local), where,
                             "operator " + normal_text(operator) if normal_text(operator) else "") if v), "")
    place = "|".join([normal_text(country), normal_text(unlocode).replace(" ", ""), what])
    registry_key = "registry|" + registry.strip().upper() if registry and registry.strip() else None
    return IdentityKeys(registry_key, place)


def submission_keys(submission: Submission) -> IdentityKeys:
    inst, definitive = submission.installation, submission.definitive
    return identity_keys(country=inst.country_code, unlocode=inst.unlocode, name=inst.name,
                         name_local=inst.name_local, latitude=inst.latitude, longitude=inst.longitude,
                         operator=definitive.operator.name if definitive else None,
                         registry=definitive.registry_installation_id if definitive else None)


def installation_id(submission: Submission) -> str:
    """INST- and 12 hex digits. The CBAM Registry identifier where the file gives one; otherwise the place key."""
    return submission_keys(submission).installation_id
