"""`cbam rules`: the rule catalogue."""

from __future__ import annotations

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import guarded


@main.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def rules(code: str | None, fmt: str) -> None:
    """List the rule catalogue, or document one rule (CODE) with its rationale and examples."""
    import json

    from cbam_exchange.checks.catalogue import all_rules, describe

    chosen = [r for r in all_rules() if code is None or r.code.startswith(code.upper())]
    if not chosen:
        raise click.UsageError(f"no rule code starts with {code!r}")
    docs = [describe(r) for r in chosen]
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
