"""Reader for the toolkit's own JSON exchange format (schemas/submission-1.1.schema.json; 1.0 files read too)."""

from __future__ import annotations

import json
from pathlib import Path

from cbam_exchange.errors import UnreadableInput
from cbam_exchange.model.codec import ModelError, constraint_errors
from cbam_exchange.model.submission import FORMAT_ID, READABLE_VERSIONS, Submission

_MAX_BYTES = 64 * 1024 * 1024


def read_json_submission(path: Path) -> Submission:
    name = str(path)
    size = path.stat().st_size
    if size > _MAX_BYTES:
        raise UnreadableInput(name, "file too large for a submission", found=f"{size} bytes",
                              expected=f"at most {_MAX_BYTES} bytes")
    try:
        data = json.loads(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise UnreadableInput(name, "not UTF-8 text", found=str(exc)) from None
    except json.JSONDecodeError as exc:
        raise UnreadableInput(name, f"not valid JSON: {exc.msg}", location=f"line {exc.lineno}, column {exc.colno}") \
            from None
    except RecursionError:
        raise UnreadableInput(name, "JSON nested too deeply to read", expected="a cbam-exchange submission") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_ID:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise UnreadableInput(name, "not a cbam-exchange submission", location="format", found=repr(found),
                              expected=repr(FORMAT_ID))
    version = str(data.get("format_version", ""))
    if version not in READABLE_VERSIONS:
        raise UnreadableInput(name, "unsupported format version", location="format_version", found=repr(version),
                              expected=" or ".join(READABLE_VERSIONS))
    if version == "1.0" and "definitive" in data:
        raise UnreadableInput(name, "field of format 1.1 in a 1.0 document", location="definitive",
                              expected='"format_version": "1.1"')
    try:
        submission = Submission.from_dict(data)
    except ModelError as exc:
        raise UnreadableInput(name, exc.message, location=exc.path, found=repr(exc.found)[:80]) from None
    for exc in constraint_errors(submission.definitive, "definitive"):
        raise UnreadableInput(name, exc.message, location=exc.path, found=repr(exc.found)[:80])
    return submission
