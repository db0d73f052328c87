"""What every command shares: the exit-code contract and the guard that turns every failure into one line."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cbam_exchange.errors import EXIT_UNREADABLE, UnreadableInput

EXIT_INTERNAL = 3

FILE = click.Path(path_type=Path, dir_okay=False)


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every failure into one clear line and a documented exit code, never a traceback."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UnreadableInput as exc:
            click.echo(f"error: {exc.describe()}", err=True)
            sys.exit(EXIT_UNREADABLE)
        except click.exceptions.Exit:
            raise
        except BrokenPipeError:  # the reader of our output (e.g. head) closed the pipe: not an error of ours
            sys.stderr.close()
            sys.exit(0)
        except (click.ClickException, click.Abort):
            raise
        except OSError as exc:
            click.echo(f"error: {exc.filename or ''}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_UNREADABLE)
        except Exception as exc:  # a bug in the toolkit, reported without a traceback
            click.echo(f"internal error: {type(exc).__name__}: {exc} (please report this with the input file)",
                       err=True)
            sys.exit(EXIT_INTERNAL)

    return run


def codes(values: tuple[str, ...]) -> list[str]:
    """Rule codes given as repeated and/or comma-separated options."""
    return [c.strip() for v in values for c in v.split(",") if c.strip()]
