"""`cbam defaults`: the default value that applies to a CN code and origin."""

from __future__ import annotations

import click

from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import guarded
from cbam_exchange.errors import UnreadableInput


@main.command()
@click.argument("cn_code")
@click.argument("country")
@click.option("--year", type=int, default=None, help="Year of import (mark-up); default: this year.")
@guarded
def defaults(cn_code: str, country: str, year: int | None) -> None:
    """Look up the default value for CN_CODE (4 to 10 digits, spaces or dots allowed) and COUNTRY (ISO 3166 code;
    'unknown' for Annex IV).

    Says whether the code is in Annex I and the origin priced (EU and Annex III origins are exempt), the table line
    used, the fallback taken (Other countries and territories, Annex IV) and the year's mark-up.
    """
    import datetime as dt

    from cbam_exchange.reference.scope import code_scope, origin

    scope = code_scope(cn_code)
    if scope.status == "invalid":
        raise UnreadableInput(cn_code, "not a CN code", found=cn_code, expected="4, 6, 8 or 10 digits")
    where = origin(country)
    if where.status == "invalid":
        raise UnreadableInput(country, where.reason, expected="an ISO 3166-1 code such as TR, or 'unknown'")
    if scope.status != "in":
        raise UnreadableInput(cn_code, scope.reason, expected=f"a CN code of a good in {scope.legal_reference}")
    if where.status == "exempt":
        click.echo(f"CN {scope.code} from {where.name}: no default value applies: {where.reason}")
        return
    _show(scope.code, where.code, year or dt.date.today().year, scope.warning)


def _show(cn: str, iso: str | None, year: int, warning: str | None) -> None:
    from cbam_exchange.reference.tables import default_value

    value = default_value(cn, iso, year)
    if value is None:
        raise UnreadableInput(cn, "no default value line for this code", location=iso or "Annex IV",
                              expected="a code listed in IR (EU) 2025/2621 Annex I or IV")

    def show(v: float | None) -> str:
        return "—" if v is None else f"{v:.3f}"

    click.echo(f"CN {value.cn_code} from {iso or 'an unknown country'}, imported in {value.year}")
    click.echo(f"  table            {value.table}, {value.matched}: {value.description}")
    if value.fallback:
        click.echo(f"  fallback         {value.fallback}")
    if warning:
        click.echo(f"  warning          {warning}")
    click.echo(f"  direct / indirect / total   {show(value.direct)} / {show(value.indirect)} / {show(value.total)} "
               f"tCO2e/t{f'  (route {value.route})' if value.route else ''}")
    markup = "—" if value.markup_pct is None else f"{value.markup_pct:g} %"
    click.echo(f"  mark-up {value.year}     {markup}  ->  total with mark-up {show(value.total_with_markup)} tCO2e/t")
    click.echo(f"  legal reference  {value.legal_reference}")
    click.echo(f"  confirmation     {value.confirmation}")
    if value.flags:
        click.echo(f"  flags            {', '.join(value.flags)}")
