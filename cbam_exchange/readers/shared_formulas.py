"""The text of a shared formula in a dependent cell: the master's formula with its relative references moved.

Excel writes a block of similar formulas once (`<f t="shared" ref="L27:L36" si="0">L26+1</f>`) and leaves the other
cells of the block with `<f t="shared" si="0"/>`; each of them means the master's formula with every reference not
anchored by `$` shifted by the cell's distance from the master, as when a formula is filled down or across.
"""

from __future__ import annotations

import re

from cbam_exchange.layouts import col_to_index, index_to_col

_MAX_ROW, _MAX_COL = 1_048_576, 16_384
# string literals and quoted sheet names are copied unchanged; then cell references, column ranges, row ranges
_TOKEN = re.compile(
    r"""(?P<lit>"(?:[^"]|"")*"|'(?:[^']|'')*'|\[[^\]]*\])"""
    r"|(?<![\w.$])(?P<cell>(?P<ca>\$?)(?P<col>[A-Z]{1,3})(?P<ra>\$?)(?P<row>[0-9]+))(?![\w.(])"
    r"|(?<![\w.$])(?P<cols>(?P<c1a>\$?)(?P<c1>[A-Z]{1,3}):(?P<c2a>\$?)(?P<c2>[A-Z]{1,3}))(?![\w.(])"
    r"|(?<![\w.$])(?P<rows>(?P<r1a>\$?)(?P<r1>[0-9]+):(?P<r2a>\$?)(?P<r2>[0-9]+))(?![\w.(])")


def _col(anchor: str, letters: str, shift: int) -> str:
    n = col_to_index(letters)
    if not anchor:
        n += shift
    if not 1 <= n <= _MAX_COL:
        raise ValueError(letters)
    return anchor + index_to_col(n)


def _row(anchor: str, digits: str, shift: int) -> str:
    n = int(digits) + (0 if anchor else shift)
    if not 1 <= n <= _MAX_ROW:
        raise ValueError(digits)
    return anchor + str(n)


def _is_reference(m: re.Match[str]) -> bool:
    """False for a name that merely looks like a reference (a column beyond XFD, a row beyond 1,048,576)."""
    cols = [m[k] for k in ("col", "c1", "c2") if m[k]]
    rows = [m[k] for k in ("row", "r1", "r2") if m[k]]
    return all(col_to_index(c) <= _MAX_COL for c in cols) and all(1 <= int(r) <= _MAX_ROW for r in rows)


def shift_formula(formula: str, rows: int, cols: int) -> str:
    """`formula` as it reads `rows` rows down and `cols` columns right of where it was written."""

    def move(m: re.Match[str]) -> str:
        if m["lit"] or not _is_reference(m):
            return m.group(0)
        try:
            if m["cell"]:
                return _col(m["ca"], m["col"], cols) + _row(m["ra"], m["row"], rows)
            if m["cols"]:
                return _col(m["c1a"], m["c1"], cols) + ":" + _col(m["c2a"], m["c2"], cols)
            if m["rows"]:
                return _row(m["r1a"], m["r1"], rows) + ":" + _row(m["r2a"], m["r2"], rows)
        except ValueError:  # moved off the sheet, as Excel says when filling
            return "#REF!"
        return m.group(0)

    return _TOKEN.sub(move, formula)
