"""`cbam collect` and `cbam declare`: the importer's workspace."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import FILE, JOBS, guarded
from cbam_exchange.errors import EXIT_FINDINGS, EXIT_UNREADABLE, UnreadableInput

DB_HELP = ("The workspace: a SQLite file (created on first use) or a postgresql://user@host/database URL that a team "
           "shares.")


@main.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--db", "workspace", default="cbam-workspace.sqlite", show_default=True, help=DB_HELP)
@click.option("--jobs", type=JOBS, default=0, help="Worker processes (default: one per core).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask distributed cluster (e.g. tcp://host:8786); needs cbam-exchange[dask].")
@guarded
def collect(folders: tuple[Path, ...], workspace: str, jobs: int, scheduler: str | None) -> None:
    """Ingest every supplier file (official template, JSON submission, or an operator's Annex IV summary report
    as `cbam annex-iv` writes it) found in FOLDERS into the workspace.

    Each file is validated and recomputed; the same file twice is recognised by its hash; of the submissions of one
    installation and reporting period the one with the latest file date is current; a file that cannot be read gets
    its one-line error and the batch goes on.

    Exit code 2 where a file could not be read, else 1 where a current submission has findings of severity error.
    """
    from cbam_exchange.workspace.collect import collect as run
    from cbam_exchange.workspace.collect import listing, supplier_files
    from cbam_exchange.workspace.db import connect

    db = connect(workspace)
    total = len(supplier_files(folders))
    with click.progressbar(length=total, label="collecting", file=sys.stderr, show_pos=True,
                           hidden=not sys.stderr.isatty()) as bar:
        summary = run(db, folders, jobs=jobs, scheduler=scheduler, progress=bar.update)
    rows = listing(db)
    db.close()
    click.echo(f"{summary.stored} stored, {summary.unchanged} unchanged, {summary.unreadable} unreadable, "
               f"{summary.superseded} superseded, {summary.older} older than one stored, {summary.with_errors} with "
               f"errors, {summary.linked} precursor link(s) in {db.name}")
    for r in rows:
        start, end = r["period"]
        click.echo(f"  {r['installation_id']}  {r['name']}  {start} to {end}  {r['path']}  "
                   f"({r['file_date_basis']} {r['file_date']})  {r['state']}")
    for text in summary.ambiguous:
        click.echo(f"  precursor not linked: {text}")
    for error in summary.errors:
        click.echo(f"  unreadable: {error}", err=True)
    if summary.unreadable:
        sys.exit(EXIT_UNREADABLE)
    if any(r["state"] == "current, not usable (errors)" for r in rows):
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.option("--db", "workspace", default="cbam-workspace.sqlite", show_default=True, help=DB_HELP)
@click.option("--imports", type=FILE, required=True,
              help="Customs export (CSV in any usual encoding and separator, or .xlsx): date, CN code, country of "
                   "origin, net mass and its unit [, installation, any other columns].")
@click.option("--mapping", type=FILE, default=None,
              help="YAML or JSON: your column names (columns: {date: ..., cn_code: ..., country: ..., net_mass: "
                   "..., unit: ..., installation: ...}), and 'unit' or 'decimal' where the file does not say.")
@click.option("--year", type=int, required=True, help="The year of importation declared.")
@click.option("-o", "--output", "folder", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the outputs (default: declaration-YEAR).")
@guarded
def declare(workspace: str, imports: Path, mapping: Path | None, year: int, folder: Path | None) -> None:
    """Estimate the annual declaration: embedded emissions per import line, totals, certificates and their cost,
    and whom to ask for what.

    Exit 0: declared (lines of goods outside CBAM or of exempt origin are listed, and owe nothing); 1: some lines
    could not be valued (each listed in problems.csv with line, column and value); 2: unreadable input.
    """
    from cbam_exchange.workspace.db import connect
    from cbam_exchange.workspace.declare import declare as run
    from cbam_exchange.workspace.outputs import write_outputs

    if not imports.exists():
        raise UnreadableInput(str(imports), "no such file", expected="the customs export to declare")
    db = connect(workspace, create=False)
    with click.progressbar(length=imports.stat().st_size, label="declaring", file=sys.stderr,
                           hidden=not sys.stderr.isatty()) as bar:
        decl = run(db, imports, year, mapping, progress=lambda done: bar.update(done - bar.pos))
    db.close()
    written = write_outputs(decl, folder or Path(f"declaration-{year}"))
    t = decl.totals
    click.echo(f"{len(decl.lines)} import lines, {t.get('net_mass_t', 0):,.1f} t: embedded emissions "
               f"{t.get('emissions', 0):,.1f} tCO2e, free-allocation adjustment {t.get('sefa', 0):,.1f}, "
               f"certificates {t['certificates_to_surrender']:,.1f}, estimated cost EUR {t['cost_due']:,.0f}")
    for reason, entry in decl.not_priced.items():
        if entry["source"] != "unresolved":
            click.echo(f"  {entry['source']}: {entry['lines']} line(s), {entry['net_mass_t']:,.3f} t: {reason}")
    for note in decl.notes:
        click.echo(f"  note: {note}")
    click.echo(f"  {len(decl.followup)} supplier(s) to follow up; outputs in {written[0].parent}")
    for number, column, value, problem in decl.problems[:20]:
        click.echo(f"{imports}: line {number}, column {column!r}: {value!r}: {problem}", err=True)
    if len(decl.problems) > 20:
        click.echo(f"{imports}: ... and {len(decl.problems) - 20} more problem(s) in problems.csv", err=True)
    if decl.exit_findings:
        sys.exit(EXIT_FINDINGS)
