"""The `cbam` command group; each command lives in a module of its own name beside this one.

The group reads the project configuration ([tool.cbam] in pyproject.toml, or cbam.toml) and hands it to every
command as option defaults, so a command gets configuration, --color, -q/-v and --exit-zero without code of its own.
"""

from __future__ import annotations

from pathlib import Path

import click

from cbam_exchange import __version__
from cbam_exchange.cli.common import debug, global_parameters, no_colour_by_default


def version_text() -> str:
    """The toolkit, rule-set and reference-data versions: what decides a finding or a figure."""
    from cbam_exchange.checks.validate_file import rules_version
    from cbam_exchange.reference import calculation_constants
    from cbam_exchange.reference.tables import reference_version

    return (f"cbam-exchange {__version__}\n"
            f"rules {rules_version()}\n"
            f"reference data {reference_version()}\n"
            f"calculation constants {calculation_constants().version}")


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text())
        ctx.exit(0)


class CbamGroup(click.Group):
    """The top-level group: configuration becomes the commands' defaults before they parse their options."""

    def invoke(self, ctx: click.Context) -> object:
        no_colour_by_default(ctx)
        if not ctx.params.get("isolated"):
            from cbam_exchange.cli.config import checked, default_map, find_config, read_config
            from cbam_exchange.errors import UnreadableInput

            try:
                explicit = ctx.params.get("config")
                found = read_config(explicit) if explicit is not None else find_config(Path.cwd())
                if found is not None:
                    ctx.default_map = default_map(self, checked(*found))
                    ctx.meta["cbam.config"] = found[0]
            except UnreadableInput as exc:
                click.echo(f"error: {exc.describe()}", err=True)
                ctx.exit(2)
        return super().invoke(ctx)


@click.group(cls=CbamGroup, context_settings={"help_option_names": ["-h", "--help"]},
             params=global_parameters())
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the toolkit, rule-set and reference-data versions and exit.")
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Use this configuration file instead of looking for pyproject.toml/cbam.toml.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
def main(config: Path | None, isolated: bool) -> None:
    """Read, check and recompute EU CBAM supplier submissions.

    FILE is a filled Commission "Communication template for installations" (.xlsx, versions 2.1 and 2.1.1) or a
    cbam-exchange JSON submission; `-` reads it from standard input.

    \b
    Exit codes: 0 done, nothing wrong; 1 done, findings of severity error;
                2 input unreadable or usage error; 3 internal error.
    Settings from [tool.cbam] in pyproject.toml or cbam.toml (nearest at or above the current directory):
    select, ignore, waivers, year, format.
    """
    where = click.get_current_context().meta.get("cbam.config")
    if where is not None:
        debug(f"configuration: {where}")
