"""The `cbam` command line. Exit codes: 0 done, nothing wrong; 1 done, findings of severity error;
2 input unreadable or usage error; 3 internal error (a bug: please report it)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cbam_exchange import __version__
from cbam_exchange.errors import EXIT_UNREADABLE, UnreadableInput

EXIT_INTERNAL = 3


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every failure into one clear line and a documented exit code, never a traceback."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UnreadableInput as exc:
            click.echo(f"error: {exc.describe()}", err=True)
            sys.exit(EXIT_UNREADABLE)
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.Abort):
            raise
        except OSError as exc:
            click.echo(f"error: {exc.filename or ''}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_UNREADABLE)
        except Exception as exc:  # a bug in the toolkit, reported without a traceback
            click.echo(f"internal error: {type(exc).__name__}: {exc} (please report this with the input file)",
                       err=True)
            sys.exit(EXIT_INTERNAL)

    return run


_FILE = click.Path(path_type=Path, dir_okay=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cbam-exchange")
def main() -> None:
    """Read, check and recompute EU CBAM supplier submissions.

    FILE is a filled Commission "Communication template for installations" (.xlsx, versions 2.1 and 2.1.1) or a
    cbam-exchange JSON submission.

    \b
    Exit codes: 0 done, nothing wrong; 1 done, findings of severity error;
                2 input unreadable or usage error; 3 internal error.
    """


@main.command()
@click.argument("file", type=_FILE)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for a person, json for the canonical model.")
@_guarded
def inspect(file: Path, fmt: str) -> None:
    """Summarise a submission: format, template version, installation, period, processes and products."""
    from cbam_exchange.readers import read_submission

    submission = read_submission(file)
    if fmt == "json":
        from cbam_exchange.writers.json_exchange import submission_to_json
        click.echo(submission_to_json(submission), nl=False)
        return
    from cbam_exchange.render.inspect_text import render_inspect
    click.echo(render_inspect(submission, file), nl=False)


@main.command()
@click.argument("file", type=_FILE)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_guarded
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


@main.command()
@click.argument("file", type=_FILE)
@click.option("-o", "--output", type=_FILE, required=True, help="Where to write the result.")
@click.option("--to", "target", type=click.Choice(["json", "ec-template"]), default="json", show_default=True,
              help="json: the exchange format; ec-template: fill a copy of the blank official template.")
@click.option("--template", "blank", type=_FILE, help="The blank official template (required with --to ec-template).")
@click.option("--recalculate", is_flag=True,
              help="With --to ec-template: let LibreOffice calculate the filled workbook so that it carries the "
                   "template's own results (needs LibreOffice installed).")
@_guarded
def convert(file: Path, output: Path, target: str, blank: Path | None, recalculate: bool) -> None:
    """Convert a submission to the JSON exchange format or into a copy of the official template."""
    from cbam_exchange.readers import read_submission

    if output.resolve() == file.resolve() or (blank is not None and output.resolve() == blank.resolve()):
        raise click.UsageError("the output must not overwrite an input file")
    submission = read_submission(file)
    if target == "json":
        from cbam_exchange.writers.json_exchange import write_json_submission
        write_json_submission(submission, output)
    else:
        if blank is None:
            raise click.UsageError("--to ec-template needs --template BLANK.xlsx (the Commission's blank template)")
        from cbam_exchange.writers.ec_template import WriteError, write_ec_template
        try:
            layout = write_ec_template(submission, blank, output)
        except WriteError as exc:
            raise UnreadableInput(str(file), f"cannot be written into the template: {exc}") from None
        if recalculate:
            from cbam_exchange.writers.recalculate import RecalculationUnavailable
            from cbam_exchange.writers.recalculate import recalculate as run_libreoffice
            try:
                run_libreoffice(output, output)
            except RecalculationUnavailable as exc:
                click.echo(f"error: {output} was written but not calculated: {exc}", err=True)
                sys.exit(EXIT_UNREADABLE)
            click.echo(f"wrote {output} (template {layout.version}, calculated by LibreOffice)", err=True)
        else:
            click.echo(f"wrote {output} (template {layout.version}; it carries no results until Excel or "
                       "LibreOffice calculates it, or use --recalculate)", err=True)
        return
    click.echo(f"wrote {output}", err=True)
