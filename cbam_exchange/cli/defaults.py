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
