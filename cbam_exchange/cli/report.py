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
        from cbam_exchange.readers.mapping_file import read_mapping_file

        # the mapping as read goes into the draft (check renders the pages again from it); write_draft validates it
        decisions = (str(decisions_file), read_mapping_file(decisions_file, "verifier decisions"))
    result = write_draft(file, output, year=year, decisions=decisions, html_target=html_output)
    info(f"wrote {output} (draft; {result.summary()['errors']} error(s), {result.summary()['warnings']} "
         "warning(s); check it with: cbam report check " + str(output) + ")")
    if result.summary()["errors"]:
        sys.exit(EXIT_FINDINGS)


# `cbam report check` exit codes: 0 intact, 1 altered, 2 unreadable (not a PDF, not a draft), 3 internal error,
# 4 made by another version that this one cannot reproduce (hashes and recorded pages checked, not re-derived).
EXIT_CANNOT_REPRODUCE = 4


@report.command("check")
@click.argument("draft", type=FILE)
@click.option("--trust", "trust", type=FILE, multiple=True,
              help="Certificate (PEM or DER) of a trust root for the signer's certificate; repeatable.")
@guarded
def report_check(draft: Path, trust: tuple[Path, ...]) -> None:
    """Is the draft as made, and do its pages follow from its evidence? Exit 0 intact, 1 altered (each difference
    named: page and figure, attachment, signature), 2 unreadable, 4 made by another version that this one cannot
    reproduce."""
    from cbam_exchange.report.check import ALTERED, NOT_REPRODUCIBLE, check_draft

    result = check_draft(draft.name, draft.read_bytes(), [t.read_bytes() for t in trust] or None)
    for problem in result.altered:
        click.echo(f"altered: {problem}")
    for signature in result.signatures:
        if signature.valid:
            click.echo(signature.describe())
    for note in result.notes:
        click.echo(f"note: {note}")
    if result.outcome == ALTERED:
        click.echo(f"{draft}: ALTERED ({len(result.altered)} difference(s))")
        sys.exit(EXIT_FINDINGS)
    if result.outcome == NOT_REPRODUCIBLE:
        click.echo(f"{draft}: CANNOT REPRODUCE with this version (attachments and pages match what was recorded)")
        sys.exit(EXIT_CANNOT_REPRODUCE)
    click.echo(f"{draft}: intact (every attachment matches the manifest; the findings, recomputation and every page "
               "follow from the embedded submission)")


@report.command("sign")
@click.argument("draft", type=FILE)
@click.option("--key", type=FILE, required=True, help="The signer's private key (PEM or DER).")
@click.option("--cert", type=FILE, required=True, help="The signer's certificate (PEM or DER).")
@click.option("--chain", type=FILE, multiple=True, help="Intermediate certificates to embed; repeatable.")
@click.option("--passphrase-env", metavar="NAME", help="Environment variable holding the key's passphrase.")
@click.option("-o", "--output", type=FILE, help="The signed PDF (default: DRAFT with -signed before .pdf).")
@guarded
def report_sign(draft: Path, key: Path, cert: Path, chain: tuple[Path, ...], passphrase_env: str | None,
                output: Path | None) -> None:
    """Add the verifier's PAdES signature to a draft (the draft itself is never modified)."""
    import os

    from cbam_exchange.report.signature import sign
    from cbam_exchange.writers.atomic import atomic_output

    target = output or draft.with_name(f"{draft.stem}-signed.pdf")
    if target.resolve() == draft.resolve():
        raise click.UsageError("the signed output must not overwrite the draft")
    passphrase = None
    if passphrase_env:
        if passphrase_env not in os.environ:
            raise click.UsageError(f"environment variable {passphrase_env} is not set")
        passphrase = os.environ[passphrase_env].encode()
    signed = sign(draft.read_bytes(), key, cert, passphrase=passphrase, chain=chain)
    with atomic_output(target) as tmp:
        tmp.write_bytes(signed)
    click.echo(f"wrote {target} (signed; check it with: cbam report check {target})", err=True)
