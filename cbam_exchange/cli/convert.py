"""`cbam convert`: to the JSON exchange format or into a copy of the official template."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import FILE, INPUT, guarded, info
from cbam_exchange.errors import EXIT_UNREADABLE, UnreadableInput

if TYPE_CHECKING:
    from cbam_exchange.model.submission import ReadNote


@main.command()
@click.argument("file", type=INPUT)
@click.option("-o", "--output", type=FILE, required=True, help="Where to write the result.")
@click.option("--to", "target", type=click.Choice(["json", "ec-template"]), default="json", show_default=True,
              help="json: the exchange format; ec-template: fill a copy of the blank official template.")
@click.option("--template", "blank", type=FILE, envvar="CBAM_BLANK_TEMPLATE", show_envvar=True,
              help="The Commission's blank template, `CBAM Communication template for installations_en_20241213.xlsx` "
                   "(required with --to ec-template; a filled workbook is refused).")
@click.option("--recalculate", is_flag=True,
              help="With --to ec-template: let LibreOffice calculate the filled workbook so that it carries the "
                   "template's own results (needs LibreOffice installed).")
@guarded
def convert(file: Path, output: Path, target: str, blank: Path | None, recalculate: bool) -> None:
    """Convert a submission to the JSON exchange format or into a copy of the official template."""
    from cbam_exchange.readers import read_submission

    if output.resolve() == file.resolve() or (blank is not None and output.resolve() == blank.resolve()):
        raise click.UsageError("the output must not overwrite an input file")
    _check_output_name(output, target)
    submission = read_submission(file)
    _warn_unread(submission.notes)
    if target == "json":
        from cbam_exchange.writers.json_exchange import write_json_submission
        write_json_submission(submission, output)
    else:
        if blank is None:
            raise click.UsageError("--to ec-template needs --template BLANK.xlsx (the Commission's blank template)")
        from cbam_exchange.writers.ec_template import TemplateNotBlank, WriteError, write_ec_template
        try:
            layout = write_ec_template(submission, blank, output)
        except TemplateNotBlank as exc:
            raise UnreadableInput(str(blank), f"--template is not the blank template: {exc}",
                                  expected="the Commission's blank template (see README: the blank template)") \
                from None
        except WriteError as exc:
            raise UnreadableInput(str(file), f"cannot be written into the template: {exc}") from None
        if submission.definitive is not None:  # said even with -q: it is data lost, not progress
            click.echo(f"warning: {output} lacks the definitive-period data of {file.name} (Annex IV items the "
                       f"template has no cell for); keep them in a supplement: cbam supplement init {file.name} -o "
                       "SUPPLEMENT.yaml, then pass --supplement SUPPLEMENT.yaml with the workbook", err=True)
        if recalculate:
            from cbam_exchange.writers.recalculate import RecalculationUnavailable
            from cbam_exchange.writers.recalculate import recalculate as run_libreoffice
            try:
                run_libreoffice(output, output)
            except RecalculationUnavailable as exc:
                click.echo(f"error: {output} was written but not calculated: {exc}", err=True)
                sys.exit(EXIT_UNREADABLE)
            info(f"wrote {output} (template {layout.version}, calculated by LibreOffice)")
        else:
            info(f"wrote {output} (template {layout.version}; it carries no results until Excel or "
                 "LibreOffice calculates it, or use --recalculate)")
        return
    info(f"wrote {output}")


def _check_output_name(output: Path, target: str) -> None:
    """Refuse an output named as the other format: `-o x.xlsx` without `--to ec-template` wrote JSON text into a
    file Excel then cannot open, and exited 0."""
    suffix = output.suffix.lower()
    if target == "json" and suffix in (".xlsx", ".xlsm", ".xls"):
        raise click.UsageError(f"{output} is named {suffix} but --to json writes JSON: name it .json, or convert into "
                               "the template with --to ec-template --template BLANK.xlsx")
    if target == "ec-template" and suffix in (".json", ".yaml", ".yml"):
        raise click.UsageError(f"{output} is named {suffix} but --to ec-template writes an .xlsx workbook: name it "
                               ".xlsx, or drop --to for the JSON exchange format")


def _warn_unread(notes: list[ReadNote]) -> None:
    """Name the cells whose value could not be read (left out, not 0): a conversion checks nothing, so without this
    line the gap shows only later, as a finding on the converted file."""
    unread = [n for n in notes if n.code == "READ-TYPE"]
    if not unread:
        return
    cells = "; ".join(f"{n.sheet}!{n.cell} {n.found!r}" if n.sheet else f"{n.path} {n.found!r}" for n in unread[:5])
    more = f" and {len(unread) - 5} more" if len(unread) > 5 else ""
    click.echo(f"warning: {len(unread)} value(s) could not be read and are left out (not 0): {cells}{more}; "
               "`cbam validate` says why", err=True)
