"""Dataclass models to and from JSON-ready dicts, and their JSON Schema.

The model is plain dataclasses rather than a validation framework because it is imported by every command: the
whole `cbam` process has a budget of about a second, and building a framework's validators took a third of it.
Conversion is strict (unknown keys and wrong types are errors naming the path) so the JSON format stays exact.
"""

from __future__ import annotations

import dataclasses
import re
import datetime as dt
import types
import typing
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin


class ModelError(ValueError):
    """Data that does not fit the model; `path` is the dotted model path of the first problem."""

    def __init__(self, path: str, message: str, found: Any = None) -> None:
        self.path = path or "(document)"
        self.message = message
        self.found = found
        super().__init__(f"{self.path}: {message}")


def doc(text: str, default: Any = None, *, factory: Any = None, pattern: str | None = None,
        bounds: tuple[float | None, float | None] | None = None) -> Any:
    """A dataclass field with a description and, optionally, a regular expression its text must match or inclusive
    bounds its number must lie within (all carried into the JSON Schema and checked by `constraint_errors`)."""
    meta: dict[str, Any] = {"doc": text}
    if pattern is not None:
        meta["pattern"] = pattern
    if bounds is not None:
        meta["bounds"] = bounds
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def required(text: str) -> Any:
    return dataclasses.field(metadata={"doc": text})


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _is_optional(tp: Any) -> tuple[bool, Any]:
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) < len(get_args(tp)):
            return True, args[0] if len(args) == 1 else Union[tuple(args)]
    return False, tp


def _convert(tp: Any, value: Any, path: str) -> Any:
    optional, inner = _is_optional(tp)
    if value is None:
        if optional:
            return None
        raise ModelError(path, "a value is required", value)
    tp = inner
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value, path)
    if origin is list:
        if not isinstance(value, list):
            raise ModelError(path, "a list is expected", value)
        (item,) = get_args(tp)
        return [_convert(item, v, _join(path, i)) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ModelError(path, "an object is expected", value)
        _, item = get_args(tp)
        return {str(k): _convert(item, v, _join(path, str(k))) for k, v in value.items()}
    if origin is Literal:
        if value not in get_args(tp):
            raise ModelError(path, f"one of {', '.join(map(repr, get_args(tp)))} is expected", value)
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ModelError(path, "a number is expected", value)
        try:
            number = float(value)
        except OverflowError:  # an integer of hundreds of digits
            raise ModelError(path, "a finite number is expected", f"{str(value)[:20]}... ({len(str(value))} digits)"
                             ) from None
        return number  # NaN and infinity are kept: a submission's are rule SC-005's findings, at their path
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ModelError(path, "a whole number is expected", value)
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ModelError(path, "true or false is expected", value)
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ModelError(path, "text is expected", value)
        return value
    if tp is dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ModelError(path, "a date YYYY-MM-DD is expected", value) from None
    raise TypeError(f"unsupported model type {tp!r} at {path}")


def from_dict(cls: type, data: Any, path: str = "") -> Any:
    """Build dataclass `cls` from a JSON-ready dict; ModelError names the first path that does not fit."""
    if not isinstance(data, dict):
        raise ModelError(path, "an object is expected", data)
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ModelError(_join(path, unknown[0]), "unknown field", data[unknown[0]])
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name], _join(path, f.name))
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ModelError(_join(path, f.name), "a value is required")
    return cls(**kwargs)


def _default_of(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def to_dict(obj: Any, *, exclude_defaults: bool = True) -> Any:
    """JSON-ready dict of a model; with exclude_defaults, None, empty lists and untouched sub-objects are left out."""
    if dataclasses.is_dataclass(obj):
        out = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if exclude_defaults and value == _default_of(f):
                continue
            out[f.name] = to_dict(value, exclude_defaults=exclude_defaults)
        return out
    if isinstance(obj, list):
        return [to_dict(v, exclude_defaults=exclude_defaults) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v, exclude_defaults=exclude_defaults) for k, v in obj.items()}
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def _schema_of(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    optional, inner = _is_optional(tp)
    if optional:
        return {"anyOf": [_schema_of(inner, defs), {"type": "null"}]}
    origin = get_origin(tp)
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = _hints(tp)
            props, req = {}, []
            for f in dataclasses.fields(tp):
                prop = _schema_of(hints[f.name], defs)
                if f.metadata.get("doc"):
                    prop = {**prop, "description": f.metadata["doc"]}
                prop = _with_constraints(prop, f.metadata)
                default = _default_of(f)
                if default is dataclasses.MISSING:
                    req.append(f.name)
                elif default is None or isinstance(default, (str, int, float, bool)):
                    prop = {**prop, "default": default}
                props[f.name] = prop
            body: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
            if tp.__doc__:
                body["description"] = " ".join(tp.__doc__.split())
            if req:
                body["required"] = req
            defs[name] = body
        return {"$ref": f"#/$defs/{name}"}
    if origin is list:
        return {"type": "array", "items": _schema_of(get_args(tp)[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema_of(get_args(tp)[1], defs)}
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    simple = {float: {"type": "number"}, int: {"type": "integer"}, bool: {"type": "boolean"},
              str: {"type": "string"}, dt.date: {"type": "string", "format": "date"}}
    return dict(simple[tp])


def _with_constraints(prop: dict[str, Any], meta: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if meta.get("pattern"):
        extra["pattern"] = meta["pattern"]
    low, high = meta.get("bounds") or (None, None)
    if low is not None:
        extra["minimum"] = low
    if high is not None:
        extra["maximum"] = high
    if not extra:
        return prop
    if "anyOf" in prop:  # optional: constrain the non-null branch
        first, *rest = prop["anyOf"]
        return {**prop, "anyOf": [{**first, **extra}, *rest]}
    return {**prop, **extra}


def constraint_errors(obj: Any, path: str = "") -> list[ModelError]:
    """Every value of a model that breaks its field's pattern or bounds, as ModelErrors naming the path."""
    errors: list[ModelError] = []
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            errors += constraint_errors(item, _join(path, i))
        return errors
    if not dataclasses.is_dataclass(obj):
        return errors
    for f in dataclasses.fields(obj):
        value, where = getattr(obj, f.name), _join(path, f.name)
        pattern, bounds = f.metadata.get("pattern"), f.metadata.get("bounds")
        if pattern and isinstance(value, str) and not re.fullmatch(pattern, value):
            errors.append(ModelError(where, f"does not match the pattern {pattern}", value))
        if bounds and isinstance(value, (int, float)) and not isinstance(value, bool):
            low, high = bounds
            if (low is not None and value < low) or (high is not None and value > high):
                span = f"{low if low is not None else '-inf'} to {high if high is not None else 'inf'}"
                errors.append(ModelError(where, f"out of range: {span} is expected", value))
        errors += constraint_errors(value, where)
    return errors


def json_schema(cls: type) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    ref = _schema_of(cls, defs)
    root = defs.pop(ref["$ref"].rsplit("/", 1)[1])
    return {**root, "$defs": dict(sorted(defs.items()))}
