"""Model paths such as `processes[0].production[1].amount`: the address every value, source and finding uses."""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def tokens(path: str) -> list[str | int]:
    return [int(idx) if idx else name for name, idx in _TOKEN.findall(path)]


def get_path(obj: Any, path: str) -> Any:
    """The value at `path`, or None where any step is absent."""
    for tok in tokens(path):
        if obj is None:
            return None
        if isinstance(tok, int):
            obj = obj[tok] if tok < len(obj) else None
        elif isinstance(obj, dict):
            obj = obj.get(tok)
        else:
            obj = getattr(obj, tok, None)
    return obj


def set_path(obj: Any, path: str, value: Any) -> None:
    *parents, last = tokens(path)
    for tok in parents:
        obj = obj[tok] if isinstance(tok, int) else getattr(obj, tok)
    if isinstance(last, int):
        obj[last] = value
    else:
        setattr(obj, last, value)
