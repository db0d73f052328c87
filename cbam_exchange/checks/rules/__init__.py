"""Rule modules, one per family; importing this package registers every rule in the catalogue."""

from cbam_exchange.checks.rules import (arithmetic, carbon_price, definitive, electricity,  # noqa: F401
                                        identity, missing_zero, physics, precursors, reading, schema, units)
