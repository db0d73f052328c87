"""Opening an .xlsx package: what the file is, its limits, and its parts found through relationships.

Everything here is decided from the first bytes of the file, the zip's central directory and bounded reads, never by
inflating a part whole before its size is known: a zip bomb is refused from its headers, and a part whose header
lies about its size is cut at the declared size by zipfile and then fails its CRC.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.readers.xlsx_xml import local, parse

_MiB = 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "macrosheets/")


@dataclass(frozen=True)
class Limits:
    """What the reader accepts. An official template is about 1.3 MB zipped and 10 MB unzipped, its largest part
    about 1.1 MB with some 30,000 cells; Excel itself caps a cell's text at 32,767 characters."""

    file_bytes: int = 256 * _MiB
    entries: int = 10_000
    archive_bytes: int = 1024 * _MiB  # sum of the declared uncompressed sizes of all members
    part_bytes: int = 64 * _MiB  # one XML part the reader reads
    ratio: int = 250  # uncompressed : compressed, for members above ratio_floor
    ratio_floor: int = 4 * _MiB
    cells: int = 2_000_000  # per sheet
    strings: int = 1_000_000  # shared strings
    string_chars: int = 32_767


LIMITS = Limits()


def _ole_kind(path: Path) -> tuple[str, str]:
    """(problem, expected) for an OLE compound file: an encrypted .xlsx or a legacy .xls."""
    with path.open("rb") as fh:
        head = fh.read(8 * _MiB)  # the directory of a workbook-sized compound file lies well within this
    if "EncryptedPackage".encode("utf-16-le") in head or "EncryptionInfo".encode("utf-16-le") in head:
        return ("the workbook is password-protected (encrypted), so its cells cannot be read",
                "an unencrypted .xlsx: remove the password in Excel (File > Info > Protect Workbook) and save again")
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return ("this is a legacy Excel 97-2003 (.xls) workbook, not .xlsx",
                "an .xlsx workbook: open it in Excel and save it as .xlsx (Excel Workbook)")
    return ("the file is password-protected (encrypted) or a legacy .xls workbook, not an .xlsx",
            "an unencrypted .xlsx: remove the password, or save it as .xlsx (Excel Workbook)")


def sniff(path: Path) -> None:
    """Raise UnreadableInput with a precise reason where `path` cannot be an .xlsx package."""
    name = str(path)
    if not path.exists():
        raise UnreadableInput(name, "file not found")
    if path.is_dir():
        raise UnreadableInput(name, "is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableInput(name, "the file is empty (0 bytes)", expected="a filled .xlsx workbook")
    if size > LIMITS.file_bytes:
        raise UnreadableInput(name, "the file is larger than the reader accepts", found=f"{size:,} bytes",
                              expected=f"at most {LIMITS.file_bytes:,} bytes (limit per file)")
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(_OLE_MAGIC):
        problem, expected = _ole_kind(path)
        raise UnreadableInput(name, problem, found="an OLE compound document", expected=expected)
    if head.startswith(b"PK"):
        return
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    lowered = text[:400].lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table")) or b"urn:schemas-microsoft-com:office" in lowered:
        found = "an HTML or XML spreadsheet (an old Excel export)"
    elif _looks_like_text(head):
        found = "a text file (CSV or similar)"
    else:
        raise UnreadableInput(name, "not an .xlsx workbook (not a zip package)", found=f"first bytes {head[:4]!r}",
                              expected="an .xlsx file or a cbam-exchange .json")
    raise UnreadableInput(name, "not an .xlsx workbook", found=found,
                          expected="an .xlsx workbook: open it in Excel and save it as .xlsx (Excel Workbook)")


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.97 * len(text)


class Package:
    """An opened .xlsx package: bounded part reads, relationships, and which parts the workbook uses."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        sniff(path)
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError):
            raise UnreadableInput(self.name, "the workbook is truncated or damaged and cannot be opened",
                                  found="a zip package without a readable central directory",
                                  expected="a complete .xlsx file (download or copy it again)") from None
        self._check_headers(infos)
        self._by_lower = {info.filename.lower(): info for info in infos}
        self.workbook_part = self._workbook_part()

    def _check_headers(self, infos: list[zipfile.ZipInfo]) -> None:
        if len(infos) > LIMITS.entries:
            raise UnreadableInput(self.name, "the package holds implausibly many members", found=f"{len(infos):,}",
                                  expected=f"at most {LIMITS.entries:,} (limit per archive)")
        total = sum(info.file_size for info in infos)
        if total > LIMITS.archive_bytes:
            raise UnreadableInput(self.name, "the package would unpack to more than the reader accepts (zip bomb?)",
                                  found=f"{total:,} bytes uncompressed in all",
                                  expected=f"at most {LIMITS.archive_bytes:,} bytes (limit per archive)")
        for info in infos:
            if info.flag_bits & 0x1:
                raise UnreadableInput(self.name, "the package is encrypted", location=info.filename,
                                      expected="an unencrypted .xlsx (remove the password in Excel)")
            if info.file_size > LIMITS.ratio_floor and info.file_size > LIMITS.ratio * max(info.compress_size, 1):
                raise UnreadableInput(
                    self.name, "a part is compressed implausibly well (zip bomb?)", location=info.filename,
                    found=f"{info.file_size:,} bytes from {info.compress_size:,}",
                    expected=f"a ratio of at most {LIMITS.ratio}:1 for parts over {LIMITS.ratio_floor:,} bytes")

    def has(self, part: str) -> bool:
        return part.lower() in self._by_lower

    def names(self) -> list[str]:
        return [info.filename for info in self._by_lower.values()]

    def read(self, part: str) -> bytes:
        """A part's bytes, read at most up to the per-part limit (part names are case-insensitive, as in OPC)."""
        info = self._by_lower.get(part.lower())
        if info is None:
            raise UnreadableInput(self.name, "a part the workbook refers to is missing; the file is damaged",
                                  location=part, expected="a complete .xlsx package")
        if info.file_size > LIMITS.part_bytes:
            raise UnreadableInput(self.name, "a part of the workbook is larger than the reader accepts",
                                  location=info.filename, found=f"{info.file_size:,} bytes uncompressed",
                                  expected=f"at most {LIMITS.part_bytes:,} bytes (limit per part)")
        try:
            with self._zip.open(info) as fh:
                data = fh.read(LIMITS.part_bytes + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError) as exc:
            raise UnreadableInput(self.name, "a part of the workbook is damaged and cannot be unpacked",
                                  location=info.filename, found=str(exc)[:120] or type(exc).__name__,
                                  expected="a complete .xlsx file (download or copy it again)") from None
        return data

    def relationships(self, source: str) -> dict[str, tuple[str, str]]:
        """Id -> (type's last segment, target part) for the internal relationships of part `source`."""
        folder, base = posixpath.split(source)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_part):
            return {}
        out = {}
        for rel in parse(self.read(rels_part), self.name, rels_part):
            if local(rel.tag) != "Relationship" or rel.get("TargetMode", "Internal") == "External":
                continue
            target = rel.get("Target", "").replace("\\", "/")
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder,
                                                                                                       target))
            out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], resolved)
        return out

    def _workbook_part(self) -> str:
        for kind, target in self.relationships("").values():
            if kind == "officeDocument" and self.has(target):
                return target
        if self.has("xl/workbook.xml"):
            return "xl/workbook.xml"
        if self.has("mimetype") and b"opendocument" in self.read("mimetype"):
            found = "an OpenDocument spreadsheet (.ods)"
        elif self.has("word/document.xml") or self.has("ppt/presentation.xml"):
            found = "a Word or PowerPoint document"
        else:
            found = "a zip archive without a workbook part"
        raise UnreadableInput(self.name, "not an Excel workbook", found=found,
                              expected="an .xlsx workbook: open it in Excel and save it as .xlsx (Excel Workbook)")

    def macros(self) -> str | None:
        """The part holding macros, where the workbook carries any (they are never run)."""
        for lowered, info in self._by_lower.items():
            if any(marker in lowered for marker in _MACRO_PARTS):
                return info.filename
        return None

    def close(self) -> None:
        self._zip.close()
