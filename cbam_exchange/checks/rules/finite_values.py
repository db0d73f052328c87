"""SC (continued): numbers that are no numbers. JSON readers accept NaN and Infinity, spreadsheets can hold them
after an overflow; a rule cannot judge with them, so each is a finding at its cell and the rules pass it by."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from typing import Any

from cbam_exchange.checks.catalogue import Example, rule
from cbam_exchange.checks.context import CheckContext


def _walk(node: Any, path: str) -> Iterator[tuple[str, float]]:
    if isinstance(node, float):
        if not math.isfinite(node):
            yield path, node
    elif dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            if f.name not in ("sources", "notes", "declared"):
                yield from _walk(getattr(node, f.name), f"{path}.{f.name}".lstrip("."))
    elif isinstance(node, list):
        for k, item in enumerate(node):
            yield from _walk(item, f"{path}[{k}]")


@rule("SC-005", "value-not-finite", "error", "{field}: {value} is not a finite number.",
      rationale="NaN and infinite values enter no sum a verifier can follow; every figure computed from them is "
                "undefined, so the value is treated as not provided.",
      remedy="Enter the number itself (a value in the unit the row states).",
      reference="Methodology 10.2 U6",
      bad=Example({"processes[1].direct_emissions": float("nan")}, "processes[1].direct_emissions"),
      good=Example({}))
def not_finite(ctx: CheckContext) -> None:
    for path, value in _walk(ctx.submission, ""):
        ctx.report(path, value=str(value), field=path)
