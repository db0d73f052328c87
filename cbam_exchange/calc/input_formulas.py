"""Evaluate formulas that suppliers put into input cells where the workbook carries no cached value.

Only what can be evaluated without Excel is evaluated: numbers, + - * / and parentheses, SUM over cells and
ranges, and references either to other input cells (their values from the model) or to quantities the toolkit
recomputes itself (declared per layout under `[computed]`). Anything else stays "not provided", and the note names
the reference that could not be evaluated.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from cbam_exchange.calc.results import InstallationTotals, MeasurementResult, PfcResult, StreamResult
from cbam_exchange.layouts import CellRef, known_layouts
from cbam_exchange.model.paths import get_path, set_path
from cbam_exchange.model.submission import ReadNote, Submission

_TOKEN = re.compile(r"\s*(?:(?P<ref>(?:(?:'[^']+'|[A-Za-z_][\w&.]*)!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)"
                    r"|(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)|(?P<op>[-+*/(),])|(?P<fn>SUM)\b)", re.I)


class Unevaluable(Exception):
    pass


def _tokenize(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.lstrip("=")
    while pos < len(text.rstrip()):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise Unevaluable(f"unsupported text '{text[pos:pos + 20]}'")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    """expr := term (('+'|'-') term)*; term := factor (('*'|'/') factor)*; factor := num | ref | SUM(args) | -f."""

    def __init__(self, tokens: list[tuple[str, str]], resolve: Callable[[str], list[float]]) -> None:
        self.tokens, self.pos, self.resolve = tokens, 0, resolve

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        tok = self._peek()
        if tok is None:
            raise Unevaluable("formula ends unexpectedly")
        self.pos += 1
        return tok

    def parse(self) -> float:
        value = self._expr()
        if self._peek() is not None:
            raise Unevaluable(f"unexpected '{self._peek()[1]}'")  # type: ignore[index]
        return value

    def _expr(self) -> float:
        value = self._term()
        while (tok := self._peek()) and tok[1] in "+-" and tok[0] == "op":
            self._take()
            value = value + self._term() if tok[1] == "+" else value - self._term()
        return value

    def _term(self) -> float:
        value = self._factor()
        while (tok := self._peek()) and tok[1] in "*/" and tok[0] == "op":
            self._take()
            right = self._factor()
            if tok[1] == "/" and right == 0:
                raise Unevaluable("division by zero")
            value = value * right if tok[1] == "*" else value / right
        return value

    def _factor(self) -> float:
        kind, text = self._take()
        if kind == "num":
            return float(text)
        if kind == "op" and text == "-":
            return -self._factor()
        if kind == "op" and text == "(":
            value = self._expr()
            if self._take()[1] != ")":
                raise Unevaluable("missing ')'")
            return value
        if kind == "ref":
            values = self.resolve(text)
            if len(values) != 1:
                raise Unevaluable(f"a range {text} outside SUM")
            return values[0]
        if kind == "fn":
            if self._take()[1] != "(":
                raise Unevaluable("SUM without '('")
            total = 0.0
            while True:
                tok = self._peek()
                if tok and tok[0] == "ref":
                    self._take()
                    total += sum(self.resolve(tok[1]))
                else:
                    total += self._expr()
                sep = self._take()[1]
                if sep == ")":
                    return total
                if sep != ",":
                    raise Unevaluable("SUM arguments must be separated by ','")
        raise Unevaluable(f"unexpected '{text}'")


def _cells(text: str, sheet: str) -> list[CellRef]:
    text = text.replace("$", "")
    if "!" in text:
        sheet, text = text.rsplit("!", 1)
        sheet = sheet.strip("'")
    first, _, last = text.partition(":")
    a, b = CellRef.parse(f"{sheet}!{first}"), CellRef.parse(f"{sheet}!{last or first}")
    return [CellRef(sheet, r, c) for r in range(a.row, b.row + 1) for c in range(a.col, b.col + 1)]


def resolve_input_formulas(submission: Submission, streams: list[StreamResult], pfc: list[PfcResult],
                           measurements: list[MeasurementResult], totals: InstallationTotals) -> Submission:
    """A copy of `submission` with evaluable input formulas evaluated, and the notes updated to say how."""
    pending = [n for n in submission.notes if n.code == "READ-FORMULA"]
    layout = known_layouts().get(submission.source.template_version or "")
    if not pending or layout is None:
        return submission
    by_cell = {f"{s.sheet}!{s.cell}": path for path, s in submission.sources.items()}
    results: dict[str, list] = {"streams": streams, "pfc": pfc, "measurements": measurements}
    out = copy.deepcopy(submission)

    def resolve_cell(ref: CellRef) -> float:
        computed = layout.computed_cell(ref)
        if computed is not None:
            path, row = computed
            if row is None:
                value = get_path({"totals": totals}, path)
            else:
                table, field = path.split(".")
                value = next((getattr(r, field) for r in results[table] if r.row == row), 0.0)
            if value is None:
                raise Unevaluable(f"{ref} cannot be recomputed (its inputs are incomplete)")
            return float(value)
        path = by_cell.get(str(ref))
        if path is None:
            raise Unevaluable(f"{ref} is neither an input nor a quantity the toolkit recomputes")
        value = get_path(out, path)
        if value is None:
            return 0.0  # an empty cell, as the spreadsheet would read it
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Unevaluable(f"{ref} holds text")
        return float(value)

    notes = []
    for note in out.notes:
        if note.code != "READ-FORMULA" or note.sheet is None:
            notes.append(note)
            continue
        formula = out.sources[note.path].formula or ""
        try:
            value = _Parser(_tokenize(formula), lambda t: [resolve_cell(c) for c in _cells(t, note.sheet)]).parse()
        except (Unevaluable, ValueError) as exc:
            notes.append(ReadNote(code="READ-FORMULA", path=note.path, sheet=note.sheet, cell=note.cell,
                                  found=note.found, message=f"input cell holds the formula {formula} and no "
                                  f"calculated value; it could not be evaluated: {exc}"))
            continue
        set_path(out, note.path, value)
        notes.append(ReadNote(code="READ-FORMULA-EVALUATED", path=note.path, sheet=note.sheet, cell=note.cell,
                              found=note.found, message=f"input cell holds the formula {formula}; the workbook has no "
                              f"calculated value, so it was evaluated from the recomputation: {value:g}"))
    out.notes = notes
    return out
