"""The supplement file: the Annex IV (IR 2025/2547) items a workbook lacks, written by the producer in YAML (or
JSON), read together with the workbook into `Submission.definitive`.

Every value is checked like any input: types and allowed values by the model, patterns and ranges by the model's
field constraints, dates in order, CN codes against Annex I of Reg. 2023/956, and every product row and purchased
precursor it names must exist in the workbook. A problem ends the command with exit 2 and one line naming the file
and the field (e.g. `definitive.goods[0].indirect_actual_share`).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.model.codec import ModelError, constraint_errors, from_dict
from cbam_exchange.model.definitive import DefinitivePeriod
from cbam_exchange.model.submission import Submission
from cbam_exchange.readers.mapping_file import strict_yaml_loader, unique_pairs
from cbam_exchange.reference.tables import cn_codes

SUPPLEMENT_FORMAT = "cbam-exchange/supplement"
SUPPLEMENT_VERSION = "1.0"
_MAX_BYTES = 2 * 1024 * 1024


def _load(path: Path) -> Any:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableInput(name, f"supplement cannot be read ({exc.strerror})") from None
    if len(raw) > _MAX_BYTES:
        raise UnreadableInput(name, "supplement too large", found=f"{len(raw)} bytes", expected=f"at most {_MAX_BYTES}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableInput(name, "supplement is not UTF-8 text", found=str(exc)) from None
    try:
        return _parse(name, text)
    except RecursionError:
        raise UnreadableInput(name, "supplement nested too deeply to read",
                              expected="the shape `cbam supplement init` writes") from None


def _parse(name: str, text: str) -> Any:
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text, object_pairs_hook=unique_pairs(name))
        except json.JSONDecodeError as exc:
            raise UnreadableInput(name, f"supplement is not valid JSON: {exc.msg}",
                                  location=f"line {exc.lineno}, column {exc.colno}") from None
    import yaml

    loader = strict_yaml_loader(name, dates_as_text=True)
    try:
        for event in yaml.parse(text, Loader=loader):  # aliases could multiply a small file's content
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise UnreadableInput(name, "YAML aliases (*name) are not accepted in a supplement",
                                      location=f"line {mark.line + 1}" if mark else None)
        return yaml.load(text, Loader=loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UnreadableInput(name, f"supplement is not valid YAML: {getattr(exc, 'problem', None) or exc}",
                              location=f"line {mark.line + 1}, column {mark.column + 1}" if mark else None) from None


def read_supplement(path: str | Path, for_file: str | Path | None = None) -> DefinitivePeriod:
    """The supplement's definitive-period data, checked on its own (types, patterns, ranges, dates, CN codes), and,
    with `for_file`, that its `workbook` line names that file."""
    path = Path(path)
    name = str(path)
    data = _load(path)
    if not isinstance(data, dict) or data.get("format") != SUPPLEMENT_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise UnreadableInput(name, "not a cbam-exchange supplement", location="format", found=repr(found),
                              expected=repr(SUPPLEMENT_FORMAT))
    if str(data.get("format_version")) != SUPPLEMENT_VERSION:
        raise UnreadableInput(name, "unsupported supplement version", location="format_version",
                              found=repr(data.get("format_version")), expected=repr(SUPPLEMENT_VERSION))
    unknown = sorted(set(data) - {"format", "format_version", "workbook", "definitive"})
    if unknown:
        raise UnreadableInput(name, "unknown field", location=unknown[0])
    if for_file is not None:
        _check_workbook(name, data.get("workbook"), Path(for_file))
    for where, number in _not_finite(data.get("definitive"), "definitive"):
        raise UnreadableInput(name, "a finite number is expected", location=where, found=repr(number))
    try:
        definitive = from_dict(DefinitivePeriod, data.get("definitive") or {}, "definitive")
    except ModelError as exc:
        raise UnreadableInput(name, exc.message, location=exc.path, found=repr(exc.found)[:80]) from None
    problems = constraint_errors(definitive, "definitive") + _own_checks(definitive)
    if problems:
        first = problems[0]
        raise UnreadableInput(name, first.message, location=first.path, found=repr(first.found)[:80])
    return definitive


def _not_finite(node: Any, path: str) -> Iterator[tuple[str, float]]:
    """NaN and infinity (YAML .nan/.inf, JSON NaN/Infinity) in a supplement: it is written by hand for one purpose,
    so it is refused at once (a submission's are SC-005 findings instead); NaN would pass every range check."""
    if isinstance(node, float) and not math.isfinite(node):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _not_finite(value, f"{path}.{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _not_finite(value, f"{path}[{k}]")


def _check_workbook(name: str, workbook: Any, file: Path) -> None:
    """Another file's supplement has product rows 1, 2, ... too: it would pass every other check and put another
    installation's operator and Registry identifier in this file's reports. The name is compared without its
    extension (a workbook built from a JSON file keeps its name); standard input has no name to compare."""
    if workbook is None or (file.name.startswith("stdin.") and file.parent.name.startswith("cbam-stdin-")):
        return
    if not isinstance(workbook, str) or Path(workbook).stem.casefold() != file.stem.casefold():
        raise UnreadableInput(name, "supplement written for another file", location="workbook",
                              found=repr(workbook)[:120],
                              expected=f"{file.name!r} (if the file was renamed, change the supplement's "
                                       "workbook line)")


def _own_checks(d: DefinitivePeriod) -> list[ModelError]:
    errors: list[ModelError] = []
    for k, p in enumerate(d.precursors):
        where = f"definitive.precursors[{k}]"
        if p.period_start and p.period_end and p.period_end < p.period_start:
            errors.append(ModelError(f"{where}.period_end", f"ends before it starts ({p.period_start})",
                                     p.period_end.isoformat()))
        if p.cn_code and not any(code.startswith(p.cn_code) for code in cn_codes()):
            errors.append(ModelError(f"{where}.cn_code", "not a CN code of Annex I to Reg. (EU) 2023/956",
                                     p.cn_code))
    for k, g in enumerate(d.goods):
        a, b = g.indirect_actual_share, g.indirect_default_share
        if a is not None and b is not None and abs(a + b - 100) > 0.01:
            errors.append(ModelError(f"definitive.goods[{k}].indirect_default_share",
                                     f"actual and default shares must add up to 100 % (actual is {a:g})", b))
    return errors


def apply_supplement(submission: Submission, definitive: DefinitivePeriod, file: str) -> Submission:
    """The submission with the supplement's data; rows and precursor ids it names must exist in the submission.

    Data the submission already carries under `definitive` (a 1.1 JSON file) is kept where the supplement is
    silent; where both speak, the supplement wins.
    """
    rows = {p.row for p in submission.products}
    ids = {p.id for p in submission.purchased_precursors}
    for kind, keys, known in (("goods", [g.product_row for g in definitive.goods], rows),
                              ("precursors", [p.precursor_id for p in definitive.precursors], ids)):
        seen: set[object] = set()
        for k, key in enumerate(keys):
            field = "product_row" if kind == "goods" else "precursor_id"
            where = f"definitive.{kind}[{k}].{field}"
            if key not in known:
                what = "product row" if kind == "goods" else "purchased precursor"
                raise UnreadableInput(file, f"the workbook has no {what} {key}",
                                      location=where, found=repr(key),
                                      expected=", ".join(map(str, sorted(known, key=str))) or "none in the workbook")
            if key in seen:
                raise UnreadableInput(file, "named twice", location=where, found=repr(key))
            seen.add(key)
    merged = _merge(submission.definitive, definitive) if submission.definitive else definitive
    return dataclasses.replace(submission, definitive=merged)


def _merge(old: DefinitivePeriod, new: DefinitivePeriod) -> DefinitivePeriod:
    values = {}
    for f in dataclasses.fields(DefinitivePeriod):
        mine, theirs = getattr(new, f.name), getattr(old, f.name)
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        values[f.name] = mine if mine != default else theirs
    return DefinitivePeriod(**values)


def read_with_supplement(path: str | Path, supplement: str | Path | None) -> Submission:
    """Read a submission and, where a supplement is given, add its definitive-period data."""
    from cbam_exchange.readers import read_submission

    submission = read_submission(path)
    if supplement is None:
        return submission
    return apply_supplement(submission, read_supplement(supplement, path), str(supplement))
