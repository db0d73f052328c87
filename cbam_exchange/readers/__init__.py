"""Readers turn a supplier file into the canonical model; they never calculate."""

from __future__ import annotations

import stat
from pathlib import Path

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.model.submission import Submission


def detect_format(path: Path) -> str:
    """'json' or 'ec-template', from the file's first bytes; a .json name decides for text that is neither an
    object nor a workbook (`[]`, a number), so that the message is about JSON, not about saving an .xlsx."""
    if not path.exists():
        raise UnreadableInput(str(path), "file not found")
    if path.is_dir():
        raise UnreadableInput(str(path), "is a folder, not a file")
    if not stat.S_ISREG(path.stat().st_mode):  # opening a FIFO with no writer waits for ever; /dev/zero never ends
        raise UnreadableInput(str(path), "not a regular file", found="a FIFO, device or socket",
                              expected="a file saved on disk, or `-` with the file piped to standard input")
    with path.open("rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "json"
    if path.suffix.lower() == ".json" and not head.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        return "json"
    return "ec-template"


def read_submission(path: str | Path) -> Submission:
    """Read a supplier submission in any supported format."""
    path = Path(path)
    if detect_format(path) == "json":
        from cbam_exchange.readers.json_exchange import read_json_submission
        return read_json_submission(path)
    from cbam_exchange.readers.ec_template import read_ec_template
    return read_ec_template(path)
