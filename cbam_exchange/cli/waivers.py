"""`cbam waivers init`: a documented skeleton of a waiver file, optionally listing one file's open findings."""

from __future__ import annotations

from pathlib import Path

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import FILE, INPUT, guarded, info

_HEAD = """\
# Waivers for `cbam validate --waivers FILE` (or `waivers = "FILE"` under [tool.cbam] in pyproject.toml).
#
# A waiver accepts one finding of one installation, justified, for a limited time. Each entry needs:
#   fingerprint   the finding's fingerprint (cbam validate --format json: files[].findings[].fingerprint)
#   installation  the installation's id (cbam inspect; files[].installation in the JSON): a waiver never
#                 applies to another supplier's file, even where the same finding has the same fingerprint
#   who           the person accepting the finding, and their role
#   why           the justification and where the evidence is kept
#   until         the last day on which the waiver applies (YYYY-MM-DD)
# and may have:
#   rule          the rule code, checked against the finding's
#   sha256        the SHA-256 of the one file the waiver is for (files[].sha256 in the JSON)
#
# Errors of blocking rules (cbam rules) cannot be waived; an expired waiver is reported, not applied.
"""


@main.group()
def waivers() -> None:
    """Waiver files: `cbam waivers init` writes a documented skeleton."""


@waivers.command("init")
@click.argument("file", type=INPUT, required=False)
@click.option("-o", "--output", type=FILE, default=Path("cbam-waivers.yaml"), show_default=True,
              help="Where to write the skeleton (never over an existing file unless --force).")
@click.option("--force", is_flag=True, help="Replace an existing file.")
@guarded
def waivers_init(file: Path | None, output: Path, force: bool) -> None:
    """Write a waiver-file skeleton; with FILE, one commented-out entry per open finding of that submission."""
    from cbam_exchange.writers.atomic import write_text_atomic

    if output.exists() and not force:
        raise click.UsageError(f"{output} exists; use --force to replace it")
    body = ["waivers:"]
    if file is None:
        body += ["  # - fingerprint: 3f2a9c0d1e4b5a6c", "  #   installation: INST-4F1C2B9A0D3E", "  #   rule: PH-001",
                 "  #   who: J. Becker, verifier", "  #   why: route C/F applies; evidence in file 12",
                 "  #   until: 2027-09-30", "  []"]
    else:
        import json

        from cbam_exchange.checks.validate_file import validate_file

        doc = validate_file(file, None, [], [], [])[0]
        if "unreadable" in doc:
            from cbam_exchange.errors import UnreadableInput
            raise UnreadableInput(str(file), doc["unreadable"])
        for f in doc["findings"]:
            where = f"{f['location']['sheet']}!{f['location']['cell']}" if f["location"]["cell"] else \
                (f["location"]["path"] or "")
            body += [f"  # {f['rule']} {f['severity']} at {where}: {' '.join(f['message'].split())}",
                     f"  # - fingerprint: {f['fingerprint']}", f"  #   installation: {doc['installation']}",
                     f"  #   sha256: {doc['sha256']}", f"  #   rule: {f['rule']}", "  #   who: ", "  #   why: ",
                     "  #   until: ", ""]
        body.append("  []")
        body.insert(0, f"# Findings of {json.dumps(str(file), ensure_ascii=False)}: uncomment, fill who, why and until"
                       ", and remove the final []")
    write_text_atomic(output, _HEAD + "\n" + "\n".join(body) + "\n")
    info(f"wrote {output}")
