"""`cbam report check`: the draft's embedded evidence is intact and reproduces.

Every attachment must match the SHA-256 in the embedded manifest; the embedded submission is then validated and
recomputed again, and the findings and recomputation must come out identical to the embedded ones.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.report.evidence import FINDINGS, MANIFEST, RECOMPUTATION, build, sha256


def _attachments(path: Path) -> dict[str, bytes]:
    import pikepdf

    try:
        pdf = pikepdf.open(path)  # keep the Pdf alive while its attachments are read
    except Exception as exc:
        raise UnreadableInput(str(path), f"not a readable PDF ({type(exc).__name__})") from None
    try:
        return {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
    finally:
        pdf.close()


def check_draft(path: Path) -> list[str]:
    """Problems found (empty where the draft is intact and reproduces)."""
    files = _attachments(path)
    if MANIFEST not in files:
        raise UnreadableInput(str(path), "not a cbam-exchange draft: no manifest.json attached")
    manifest = json.loads(files[MANIFEST])
    problems = []
    for name, digest in manifest["attachments"].items():
        if name not in files:
            problems.append(f"attachment {name} is missing")
        elif sha256(files[name]) != digest:
            problems.append(f"attachment {name} was altered: SHA-256 {sha256(files[name])} but the manifest "
                            f"records {digest}")
    source_name = manifest["submission"]
    if source_name not in files:
        return problems
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / source_name
        source.write_bytes(files[source_name])
        try:
            _, again = build(source, manifest.get("year"))
        except UnreadableInput as exc:
            return problems + [f"the embedded submission cannot be read again: {exc.describe()}"]
    for name in (FINDINGS, RECOMPUTATION):
        if name in files and again[name] != files[name]:
            old, new = json.loads(files[name]), json.loads(again[name])
            changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            problems.append(f"{name} is not reproduced: {', '.join(changed)} differ")
    return problems
