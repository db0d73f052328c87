"""Write tables/country_bounding_boxes.csv: one or more boxes per ISO 3166-1 country from Natural Earth's
1:110m admin-0 map subunits, as shipped by the PyPI package country-bounding-boxes."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "tables" / "country_bounding_boxes.csv"


def main() -> None:
    import country_bounding_boxes as cbb  # maintainer-only dependency
    from importlib.metadata import version

    source = (f"Natural Earth admin-0 map subunits via PyPI country-bounding-boxes {version('country-bounding-boxes')}"
              " (public domain)")
    by_a3 = {c.iso_a3: c.iso_a2 for c in cbb.countries if len(c.iso_a2) == 2}
    rows = []
    for c in cbb.countries:
        iso2 = c.iso_a2 if len(c.iso_a2) == 2 else by_a3.get(c.adm0_a3) or {"NOR": "NO", "FRA": "FR",
                                                                             "KOS": "XK"}.get(c.adm0_a3)
        if not iso2:
            continue
        west, south, east, north = c.bbox
        rows.append({"iso2": iso2, "subunit": c.name, "south": round(south, 4), "north": round(north, 4),
                     "west": round(west, 4), "east": round(east, 4), "source": source,
                     "confirmation": "CONFIRMED (generated from the dataset; 1:110m coastlines, small islands may "
                                     "be missing)"})
    rows.sort(key=lambda r: (r["iso2"], r["subunit"]))
    with TARGET.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} boxes for {len({r['iso2'] for r in rows})} countries -> {TARGET}", file=sys.stderr)


if __name__ == "__main__":
    main()
