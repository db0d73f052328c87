"""`cbam annex-iv`: the operator's emissions report and summary report of IR 2025/2547 Annex IV, PDF and JSON."""

from __future__ import annotations

from pathlib import Path

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import FILE, guarded


@main.command("annex-iv")
@click.argument("file", type=FILE)
@click.option("--supplement", type=FILE, help="The supplement with the items the template lacks "
                                               "(cbam supplement init).")
@click.option("-o", "--output", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder to write operator-emissions-report.{pdf,json} and summary-report.{pdf,json} into.")
@click.option("--year", type=int, help="Year of the CBAM factor for SEFA (default: the reporting year).")
@guarded
def annex_iv(file: Path, supplement: Path | None, output: Path, year: int | None) -> None:
    """Write the operator's emissions report (§1.1, §1.1.1, §2) and the summary report (§1.2), in English.

    Every item is numbered as in the act and names its source; missing items say "not provided". The summary
    carries only §1.2, for an importer who should not see the whole report.
    """
    from cbam_exchange.annex_iv.build import build_reports
    from cbam_exchange.readers.supplement import read_with_supplement
    from cbam_exchange.render.annex_iv import renderer, write_reports

    if output.exists() and not output.is_dir():
        raise click.UsageError(f"{output} exists and is not a folder")
    with renderer() as pdf_renderer:  # a child imports WeasyPrint while the workbook is read
        submission = read_with_supplement(file, supplement)
        full, summary = build_reports(submission, year=year, file=file, supplement=supplement)
        written = write_reports([(r.to_dict(), output / r.kind) for r in (full, summary)], pdf_renderer)
    missing = sum(1 for s in full.sections for i in s.items if i.status == "not provided")
    click.echo(f"wrote {', '.join(str(p) for p in written)} ({missing} item(s) of the full report not provided)",
               err=True)
