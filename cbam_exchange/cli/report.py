"""`cbam report` and `cbam report check`: the verification-report draft."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import FILE, INPUT, guarded, info
from cbam_exchange.errors import EXIT_FINDINGS


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
@click.argument("file", type=INPUT)
@click.option("-o", "--output", type=FILE, required=True, help="The PDF draft to write.")
@click.option("--html", "html_output", type=FILE, help="Also write the HTML the PDF is rendered from.")
@click.option("--decisions", "--verifier-info", "decisions_file", type=click.Path(path_type=Path, dir_okay=False),
              help="YAML or JSON with the verifier's own decisions: report_id, verifier (company, accreditation, "
                   "team...), visit (type, dates, areas_inspected, justification, material_changes), "
                   "first_verified_year, last_physical_visit, upstream_verification, findings (fingerprint, status, "
                   "operator_response), additional_findings. See docs/verifier-decisions.md.")
@click.option("--year", type=int, help="Year of the default values (default: the reporting year).")
@guarded
def report_draft(file: Path, output: Path, html_output: Path | None, decisions_file: Path | None,
                 year: int | None) -> None:
    """Draft a verification report (PDF/A-3 with the evidence embedded) for the accredited verifier.

    Exit code 1 where findings of severity error remain (the draft is written all the same), 0 otherwise.
    """
    from cbam_exchange.report.pdf import write_draft

    if output.resolve() == file.resolve():
        raise click.UsageError("the output must not overwrite the submission")
    decisions = None
    if decisions_file is not None:
        from cbam_exchange.verification.decisions import read_decisions
        decisions = read_decisions(decisions_file)
    result = write_draft(file, output, year=year, decisions=decisions, html_target=html_output)
    info(f"wrote {output} (draft; {result.summary()['errors']} error(s), {result.summary()['warnings']} "
         "warning(s); check it with: cbam report check " + str(output) + ")")
    if result.summary()["errors"]:
        sys.exit(EXIT_FINDINGS)


@report.command("check")
@click.argument("draft", type=FILE)
@guarded
def report_check(draft: Path) -> None:
    """Confirm that a draft's embedded evidence is intact and reproduces (exit 0), or say what differs (exit 1)."""
    from cbam_exchange.report.check import check_draft

    problems = check_draft(draft)
    if problems:
        for p in problems:
            click.echo(f"differs: {p}")
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{draft}: every attachment matches its SHA-256 and the findings and recomputation are reproduced")
