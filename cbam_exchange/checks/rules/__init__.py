"""Rule modules, one per family or theme; importing this package registers every rule in the catalogue."""

from cbam_exchange.checks.rules import (arithmetic, balance, carbon_price, conditional, defaults,  # noqa: F401
                                        electricity, energy, finite_values, goods, identity, missing_zero,
                                        physics, place, precursors, process_emissions, reading, schema, sector,
                                        units)
