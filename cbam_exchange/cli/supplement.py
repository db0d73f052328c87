"""`cbam supplement init`: the file a producer fills with the Annex IV items its workbook lacks."""

from __future__ import annotations

from pathlib import Path

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import FILE, guarded


@main.group()
def supplement() -> None:
    """The supplement file: Annex IV (IR 2025/2547) items the Commission's template has no cell for."""


@supplement.command("init")
@click.argument("file", type=FILE)
@click.option("-o", "--output", type=FILE, required=True,
              help="The supplement to write (.yaml; never over an existing file unless --force).")
@click.option("--force", is_flag=True, help="Replace an existing supplement (what was filled in is lost).")
@guarded
def supplement_init(file: Path, output: Path, force: bool) -> None:
    """Write a pre-filled supplement for exactly the Annex IV items FILE lacks; the producer fills it in."""
    from cbam_exchange.readers import read_submission
    from cbam_exchange.writers.atomic import write_text_atomic
    from cbam_exchange.writers.supplement import supplement_yaml

    if output.resolve() == file.resolve():
        raise click.UsageError("the output must not overwrite the submission")
    if output.suffix.lower() not in (".yaml", ".yml"):
        raise click.UsageError("the supplement is written as YAML: give -o a .yaml name")
    if output.exists() and not force:  # filled in by hand: running init again must not wipe it
        raise click.UsageError(f"{output} exists; use --force to replace it")
    submission = read_submission(file)
    text = supplement_yaml(submission, file.name)
    write_text_atomic(output, text)
    missing = text.count(": null  #")
    click.echo(f"wrote {output} ({missing} item(s) to fill)", err=True)
