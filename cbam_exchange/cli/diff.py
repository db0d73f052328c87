"""`cbam diff`: what changed between two submissions of one installation."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import INPUT, guarded


@main.command()
@click.argument("old", type=INPUT)
@click.argument("new", type=INPUT)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def diff(old: Path, new: Path, fmt: str) -> None:
    """Compare a resubmission NEW with OLD: inputs changed (cell, old, new), declared and recomputed SEE per good,
    findings opened and closed."""
    from cbam_exchange.checks.run import validate
    from cbam_exchange.readers import read_submission
    from cbam_exchange.render.diff_report import diff_document, diff_text
    from cbam_exchange.verification.diff import diff_submissions

    result = diff_submissions(validate(read_submission(old)), validate(read_submission(new)))
    document = diff_document(old.name, new.name, result)
    if fmt == "json":
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(diff_text(document), nl=False)
