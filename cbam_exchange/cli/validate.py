"""`cbam validate`: findings of the rule catalogue for one file or a batch."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import FILE, INPUT, JOBS, codes, debug, guarded, info, progress
from cbam_exchange.errors import EXIT_FINDINGS, EXIT_UNREADABLE
from cbam_exchange.i18n import LANGUAGES

FORMATS = ["text", "json", "csv", "sarif", "junit", "github"]


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=INPUT)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for a person; json (contract cbam-exchange/validation 2.0, always an object with 'files'); "
                   "csv (one row per finding, unreadable files included); sarif (SARIF 2.1.0 for code scanning); "
                   "junit (JUnit XML); github (GitHub Actions annotations).")
@click.option("--statistics", is_flag=True, help="Print the number of open findings per rule instead of the "
                                                 "findings (text; with --format json the counts are always there).")
@click.option("--annotate", type=FILE, help="Write a copy of the (single) workbook with each finding as a cell "
                                              "comment and a highlight; the original is not touched.")
@click.option("--year", type=int, help="Year of the default values and mark-up (default: the reporting year).")
@click.option("--select", multiple=True, help="Only these rule codes or prefixes (e.g. ID,AR-001); repeatable.")
@click.option("--ignore", multiple=True, help="Leave out these rule codes or prefixes; repeatable.")
@click.option("--waivers", type=click.Path(path_type=Path, dir_okay=False),
              help="YAML or JSON file of justified fingerprints scoped to an installation (see cbam waivers init).")
@click.option("--jobs", type=JOBS, default=0, help="Worker processes for several files (default: one per core).")
@click.option("--lang", type=click.Choice(sorted(LANGUAGES)), default="en", show_default=True,
              help="Language of the messages and remedies (codes, cells and references stay as they are).")
@click.option("--scheduler", metavar="ADDRESS", help="Run on a Dask distributed cluster (e.g. tcp://host:8786); needs "
                                                      "cbam-exchange[dask].")
@guarded
def validate_command(files: tuple[Path, ...], fmt: str, statistics: bool, annotate: Path | None, year: int | None,
                     select: tuple[str, ...], ignore: tuple[str, ...], waivers: Path | None, jobs: int,
                     lang: str, scheduler: str | None) -> None:
    """Check submissions: schema, rule catalogue, recomputation, plausibility; findings located at sheet and cell.

    Exit code 1 where an error finding remains (not waived), 2 where a file cannot be read.
    """
    import json
    import os

    from cbam_exchange.checks.findings_document import statistics as rule_statistics
    from cbam_exchange.checks.findings_document import validation_document
    from cbam_exchange.checks.validate_file import rules_version, validate_file, validate_for_batch
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
        documents = validate_on_cluster(scheduler, list(files), (year, sel, ign, waiver_list, lang))
    elif len(files) == 1 or jobs == 1:
        documents = []
        for f in progress(files, len(files), "validating"):
            doc, report = validate_file(f, year, sel, ign, waiver_list, lang)
            documents.append(doc)
            if annotate is not None:  # keep only what the annotation needs: reports are large
                reports[f] = report
    else:
        from concurrent.futures import ProcessPoolExecutor

        from cbam_exchange.workers import context, start_method

        workers = min(jobs or os.cpu_count() or 1, len(files))
        debug(f"{workers} worker(s), start method {start_method()}")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context()) as pool:
            jobs_args = [(f, year, sel, ign, waiver_list, lang) for f in files]
            documents = list(progress(pool.map(validate_for_batch, jobs_args,
                                               chunksize=max(1, len(files) // (workers * 4))),
                                      len(files), "validating"))
    if annotate is not None:
        report = reports[files[0]]
        if report is None or report.submission.source.format != "ec-template":
            raise click.UsageError("--annotate needs an official template workbook as input")
        from cbam_exchange.writers.annotate import annotate_workbook
        count = annotate_workbook(files[0], report.findings + report.waived, annotate)
        info(f"wrote {annotate} ({count} cell(s) annotated)")
    if fmt == "json":
        click.echo(json.dumps(validation_document(documents, rules_version()), indent=2, ensure_ascii=False))
    elif statistics:
        click.echo(validate_report.statistics_text(rule_statistics(documents)), nl=False)
    elif fmt == "csv":
        click.echo(validate_report.csv_text(documents), nl=False)
    elif fmt in ("sarif", "junit", "github"):
        from cbam_exchange.render import ci_formats
        text = (ci_formats.sarif(documents, all_rules()) if fmt == "sarif"
                else ci_formats.junit(documents) if fmt == "junit" else ci_formats.github(documents))
        click.echo(text, nl=False)
    else:
        click.echo(validate_report.text(documents), nl=False)
    if any("unreadable" in d for d in documents):
        sys.exit(EXIT_UNREADABLE)
    if any(d["summary"]["errors"] for d in documents):
        sys.exit(EXIT_FINDINGS)
