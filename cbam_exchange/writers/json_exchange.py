"""Writer for the JSON exchange format: defaults and "not provided" values are omitted, 0 is kept."""

from __future__ import annotations

import json
from pathlib import Path

from cbam_exchange.model.submission import Submission
from cbam_exchange.writers.atomic import write_text_atomic


def submission_to_dict(submission: Submission) -> dict:
    return submission.to_dict()


def submission_to_json(submission: Submission) -> str:
    return json.dumps(submission_to_dict(submission), indent=2, ensure_ascii=False) + "\n"


def write_json_submission(submission: Submission, path: Path) -> None:
    write_text_atomic(path, submission_to_json(submission))
