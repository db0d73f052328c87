"""The `cbam` command line. Exit codes: 0 done, nothing wrong; 1 done, findings of severity error;
2 input unreadable or usage error; 3 internal error (a bug: please report it)."""

from cbam_exchange.cli import (convert, defaults, diff, inspect, recompute, report, risk, rules,  # noqa: F401
                              validate, workspace)
from cbam_exchange.cli.app import main

__all__ = ["main"]
