"""The `cbam` command line. Exit codes: 0 done, nothing wrong; 1 done, findings of severity error;
2 input unreadable or usage error; 3 internal error (a bug: please report it)."""

from cbam_exchange.cli import (convert, defaults, diff, inspect, recompute, report, risk, rules,  # noqa: F401
                               serve, validate, waivers, workspace)
from cbam_exchange.cli.app import main
from cbam_exchange.cli.common import install_global_options

install_global_options(main)  # every command, including those added later in the modules above

__all__ = ["main"]
