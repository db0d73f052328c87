"""Small YAML or JSON files a user writes (waivers, verifier details), read into a mapping."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput


def read_mapping_file(path: Path, what: str) -> dict[str, Any]:
    """The file's top-level mapping; YAML for .yaml/.yml, JSON otherwise. UnreadableInput names what is wrong."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UnreadableInput(name, f"{what} cannot be read ({exc.strerror})") from None
    kind = "YAML" if path.suffix.lower() in (".yaml", ".yml") else "JSON"
    try:
        if kind == "YAML":
            import yaml
            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except Exception as exc:
        raise UnreadableInput(name, f"{what} is not valid {kind}: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UnreadableInput(name, f"{what} must be a mapping of fields", found=type(data).__name__)
    return data
