"""The rows of one worksheet part: a fast path that parses only the rows a layout needs, and a full streaming parse.

Both paths hand lxml row elements to the same decoder, so they differ only in which rows they parse. The fast path
slices the part's bytes at `<row` tags and parses the wanted slices; that is exact only when every `<` in the body
starts an element of the SpreadsheetML namespace written without a prefix, so it runs only where the part proves
that: UTF-8, no `<!` (DOCTYPE, comment, CDATA) and no `<?` after the XML declaration, the main namespace declared as
the root's default namespace and no namespace declared anywhere else, every row numbered and in ascending order.
XML forbids a literal `<` in attribute values and text, so under those conditions the slices are exactly the row
elements. Anything else (prefixes, UTF-16, CDATA, rows without `r`, …) takes the full parse. The proof covers the
part up to the first row numbered beyond the last one wanted (about half of a filled template's bytes): what follows
is not looked at unless a cell there is asked for, which the full parse then finds.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import cache
from typing import NamedTuple

from lxml import etree

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.layouts import index_to_col
from cbam_exchange.readers.xlsx_package import LIMITS
from cbam_exchange.readers.xlsx_xml import MAIN_NAMESPACES, is_main, iter_children, parse, tags

_DECL = re.compile(rb'\A(?:\xef\xbb\xbf)?(?:<\?xml\s[^?]*\?>)?\s*')
_UTF8_DECL = re.compile(rb'encoding\s*=\s*["\'](?:utf-?8)["\']', re.I)
# a start tag in the XML grammar: quoted attribute values may hold '>' but never '<'
_START_TAG = re.compile(rb'<([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|\'[^\'<]*\'))*)\s*(/?)>')
_ATTR = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"<]*)"|\'([^\'<]*)\')')
_ROW_TAG = re.compile(rb'<row[\s/>]')
_CELL_R_FIRST = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"')
_ROW_R_FIRST = re.compile(rb'<row(?:\s+r="([0-9]+)")?')  # every '<row', with its number where r comes first
_SHEET_DATA = re.compile(rb'<sheetData[\s/>]')
_MARKUP = re.compile(rb'<[!?]')  # DOCTYPE, comment, CDATA or processing instruction: one scan finds any
_SHARED_MASTERS = etree.XPath("*/*[@t='shared'][@ref]")  # the <f> of a row's cells that start a shared formula
_SHEET_DATA_END = re.compile(rb'</sheetData\s*>')
_CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")


class Cell(NamedTuple):
    """What one `<c>` holds: its type, cached value text, and formula (text and shared-formula index). A tuple:
    thousands are made per workbook, and a frozen dataclass costs several times as much to build."""

    type: str
    value: str | None
    formula: str | None
    shared_index: str | None = None


def column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


_C, _V, _F, _IS, _T, _R = (tags(n) for n in ("c", "v", "f", "is", "t", "r"))
_ABSENT = object()
# the refs of a row's cells joined by spaces, all in one row: 'A5 B5 L5 '
_SAME_ROW_REFS = re.compile(r"(?:[A-Z]{1,3}(?P<n>[1-9][0-9]*) )(?:[A-Z]{1,3}(?P=n) )*")
_SAME_ROW_REFS_BYTES = re.compile(_SAME_ROW_REFS.pattern.encode())


def text_of(element: etree._Element) -> str:
    """The string of an `<is>` or `<si>`: its `<t>`, or the `<t>` of every run; phonetic runs (`<rPh>`) are not
    part of the value."""
    parts = []
    for child in element:
        if child.tag in _T:
            parts.append(child.text or "")
        elif child.tag in _R:
            parts.extend(t.text or "" for t in child if t.tag in _T)
    return "".join(parts)


def decode_cell(c: etree._Element, file: str, part: str) -> Cell:
    if not len(c):  # no value and no formula: a formatted empty cell, most of a template's input cells
        return _empty_cell(c.get("t", "n"))
    value = formula = si = None
    for child in c:
        tag = child.tag
        if tag in _V:
            value = child.text or ""
        elif tag in _F:
            formula = child.text or ""
            if child.get("t") == "shared":
                si = child.get("si")
        elif tag in _IS:
            value = text_of(child)
    if value is not None and len(value) > LIMITS.string_chars:
        raise UnreadableInput(file, "a cell holds a longer text than Excel allows",
                              location=f"{part} {c.get('r') or ''}".strip(), found=f"{len(value):,} characters",
                              expected=f"at most {LIMITS.string_chars:,} (limit per string)")
    return Cell(c.get("t", "n"), value, formula, si)


_EMPTY = {typ: Cell(typ, None, None) for typ in ("n", "s", "str", "b", "e", "d", "inlineStr")}


def _empty_cell(typ: str) -> Cell:
    return _EMPTY.get(typ) or Cell(typ, None, None)


def index_row(row: etree._Element, number: int, file: str, part: str) -> dict[str, etree._Element]:
    """Cell reference ('L27') -> `<c>` element for every cell of row `number`. A cell without `r` follows the
    previous one (ECMA-376 Part 1, 18.3.1.4); the column letters of `r` place a cell, as in Excel."""
    quick = {c.get("r"): c for c in row if c.tag in _C}
    if None not in quick and len(quick) == len(row):
        m = _SAME_ROW_REFS.fullmatch(" ".join(quick) + " ") if quick else None
        if not quick or (m is not None and m["n"] == str(number)):
            return quick  # every cell numbered, canonically, in this row: the common case
    index: dict[str, etree._Element] = {}
    col = 0
    for c in row:
        if not is_main(c, "c"):
            continue
        ref = c.get("r")
        if ref is not None:
            m = _CELL_REF.fullmatch(ref.strip())
            if m is None:
                raise UnreadableInput(file, "a cell has an invalid reference; the file is damaged", location=part,
                                      found=repr(ref[:20]), expected="a reference such as B12")
            col = column_index(m.group(1))
        else:
            col += 1
        index[f"{index_to_col(col)}{number}"] = c
    return index


def _row_number(row: etree._Element, previous: int, file: str, part: str) -> int:
    """A row's number; a row without `r` follows the previous one."""
    r = row.get("r")
    if r is None:
        return previous + 1
    if not r.strip().isdigit():
        raise UnreadableInput(file, "a row has an invalid number; the file is damaged", location=part,
                              found=repr(r[:20]), expected="a row number")
    return int(r)


def _cells_of(data: bytes, number: int, start: int, end: int, columns: Collection[int] | None
              ) -> list[tuple[bytes, int, int]] | None:
    """(reference, start, end) of the wanted cells of one row's slice, or None where the row must be parsed whole:
    no columns named, or a cell not written as `<c r="…"` first, in this row, once. A cell then runs from its
    `<c r="` to the next `<c` (every '<' in the body opens an element), or to the row's end tag."""
    if columns is None:
        return None
    stop = data.rfind(b"</row", start, end)
    stop = end if stop < 0 else stop
    found = _CELL_R_FIRST.findall(data, start, stop)
    refs = set(found)  # fewer than the cells: a reference written twice
    digits = b"%d" % number
    if len(found) != data.count(b"<c", start, stop) or len(refs) != len(found):
        return None
    if found:
        same = _SAME_ROW_REFS_BYTES.fullmatch(b" ".join(found) + b" ")
        if same is None or same["n"] != digits:
            return None
    out = []
    find = data.find
    at = start
    for letters in _letters_of(columns):
        ref = letters + digits
        if ref in refs:  # only cells the row has: an absent one needs no search
            needle = b'<c r="' + ref + b'"'
            first = find(needle, at, stop)  # cells are written left to right: look on from the previous one
            if first < 0:
                first = find(needle, start, stop)
            until = find(b"<c", first + 2, stop)
            at = stop if until < 0 else until
            out.append((ref, first, at))
    out.sort(key=_second)
    return out


def _second(cell: tuple[bytes, int, int]) -> int:
    return cell[1]


def _letters_of(columns: Collection[int]) -> tuple[bytes, ...]:
    """The column letters of `columns`, left to right (the layouts' frozensets repeat from row to row)."""
    if isinstance(columns, frozenset):
        return _sorted_letters(columns)
    return tuple(_letters(col) for col in sorted(columns))


@cache
def _sorted_letters(columns: frozenset[int]) -> tuple[bytes, ...]:
    return tuple(_letters(col) for col in sorted(columns))


@cache
def _column(letters: bytes) -> int:
    return column_index(letters.decode())


@cache
def _letters(col: int) -> bytes:
    return index_to_col(col).encode()


class SheetRows:
    """The cells of one sheet that a reader asked for, plus every shared-formula master of the sheet."""

    def __init__(self, data: bytes, file: str, part: str,
                 wanted: Collection[int] | Mapping[int, Collection[int]] | None) -> None:
        """`wanted`: the rows to read, or a mapping of rows to the columns needed in each (None: every row). A cell
        outside the columns named is still found: its row is then parsed whole."""
        self.file, self.part = file, part
        self._elements: dict[int, etree._Element] = {}  # wanted rows, indexed on first use
        # rows parsed for some cells only -> their slice of the part and the columns parsed
        self._partial: dict[int, tuple[int, int, Collection[int]]] = {}
        self._unread: dict[int, tuple[int, int]] = {}  # fast path: rows not parsed -> their slice
        self._sliced = False  # the fast path ran
        self._beyond: int | None = None  # fast path: rows after this one were not looked at
        self._wanted = wanted if wanted is not None else ()
        self._indexed: set[int] = set()
        self._all_rows = wanted is None
        self._root_tag: tuple[bytes, bytes] = (b"", b"")  # the part's prolog and root start tag, and the root's name
        # reference -> element (decoded on first use), Cell, or _ABSENT (no such cell, once its row was read)
        self._cells: dict[str, etree._Element | Cell | object] = {}
        self._masters: dict[str, tuple[int, int, str]] = {}  # shared-formula index -> (row, col, formula)
        self._data = data  # for shared formulas and for rows or cells asked for beyond `wanted`
        self._all_masters = False
        if wanted is None or not self._fast(data, wanted):
            self._full(data, wanted)

    def master(self, index: str) -> tuple[int, int, str] | None:
        """(row, column, formula) of a shared formula's master cell, wherever in the sheet it is."""
        if index not in self._masters and not self._all_masters and self._sliced:
            self._all_masters = True
            self._full(self._data, ())  # the fast path read only the wanted rows: look through the whole sheet
        return self._masters.get(index)

    def cell(self, ref: str, row: int) -> Cell | None:
        """The cell at reference `ref` (canonical, such as 'L27') in row number `row`."""
        found = self._cells.get(ref)
        if found.__class__ is Cell:  # decoded before: the common case
            return found  # type: ignore[return-value]
        if found is _ABSENT:  # looked for before, where its row's cells were all known
            return None
        element = self._elements.pop(row, None)
        if element is not None:
            self._cells.update(index_row(element, row, self.file, self.part))
            self._indexed.add(row)
        found = self._cells.get(ref)
        if found is None and not self._all_rows and (
                (not self._sliced and row not in self._wanted) or (self._beyond is not None and row > self._beyond)):
            self._all_rows = True  # a row the caller did not announce or the fast path did not reach: keep every row
            self._full(self._data, None, keep_new_only=True)
            return self.cell(ref, row)
        span = None
        if found is None and row in self._partial and _column(ref.rstrip("0123456789").encode()) not in \
                self._partial[row][2]:
            span = self._partial.pop(row)[:2]
        elif found is None and row in self._unread:
            span = self._unread.pop(row)
        if span is not None:  # a row or column the caller did not announce: parse the whole row
            start, end = span
            head, name = self._root_tag
            xml = b"".join((head, b"<sheetData>", self._data[start:end], b"</sheetData></", name, b">"))
            for element in next(iter(parse(xml, self.file, self.part))):
                self._cells.update({r: c for r, c in index_row(element, row, self.file, self.part).items()
                                    if r not in self._cells})
            found = self._cells.get(ref)
        if found is None:
            self._cells[ref] = _ABSENT
            return None
        if isinstance(found, Cell):
            return found
        self._cells[ref] = cell = decode_cell(found, self.file, self.part)
        return cell

    def _keep_masters(self, row: etree._Element, number: int) -> None:
        masters = [f for f in _SHARED_MASTERS(row) if f.tag in _F and f.text and f.get("si") is not None]
        if not masters:
            return
        refs = {c: ref for ref, c in index_row(row, number, self.file, self.part).items()}
        for f in masters:
            m = _CELL_REF.fullmatch(refs.get(f.getparent(), ""))
            if m is not None:
                self._masters.setdefault(f.get("si"), (number, column_index(m.group(1)), f.text))

    def _full(self, data: bytes, wanted: Collection[int] | None, keep_new_only: bool = False) -> None:
        number, count = 0, 0
        for row in iter_children(data, self.file, self.part, "sheetData", "row"):
            number = _row_number(row, number, self.file, self.part)
            count += len(row)
            if count > LIMITS.cells:
                raise UnreadableInput(self.file, "a sheet holds more cells than the reader accepts",
                                      location=self.part, expected=f"at most {LIMITS.cells:,} (limit per sheet)")
            self._keep_masters(row, number)
            if (wanted is None or number in wanted) and not (keep_new_only and self._known(number)):
                row.getparent().remove(row)  # kept (decoded when asked for); the others are cleared
                self._elements[number] = row

    def _known(self, number: int) -> bool:
        return number in self._elements or number in self._indexed

    def _fast(self, data: bytes, wanted: Collection[int]) -> bool:
        """Parse only the wanted rows; False where the part cannot prove the slices exact, and the full parse must
        run."""
        decl = _DECL.match(data)
        if decl is None or (b"encoding" in decl.group(0) and not _UTF8_DECL.search(decl.group(0))):
            return False
        root = _START_TAG.match(data, decl.end())
        if root is None or root.group(3) or b"<!" in data[:decl.end()]:
            return False
        attrs = {m.group(1): (m.group(2) if m.group(2) is not None else m.group(3))
                 for m in _ATTR.finditer(root.group(2))}
        default_ns = attrs.get(b"xmlns", b"").decode("utf-8", "replace")
        prefixed_main = any(k.startswith(b"xmlns:") and v.decode("utf-8", "replace") in MAIN_NAMESPACES
                            for k, v in attrs.items())
        if (b":" in root.group(1) or not default_ns or default_ns not in MAIN_NAMESPACES or prefixed_main
):
            return False
        body = _SHEET_DATA.search(data, root.end())
        if body is None:
            return False
        # the rows after the last one wanted are neither checked nor sliced: the first row numbered beyond it
        # ends what this path reads, and a cell asked for beyond it is found by the full parse
        numbered, cut, last = [], None, max(wanted, default=0)
        if not body.group(0).endswith(b"/"):
            for m in _ROW_R_FIRST.finditer(data, body.end()):
                if m.group(1) is not None and int(m.group(1)) > last:
                    cut = m.start()
                    break
                numbered.append((m.start(), m.group(1)))
        close_at = data.find(b"</sheetData", body.end(), len(data) if cut is None else cut)
        closing = _SHEET_DATA_END.match(data, close_at) if close_at >= 0 else None
        if (close_at >= 0 or cut is None) and closing is None and not body.group(0).endswith(b"/"):
            return False  # no end tag, or a strange one: malformed, the full parse says so
        if closing is not None:
            end, cut = closing.start(), None
        else:
            end = body.end() if cut is None else cut  # <sheetData/>: no rows
        # from the declaration to the end of what is read, every '<' opens an element of the main namespace
        if _MARKUP.search(data, decl.end(), end) or data.find(b"xmlns", root.end(), end) >= 0:
            return False
        numbered = [(a, n) for a, n in numbered if a < end]
        if all(n is not None for _, n in numbered):  # every row written with r first, as Excel and LibreOffice do
            starts, numbers = [a for a, _ in numbered], [int(n) for _, n in numbered]
        else:
            starts = [m.start() for m in _ROW_TAG.finditer(data, body.end(), end)]
            numbers = []
            for start in starts:
                tag = _START_TAG.match(data, start)
                r = {m.group(1): m.group(2) or m.group(3) for m in _ATTR.finditer(tag.group(2))} if tag else {}
                if not r.get(b"r", b"").isdigit():
                    return False
                numbers.append(int(r[b"r"]))
        if any(b <= a for a, b in zip(numbers, numbers[1:])):
            return False
        bounds = list(zip(starts, starts[1:] + [end]))
        chosen = [(n, a, b) for n, (a, b) in zip(numbers, bounds) if n in wanted]
        columns = wanted if isinstance(wanted, Mapping) else {}
        pieces, expected, partial = [], [], {}
        for n, a, b in chosen:
            cells = _cells_of(data, n, a, b, columns.get(n))
            if cells is None:
                pieces.append(data[a:b])
                expected.append((n, None))
            else:
                pieces.extend((b'<row r="%d">' % n, *(data[x:y] for _, x, y in cells), b"</row>"))
                expected.append((n, b" ".join([ref for ref, _, _ in cells]).decode().split()))
                partial[n] = (a, b, columns[n])
        xml = b"".join((data[:root.end()], b"<sheetData>", *pieces, b"</sheetData></", root.group(1), b">"))
        if xml.count(b"<c") > LIMITS.cells:
            raise UnreadableInput(self.file, "a sheet holds more cells than the reader accepts", location=self.part,
                                  expected=f"at most {LIMITS.cells:,} (limit per sheet)")
        sheet_data = next(iter(parse(xml, self.file, self.part)), None)
        rows = list(sheet_data) if sheet_data is not None else []
        if len(rows) != len(chosen) or any(row.get("r") != str(n) for row, (n, _, _) in zip(rows, chosen)):
            return False
        elements, cells_found = {}, {}
        for row, (number, refs) in zip(rows, expected):
            if refs is None:
                elements[number] = row  # a whole row: indexed on first use
                continue
            found = [c.get("r") for c in row]
            if found != refs:
                return False
            cells_found.update(zip(found, row))  # exactly the cells sliced, each once and in this row
        self._root_tag = (data[:root.end()], root.group(1))
        self._partial = partial
        self._elements = elements
        self._cells.update(cells_found)
        self._indexed.update(partial)
        self._unread = {n: span for n, span in zip(numbers, bounds) if n not in wanted}
        self._beyond = None if cut is None else last
        self._sliced = True
        return True
