"""Rule modules, one per family; importing this package registers every rule in the catalogue."""

from cbam_exchange.checks.rules import (arithmetic, carbon_price, electricity, identity, missing_zero,  # noqa: F401
                                        physics, precursors, reading, schema, units)
