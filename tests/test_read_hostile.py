"""Unreadable and hostile files: each ends with one clear line and exit 2 (never a traceback), in under 10 s and
500 MB, leaves the input byte-identical and writes nothing beside it. Hostile XML (DOCTYPE, external entities
including /dev/zero, billion laughs, quadratic blow-up), over-long strings and zip bombs are built here."""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.readers import read_submission
from tests.conftest import ROOT

_DOCTYPES = {
    "doctype": "<!DOCTYPE sst>",
    "xxe-file": '<!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "xxe-dev-zero": '<!DOCTYPE sst [<!ENTITY e SYSTEM "file:///dev/zero">]>',
    "billion-laughs": "<!DOCTYPE sst [<!ENTITY a0 \"lol\">" + "".join(
        f'<!ENTITY a{k} "{("&a" + str(k - 1) + ";") * 10}">' for k in range(1, 10)) + "]>",
    "quadratic-blow-up": f'<!DOCTYPE sst [<!ENTITY a "{"x" * 50_000}">]>',
}
_ENTITY_USE = {"doctype": "", "xxe-file": "&e;", "xxe-dev-zero": "&e;", "billion-laughs": "&a9;",
               "quadratic-blow-up": "&a;" * 50_000}


def _rewrite_part(src: Path, dst: Path, part: str, edit: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, edit(data) if info.filename == part else data)
    return dst


def _with_doctype(kind: str) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        start = xml.index(b"<sst")
        first = xml.index(b"<t>", start) + 3  # the first shared string carries the entity
        return (xml[:start] + _DOCTYPES[kind].encode() + xml[start:first] + _ENTITY_USE[kind].encode()
                + xml[first:])
    return edit


def _long_string(xml: bytes) -> bytes:
    first = xml.index(b"<t>") + 3
    return xml[:first] + b"A" * 40_000 + xml[first:]


def _corrupt(src: Path, dst: Path) -> Path:
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("xl/sharedStrings.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 20
    data[start:start + 200] = bytes(random.Random(7).randrange(256) for _ in range(200))
    dst.write_bytes(bytes(data))
    return dst


def _zip_bomb(src: Path, dst: Path) -> Path:
    """The first worksheet replaced by 80 MB of spaces (about 80 kB compressed)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with zout.open(info.filename, "w", force_zip64=True) as fh:
                    block = b" " * (1 << 20)
                    for _ in range(80):
                        fh.write(block)
            else:
                zout.writestr(info, zin.read(info.filename))
    return dst


def _ole(names: list[str]) -> bytes:
    """An OLE compound file's magic and a directory naming the given streams (what the reader looks at)."""
    directory = b"".join(n.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64 for n in names)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + directory


def _renamed_sheet(xml: bytes) -> bytes:
    return xml.replace(b'name="E_PurchPrec"', b'name="Purchased precursors"')


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _make(kind: str, src: Path, blank: Path, path: Path) -> Path:
    if kind in _DOCTYPES:
        return _rewrite_part(src, path, "xl/sharedStrings.xml", _with_doctype(kind))
    makers: dict[str, Callable[[], Path]] = {
        "over-long-shared-string": lambda: _rewrite_part(src, path, "xl/sharedStrings.xml", _long_string),
        "zip-bomb": lambda: _zip_bomb(src, path),
        "corrupt-zip": lambda: _corrupt(src, path),
        "truncated-zip": lambda: _write(path, src.read_bytes()[: src.stat().st_size * 2 // 3]),
        "empty": lambda: _write(path, b""),
        "random-bytes": lambda: _write(path, random.Random(1).randbytes(5000)),
        "csv-renamed": lambda: _write(path, b"date;cn_code;mass\n2026-01-01;72083900;12,5\n"),
        "xls-renamed": lambda: _write(path, _ole(["Root Entry", "Workbook", "SummaryInformation"])),
        "password-protected": lambda: _write(path, _ole(["Root Entry", "EncryptionInfo", "EncryptedPackage"])),
        "sheet-renamed": lambda: _rewrite_part(src, path, "xl/workbook.xml", _renamed_sheet),
        "blank-template": lambda: _write(path, blank.read_bytes()),
    }
    return makers[kind]()


CASES = {
    "doctype": "DOCTYPE", "xxe-file": "DOCTYPE", "xxe-dev-zero": "DOCTYPE", "billion-laughs": "DOCTYPE",
    "quadratic-blow-up": "DOCTYPE", "over-long-shared-string": "limit per string", "zip-bomb": "zip bomb",
    "corrupt-zip": "damaged", "truncated-zip": "truncated or damaged", "empty": "empty",
    "random-bytes": "not an .xlsx workbook", "csv-renamed": "save it as .xlsx", "xls-renamed": "save it as .xlsx",
    "password-protected": "remove the password",
    "sheet-renamed": "E_PurchPrec absent; the workbook has another sheet 'Purchased precursors'",
    "blank-template": "nothing filled in",
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_unreadable_files_get_one_line_and_exit_2(kind: str, example_workbooks: dict[str, Path], blank: Path,
                                                  tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = _make(kind, example_workbooks["steelworks-bf-bof"], blank, folder / f"{kind}.xlsx")
    before = path.read_bytes()
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "cbam_exchange", "inspect", str(path)], capture_output=True,
                         text=True, cwd=tmp_path, timeout=60)
    elapsed = time.monotonic() - start
    assert run.returncode == 2, (kind, run.returncode, run.stderr[-500:])
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(path) in lines[0], run.stderr[-500:]
    assert CASES[kind] in lines[0], lines[0]
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert "root:" not in run.stderr  # nothing of /etc/passwd
    assert elapsed < 10, f"{kind} took {elapsed:.1f} s"
    # the largest child so far: every run stays within 500 MB
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 500 * 1024
    assert path.read_bytes() == before
    assert sorted(os.listdir(folder)) == [path.name] and sorted(os.listdir(tmp_path)) == ["in"]


def test_a_macro_enabled_workbook_is_read_and_its_macros_are_ignored(example_workbooks: dict[str, Path],
                                                                      tmp_path: Path) -> None:
    src = example_workbooks["steelworks-bf-bof"]
    path = tmp_path / "supplier.xlsm"
    marker = tmp_path / "macro-ran"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
        zout.writestr("xl/vbaProject.bin", b"Sub Auto_Open()\n Open \"" + str(marker).encode() + b"\" For Output\n")
    read = read_submission(path)
    assert read.installation.name == read_submission(src).installation.name
    note = next(n for n in read.notes if n.code == "READ-MACROS")
    assert "xl/vbaProject.bin" in note.message and "ignored" in note.message
    run = subprocess.run([sys.executable, "-m", "cbam_exchange", "inspect", str(path)], capture_output=True,
                         text=True, cwd=ROOT)
    assert run.returncode == 0 and "ignored and never run" in run.stdout
    assert not marker.exists()


def test_a_lying_zip_header_fails_its_check_instead_of_inflating(example_workbooks: dict[str, Path],
                                                                 tmp_path: Path) -> None:
    """A part whose central-directory size understates its content is cut at that size and fails its CRC."""
    src = example_workbooks["steelworks-bf-bof"]
    path = tmp_path / "lying.xlsx"
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        central = z.start_dir
    name = b"xl/sharedStrings.xml"
    entry = data.find(b"PK\x01\x02", central)
    while entry >= 0 and data[entry + 46:entry + 46 + len(name)] != name:
        entry = data.find(b"PK\x01\x02", entry + 4)
    assert entry >= 0
    data[entry + 24:entry + 28] = (1000).to_bytes(4, "little")  # uncompressed size: 1000 bytes
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableInput) as err:
        read_submission(path)
    assert "xl/sharedStrings.xml" in err.value.describe()
