"""The `cbam` command group; each command lives in a module of its own name beside this one."""

from __future__ import annotations

import click

from cbam_exchange import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cbam-exchange")
def main() -> None:
    """Read, check and recompute EU CBAM supplier submissions.

    FILE is a filled Commission "Communication template for installations" (.xlsx, versions 2.1 and 2.1.1) or a
    cbam-exchange JSON submission.

    \b
    Exit codes: 0 done, nothing wrong; 1 done, findings of severity error;
                2 input unreadable or usage error; 3 internal error.
    """
