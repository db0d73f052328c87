"""`cbam recompute`: the independent recomputation beside the declared values."""

from __future__ import annotations

from pathlib import Path

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import INPUT, guarded


@main.command()
@click.argument("file", type=INPUT)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def recompute(file: Path, fmt: str) -> None:
    """Recompute SEE per process and product independently and set them beside the declared values.

    SEE are in tCO2e per tonne (per MWh for electricity); in JSON, null marks a value that cannot be computed
    (the reason is listed under "missing") or that the file does not declare.
    """
    import json

    from cbam_exchange.calc.comparison import compare
    from cbam_exchange.calc.recompute import recompute as run
    from cbam_exchange.fileinfo import sha256_of
    from cbam_exchange.readers import read_submission
    from cbam_exchange.render.recompute_report import recompute_document, recompute_text

    submission, result = run(read_submission(file))
    document = recompute_document(file, sha256_of(file), submission, result, compare(submission, result))
    if fmt == "json":
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(recompute_text(document), nl=False)
