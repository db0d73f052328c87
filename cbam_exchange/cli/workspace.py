"""`cbam collect` and `cbam declare`: the importer's workspace."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import FILE, JOBS, guarded
from cbam_exchange.errors import EXIT_FINDINGS, EXIT_UNREADABLE, UnreadableInput


@main.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--db", "workspace", type=FILE, default=Path("cbam-workspace.sqlite"), show_default=True,
              help="The workspace file (created on first use).")
@click.option("--jobs", type=JOBS, default=0, help="Worker processes (default: one per core).")
@guarded
def collect(folders: tuple[Path, ...], workspace: Path, jobs: int) -> None:
    """Ingest every supplier file (official template or JSON) found in FOLDERS into the workspace.

    Each file is validated and recomputed; the same file twice is recognised by its hash; a newer submission of the
    same installation and period supersedes the older one; an unreadable file is recorded and the batch goes on.

    Exit code 2 where a file could not be read, else 1 where a current submission has findings of severity error.
    """
    from cbam_exchange.workspace.collect import collect as run
    from cbam_exchange.workspace.collect import supplier_files

    db = _open_workspace(workspace, create=True)
    total = len(supplier_files(folders))
    if sys.stderr.isatty() and total >= 10:
        with click.progressbar(length=total, label="collecting", file=sys.stderr, show_pos=True) as bar:
            summary = run(db, folders, jobs=jobs, progress=bar.update)
    else:
        summary = run(db, folders, jobs=jobs, progress=lambda _n: None)
    rows = db.execute("SELECT s.installation_id, i.name, s.period_start, s.period_end, s.errors, s.superseded_by "
                      "FROM submissions s JOIN installations i ON i.id = s.installation_id ORDER BY i.name").fetchall()
    db.close()
    click.echo(f"{summary.stored} stored, {summary.unchanged} unchanged, {summary.unreadable} unreadable, "
               f"{summary.superseded} superseded, {summary.linked} precursor link(s) in {workspace}")
    for iid, name, start, end, errors, superseded in rows:
        state = "superseded" if superseded else ("not usable (errors)" if errors else "current")
        click.echo(f"  {iid}  {name}  {start} to {end}  {state}")
    for error in summary.errors:
        click.echo(f"  unreadable: {error}", err=True)
    if summary.unreadable:
        sys.exit(EXIT_UNREADABLE)
    if any(errors and not superseded for _i, _n, _s, _e, errors, superseded in rows):
        sys.exit(EXIT_FINDINGS)


def _open_workspace(path: Path, *, create: bool) -> Any:
    """The workspace database, or exit 2 with one line where the path cannot hold or is not one."""
    import sqlite3

    from cbam_exchange.workspace.db import connect

    if not create and not path.exists():
        raise UnreadableInput(str(path), "no such workspace", expected="a file made by cbam collect")
    if not path.parent.is_dir():
        raise UnreadableInput(str(path), "the workspace's folder does not exist", found=str(path.parent),
                              expected="an existing folder (cbam collect creates only the file)")
    try:
        return connect(path)
    except sqlite3.DatabaseError as exc:
        raise UnreadableInput(str(path), f"not a workspace ({exc})", expected="a file made by cbam collect") from None


@main.command()
@click.option("--db", "workspace", type=FILE, default=Path("cbam-workspace.sqlite"), show_default=True)
@click.option("--imports", type=FILE, required=True, help="CSV: date, cn_code, country, net_mass [, unit, "
                                                           "installation, any other columns].")
@click.option("--year", type=int, required=True, help="The year of importation declared.")
@click.option("-o", "--output", "folder", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the outputs (default: declaration-YEAR).")
@guarded
def declare(workspace: Path, imports: Path, year: int, folder: Path | None) -> None:
    """Estimate the annual declaration: embedded emissions per import line, totals, certificates and their cost,
    and whom to ask for what."""
    from cbam_exchange.workspace.declare import declare as run
    from cbam_exchange.workspace.outputs import write_outputs

    if not imports.is_file():
        raise UnreadableInput(str(imports), "no such import list", expected="a CSV file: date, cn_code, country, "
                                                                            "net_mass")
    db = _open_workspace(workspace, create=False)
    decl = run(db, imports, year)
    db.close()
    written = write_outputs(decl, folder or Path(f"declaration-{year}"))
    t = decl.totals
    click.echo(f"{len(decl.lines)} import lines, {t.get('net_mass_t', 0):,.1f} t: embedded emissions "
               f"{t.get('emissions', 0):,.1f} tCO2e, free-allocation adjustment {t.get('sefa', 0):,.1f}, "
               f"certificates {t['certificates_to_surrender']:,.1f}, estimated cost EUR {t.get('cost', 0):,.0f}")
    for note in decl.notes:
        click.echo(f"  note: {note}")
    click.echo(f"  {len(decl.followup)} supplier(s) to follow up; outputs in {written[0].parent}")
    if any(line["source"] == "unresolved" for line in decl.lines):
        sys.exit(EXIT_FINDINGS)
