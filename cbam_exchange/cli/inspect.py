"""`cbam inspect`: a summary of one submission."""

from __future__ import annotations

from pathlib import Path

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import INPUT, guarded


@main.command()
@click.argument("file", type=INPUT)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for a person, json for the canonical model.")
@guarded
def inspect(file: Path, fmt: str) -> None:
    """Summarise a submission: format, template version, installation, period, processes and products."""
    from cbam_exchange.readers import read_submission

    submission = read_submission(file)
    if fmt == "json":
        from cbam_exchange.writers.json_exchange import submission_to_json
        click.echo(submission_to_json(submission), nl=False)
        return
    from cbam_exchange.render.inspect_text import render_inspect
    click.echo(render_inspect(submission, file), nl=False)
