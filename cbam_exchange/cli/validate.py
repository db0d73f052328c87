"""`cbam validate`: findings of the rule catalogue for one file or a batch."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import FILE, codes, guarded
from cbam_exchange.errors import EXIT_FINDINGS, EXIT_UNREADABLE


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=FILE)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("--annotate", type=FILE, help="Write a copy of the (single) workbook with each finding as a cell "
                                              "comment and a highlight; the original is not touched.")
@click.option("--year", type=int, help="Year of the default values and mark-up (default: the reporting year).")
@click.option("--select", multiple=True, help="Only these rule codes or prefixes (e.g. ID,AR-001); repeatable.")
@click.option("--ignore", multiple=True, help="Leave out these rule codes or prefixes; repeatable.")
@click.option("--waivers", type=click.Path(path_type=Path, dir_okay=False),
              help="YAML or JSON file of justified fingerprints (who, why, until).")
@click.option("--jobs", type=int, default=0, help="Worker processes for several files (default: one per core).")
@click.option("--scheduler", metavar="ADDRESS", help="Run on a Dask distributed cluster (e.g. tcp://host:8786); needs "
                                                      "cbam-exchange[dask].")
@guarded
def validate_command(files: tuple[Path, ...], fmt: str, annotate: Path | None, year: int | None,
                     select: tuple[str, ...], ignore: tuple[str, ...], waivers: Path | None, jobs: int,
                     scheduler: str | None) -> None:
    """Check submissions: schema, rule catalogue, recomputation, plausibility; findings located at sheet and cell.

    Exit code 1 where an error finding remains (not waived), 2 where a file cannot be read.
    """
    import json
    import os

    from cbam_exchange.checks.validate_file import validate_file, validate_for_batch
    from cbam_exchange.checks.waivers import load_waivers
    from cbam_exchange.render import validate_report

    if annotate is not None and len(files) != 1:
        raise click.UsageError("--annotate takes exactly one workbook")
    if annotate is not None and annotate.resolve() == files[0].resolve():
        raise click.UsageError("--annotate must not overwrite the input workbook")
    sel, ign = codes(select), codes(ignore)
    from cbam_exchange.checks.catalogue import all_rules
    known = {r.code for r in all_rules()}
    for code in sel + ign:
        if not any(k.startswith(code.upper()) for k in known):
            raise click.UsageError(f"no rule code starts with {code!r} (see: cbam rules)")
    waiver_list = load_waivers(waivers) if waivers else []
    import gc
    gc.freeze()  # the libraries' objects are permanent: keep the collector from walking them for every file
    reports = {}
    if scheduler:
        if annotate is not None:
            raise click.UsageError("--annotate runs locally: leave out --scheduler")
        from cbam_exchange.cluster import validate_on_cluster
        documents = validate_on_cluster(scheduler, list(files), (year, sel, ign, waiver_list))
    elif len(files) == 1 or jobs == 1:
        documents = []
        for f in files:
            doc, report = validate_file(f, year, sel, ign, waiver_list)
            documents.append(doc)
            if annotate is not None:  # keep only what the annotation needs: reports are large
                reports[f] = report
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        workers = jobs or os.cpu_count() or 1
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            documents = list(pool.map(validate_for_batch, [(f, year, sel, ign, waiver_list) for f in files],
                                      chunksize=max(1, len(files) // (workers * 4))))
    if annotate is not None:
        report = reports[files[0]]
        if report is None or report.submission.source.format != "ec-template":
            raise click.UsageError("--annotate needs an official template workbook as input")
        from cbam_exchange.writers.annotate import annotate_workbook
        count = annotate_workbook(files[0], report.findings + report.waived, annotate)
        click.echo(f"wrote {annotate} ({count} cell(s) annotated)", err=True)
    if fmt == "json":
        click.echo(json.dumps(documents[0] if len(documents) == 1 else documents, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(validate_report.csv_text(documents), nl=False)
    else:
        click.echo(validate_report.text(documents), nl=False)
    if any("unreadable" in d for d in documents):
        sys.exit(EXIT_UNREADABLE)
    if any(d["summary"]["errors"] for d in documents):
        sys.exit(EXIT_FINDINGS)
