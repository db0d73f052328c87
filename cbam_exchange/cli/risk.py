"""`cbam risk`: a verifier's risk analysis, the inputs that move each good's SEE most."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import INPUT, guarded


@main.command()
@click.argument("file", type=INPUT)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Inputs shown per good in text (JSON lists them all).")
@guarded
def risk(file: Path, fmt: str, top: int) -> None:
    """Rank, per good, the inputs by the elasticity of the good's SEE on its legal basis (SEE direct for iron and
    steel, aluminium and hydrogen; SEE total otherwise), through the precursor chain, with each input's cell and the
    share of the SEE resting on default values."""
    from cbam_exchange.calc.recompute import recompute
    from cbam_exchange.fileinfo import sha256_of
    from cbam_exchange.readers import read_submission
    from cbam_exchange.render.risk_report import risk_document, risk_text
    from cbam_exchange.verification.sensitivity import good_risks

    submission, result = recompute(read_submission(file))
    document = risk_document(file, sha256_of(file), good_risks(submission, result))
    if fmt == "json":
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(risk_text(document, top), nl=False)
