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
from cbam_exchange.errors import EXIT_FINDINGS, EXIT_UNREADABLE, UnreadableInput

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
        except BrokenPipeError:  # the reader of our output (e.g. head) closed the pipe: not an error of ours
            sys.stderr.close()
            sys.exit(0)
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


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=_FILE)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("--annotate", type=_FILE, help="Write a copy of the (single) workbook with each finding as a cell "
                                              "comment and a highlight; the original is not touched.")
@click.option("--year", type=int, help="Year of the default values and mark-up (default: the reporting year).")
@click.option("--select", multiple=True, help="Only these rule codes or prefixes (e.g. ID,AR-001); repeatable.")
@click.option("--ignore", multiple=True, help="Leave out these rule codes or prefixes; repeatable.")
@click.option("--waivers", type=click.Path(path_type=Path, dir_okay=False),
              help="YAML or JSON file of justified fingerprints (who, why, until).")
@click.option("--jobs", type=int, default=0, help="Worker processes for several files (default: one per core).")
@_guarded
def validate_command(files: tuple[Path, ...], fmt: str, annotate: Path | None, year: int | None,
                     select: tuple[str, ...], ignore: tuple[str, ...], waivers: Path | None, jobs: int) -> None:
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
    sel, ign = _codes(select), _codes(ignore)
    from cbam_exchange.checks.catalogue import all_rules
    known = {r.code for r in all_rules()}
    for code in sel + ign:
        if not any(k.startswith(code.upper()) for k in known):
            raise click.UsageError(f"no rule code starts with {code!r} (see: cbam rules)")
    waiver_list = load_waivers(waivers) if waivers else []
    import gc
    gc.freeze()  # the libraries' objects are permanent: keep the collector from walking them for every file
    reports = {}
    if len(files) == 1 or jobs == 1:
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


@main.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_guarded
def rules(code: str | None, fmt: str) -> None:
    """List the rule catalogue, or document one rule (CODE) with its rationale and examples."""
    import json

    from cbam_exchange.checks.catalogue import FAMILIES, all_rules

    chosen = [r for r in all_rules() if code is None or r.code.startswith(code.upper())]
    if not chosen:
        raise click.UsageError(f"no rule code starts with {code!r}")
    docs = [{"code": r.code, "name": r.name, "family": FAMILIES[r.family], "severity": r.severity.value,
             "blocking": r.blocking, "message": r.message, "rationale": r.rationale, "remedy": r.remedy,
             "reference": r.reference, "bad_example": {"base": r.bad.base, "patch": r.bad.patch, "path": r.bad.path,
                                                       "cell": r.bad.cell},
             "good_example": {"base": r.good.base, "patch": r.good.patch}} for r in chosen]
    if fmt == "json":
        click.echo(json.dumps(docs, indent=2, ensure_ascii=False))
        return
    if code is None:
        family = None
        for d in docs:
            if d["family"] != family:
                family = d["family"]
                click.echo(click.style(f"\n{d['code'].split('-')[0]}  {family}", bold=True))
            click.echo(f"  {d['code']:<7} {d['severity']:<7} {d['name']}")
        click.echo(f"\n{len(docs)} rules; 'cbam rules CODE' documents one.")
        return
    for d in docs:
        click.echo(click.style(f"{d['code']} {d['name']} ({d['severity']}{', blocking' if d['blocking'] else ''})",
                               bold=True))
        for key in ("family", "message", "rationale", "remedy", "reference"):
            click.echo(f"  {key:<10} {d[key]}")
        click.echo(f"  bad        {json.dumps(d['bad_example']['patch'])} on examples/{d['bad_example']['base']}.json"
                   f" -> {d['bad_example']['cell'] or d['bad_example']['path']}")
        click.echo(f"  good       {json.dumps(d['good_example']['patch'])}\n")


@main.command()
@click.argument("cn_code")
@click.argument("country")
@click.option("--year", type=int, default=None, help="Year of import (mark-up); default: this year.")
@_guarded
def defaults(cn_code: str, country: str, year: int | None) -> None:
    """Look up the default value for CN_CODE and COUNTRY (ISO code; 'unknown' for Annex IV).

    Shows the table used, the fallback taken (Other countries and territories, Annex IV) and the year's mark-up.
    """
    import datetime as dt

    from cbam_exchange.reference.tables import cn_info, default_value, normalise_cn

    if cn_info(cn_code) is None:
        raise UnreadableInput(cn_code, "not the CN code of a CBAM good", found=normalise_cn(cn_code) or cn_code,
                              expected="an 8-digit CN code of Reg. (EU) 2023/956 Annex I")
    iso = None if country.strip().lower() in ("unknown", "-", "") else country.strip().upper()
    value = default_value(cn_code, iso, year or dt.date.today().year)
    if value is None:
        raise UnreadableInput(cn_code, "no default value line for this code", location=iso or "Annex IV",
                              expected="a code listed in IR (EU) 2025/2621 Annex I or IV")

    def show(v: float | None) -> str:
        return "—" if v is None else f"{v:.3f}"

    click.echo(f"CN {value.cn_code} from {iso or 'an unknown country'}, imported in {value.year}")
    click.echo(f"  table            {value.table}, line {value.line}: {value.description}")
    if value.fallback:
        click.echo(f"  fallback         {value.fallback}")
    click.echo(f"  direct / indirect / total   {show(value.direct)} / {show(value.indirect)} / {show(value.total)} "
               f"tCO2e/t{f'  (route {value.route})' if value.route else ''}")
    markup = "—" if value.markup_pct is None else f"{value.markup_pct:g} %"
    click.echo(f"  mark-up {value.year}     {markup}  ->  total with mark-up {show(value.total_with_markup)} tCO2e/t")
    click.echo(f"  legal reference  {value.legal_reference}")
    click.echo(f"  confirmation     {value.confirmation}")
    if value.flags:
        click.echo(f"  flags            {', '.join(value.flags)}")


class _DraftByDefault(click.Group):
    """`cbam report FILE ...` drafts; `cbam report check DRAFT.pdf` checks."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> Any:
        if args and args[0] not in self.commands:
            args = ["draft", *args]
        return super().resolve_command(ctx, args)


@main.group(cls=_DraftByDefault, context_settings={"allow_interspersed_args": False})
def report() -> None:
    """Verification-report draft: `cbam report FILE -o DRAFT.pdf`, `cbam report check DRAFT.pdf`."""


@report.command("draft")
@click.argument("file", type=_FILE)
@click.option("-o", "--output", type=_FILE, required=True, help="The PDF draft to write.")
@click.option("--html", "html_output", type=_FILE, help="Also write the HTML the PDF is rendered from.")
@click.option("--verifier-info", type=click.Path(path_type=Path, dir_okay=False),
              help="YAML or JSON with the verifier's details (report_id, company, accreditation_number, scopes, "
                   "valid_until, lead_verifier, independent_reviewer, site_visit, site_visit_justification).")
@click.option("--year", type=int, help="Year of the default values (default: the reporting year).")
@_guarded
def report_draft(file: Path, output: Path, html_output: Path | None, verifier_info: Path | None,
                 year: int | None) -> None:
    """Draft a verification report (PDF/A-3 with the evidence embedded) for the accredited verifier."""
    from cbam_exchange.report.pdf import write_draft

    if output.resolve() == file.resolve():
        raise click.UsageError("the output must not overwrite the submission")
    info: dict[str, Any] = {}
    if verifier_info is not None:
        from cbam_exchange.readers.mapping_file import read_mapping_file
        info = read_mapping_file(verifier_info, "verifier information")
    result = write_draft(file, output, year=year, verifier_info=info, html_target=html_output)
    click.echo(f"wrote {output} (draft; {result.summary()['errors']} error(s), {result.summary()['warnings']} "
               "warning(s); check it with: cbam report check " + str(output) + ")", err=True)


@report.command("check")
@click.argument("draft", type=_FILE)
@_guarded
def report_check(draft: Path) -> None:
    """Confirm that a draft's embedded evidence is intact and reproduces (exit 0), or say what differs (exit 1)."""
    from cbam_exchange.report.check import check_draft

    problems = check_draft(draft)
    if problems:
        for p in problems:
            click.echo(f"differs: {p}")
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{draft}: every attachment matches its SHA-256 and the findings and recomputation are reproduced")


@main.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--db", "workspace", type=_FILE, default=Path("cbam-workspace.sqlite"), show_default=True,
              help="The workspace file (created on first use).")
@click.option("--jobs", type=int, default=0, help="Worker processes (default: one per core).")
@_guarded
def collect(folders: tuple[Path, ...], workspace: Path, jobs: int) -> None:
    """Ingest every supplier file (official template or JSON) found in FOLDERS into the workspace.

    Each file is validated and recomputed; the same file twice is recognised by its hash; a newer submission of the
    same installation and period supersedes the older one; an unreadable file is recorded and the batch goes on.
    """
    from cbam_exchange.workspace.collect import collect as run, supplier_files
    from cbam_exchange.workspace.db import connect

    db = connect(workspace)
    total = len(supplier_files(folders))
    with click.progressbar(length=total, label="collecting", file=sys.stderr,
                           show_pos=True) as bar:
        summary = run(db, folders, jobs=jobs, progress=bar.update)
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


@main.command()
@click.option("--db", "workspace", type=_FILE, default=Path("cbam-workspace.sqlite"), show_default=True)
@click.option("--imports", type=_FILE, required=True, help="CSV: date, cn_code, country, net_mass [, unit, "
                                                           "installation, any other columns].")
@click.option("--year", type=int, required=True, help="The year of importation declared.")
@click.option("-o", "--output", "folder", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the outputs (default: declaration-YEAR).")
@_guarded
def declare(workspace: Path, imports: Path, year: int, folder: Path | None) -> None:
    """Estimate the annual declaration: embedded emissions per import line, totals, certificates and their cost,
    and whom to ask for what."""
    from cbam_exchange.workspace.db import connect
    from cbam_exchange.workspace.declare import declare as run
    from cbam_exchange.workspace.outputs import write_outputs

    if not workspace.exists():
        raise UnreadableInput(str(workspace), "no such workspace", expected="a file made by cbam collect")
    db = connect(workspace)
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
