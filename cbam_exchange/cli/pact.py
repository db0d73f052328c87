"""`cbam pact`: each good as a WBCSD PACT (Pathfinder) v3 product footprint with a CBAM extension."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import FILE, guarded


@main.command("pact")
@click.argument("file", type=FILE)
@click.option("--supplement", type=FILE, help="The definitive-period supplement (operator, Registry id, SEFA).")
@click.option("-o", "--output", type=FILE, required=True, help="The JSON to write: {\"data\": [ProductFootprint...]}.")
@click.option("--year", type=int, help="Year of the CBAM factor for SEFA (default: the reporting year).")
@guarded
def pact(file: Path, supplement: Path | None, output: Path, year: int | None) -> None:
    """Export each good's embedded emissions as a PACT v3 ProductFootprint (schemas/pact-v3-product-footprint)."""
    from cbam_exchange.annex_iv.build import sources_for
    from cbam_exchange.readers.supplement import read_with_supplement
    from cbam_exchange.render.pact import pact_footprints
    from cbam_exchange.writers.atomic import write_text_atomic

    if output.resolve() == file.resolve():
        raise click.UsageError("the output must not overwrite the submission")
    src = sources_for(read_with_supplement(file, supplement), year, supplement.name if supplement else None)
    footprints, skipped = pact_footprints(src)
    write_text_atomic(output, json.dumps({"data": footprints}, indent=2, ensure_ascii=False) + "\n")
    for s in skipped:
        click.echo(f"not exported: product row {s.row}: {s.reason}", err=True)
    click.echo(f"wrote {output} ({len(footprints)} footprint(s), {len(skipped)} good(s) left out)", err=True)
