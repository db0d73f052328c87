"""Small YAML or JSON files a user writes (waivers, verifier details, customs column mappings, supplements), read
into a mapping. Parsers keep the last of two equal keys silently; here a key given twice is refused, since the user
meant one of the two values and the file does not say which."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput


def unique_pairs(name: str) -> Callable[[list[tuple[Any, Any]]], dict[Any, Any]]:
    """json.loads object_pairs_hook: each key of an object once."""

    def build(pairs: list[tuple[Any, Any]]) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, value in pairs:
            if key in out:
                raise UnreadableInput(name, f"{key!r} given twice in one mapping", location="JSON object",
                                      expected="each key once")
            out[key] = value
        return out

    return build


def strict_yaml_loader(name: str, *, dates_as_text: bool = False) -> type:
    """A SafeLoader that refuses a key given twice in one mapping (naming its line); with `dates_as_text`, dates
    stay text for the model to check and name the field (PyYAML would raise on 2026-02-30)."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise UnreadableInput(name, f"{key!r} given twice in one mapping",
                                          location=f"line {key_node.start_mark.line + 1}", expected="each key once")
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    if dates_as_text:
        Loader.yaml_implicit_resolvers = {
            first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return Loader


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
            data = yaml.load(text, Loader=strict_yaml_loader(name))  # noqa: S506 (a SafeLoader)
        else:
            data = json.loads(text, object_pairs_hook=unique_pairs(name))
    except UnreadableInput:
        raise
    except RecursionError:
        raise UnreadableInput(name, f"{what} nested too deeply to read") from None
    except Exception as exc:
        mark = getattr(exc, "problem_mark", None)
        where = (f" (line {mark.line + 1}, column {mark.column + 1})" if mark else
                 f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else "")
        problem = getattr(exc, "problem", None) or getattr(exc, "msg", None) or str(exc).splitlines()[0]
        raise UnreadableInput(name, f"{what} is not valid {kind}: {problem}{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UnreadableInput(name, f"{what} must be a mapping of fields", found=type(data).__name__)
    return data
