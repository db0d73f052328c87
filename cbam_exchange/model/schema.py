"""The JSON Schema of the exchange format, generated from the model so the two cannot drift.

`python -m cbam_exchange.model.schema --write` regenerates `schemas/submission-<version>.schema.json`; a test fails
when the committed file differs from what the model generates.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cbam_exchange.model.codec import json_schema
from cbam_exchange.model.submission import FORMAT_ID, FORMAT_VERSION, Submission
from cbam_exchange.resources import data_dir

SCHEMA_NAME = f"submission-{FORMAT_VERSION}.schema.json"


def build_schema() -> dict:
    schema = json_schema(Submission)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://cbam-exchange.example/schemas/{SCHEMA_NAME}",
        "title": f"{FORMAT_ID} {FORMAT_VERSION}",
        "description": "One installation's CBAM submission in the cbam-exchange JSON format. Absent or null means "
                       "'not provided'; 0 is a provided zero. `declared` holds results the source file stated.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def schema_text() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def schema_path() -> Path:
    return data_dir("schemas") / SCHEMA_NAME


if __name__ == "__main__":
    if "--write" in sys.argv:
        target = Path(__file__).resolve().parents[2] / "schemas" / SCHEMA_NAME
        target.write_text(schema_text(), encoding="utf-8")
        print(f"wrote {target}")
    else:
        sys.stdout.write(schema_text())
