"""What every command shares: the exit-code contract, the guard that turns every failure into one line, the global
options every command accepts, messages that respect -q/-v, progress only on a terminal, and `-` for standard input.

Commands opt in with no code of their own: `install_global_options(main)` (called once the commands are imported)
adds --color, -q/--quiet, -v/--verbose and --exit-zero to every command, and `guarded` applies --exit-zero.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from cbam_exchange.errors import EXIT_FINDINGS, EXIT_UNREADABLE, UnreadableInput

EXIT_INTERNAL = 3
T = TypeVar("T")


@dataclass
class Settings:
    """Options that hold for the whole invocation, wherever on the command line they were given."""

    verbosity: int = 0  # -1 quiet, 0 normal, 1+ verbose
    exit_zero: bool = False


def settings() -> Settings:
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return Settings()
    return ctx.find_root().meta.setdefault("cbam.settings", Settings())


def _set_color(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """--color always|never|auto; auto (the default) honours NO_COLOR and colours only a terminal."""
    if value is None:
        return
    color = {"always": True, "never": False}.get(value)
    if value == "auto" and os.environ.get("NO_COLOR"):
        color = False
    node: click.Context | None = ctx
    while node is not None:  # click.echo reads the colour of the current context, which inherits it on creation
        node.color = color
        node = node.parent


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        settings().verbosity = -1


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        settings().verbosity = max(settings().verbosity, 0) + value


def _set_exit_zero(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        settings().exit_zero = True


def global_parameters() -> list[click.Parameter]:
    """The options every command and the `cbam` group itself accept (fresh objects for each command)."""
    return [
        click.Option(["--color"], type=click.Choice(["auto", "always", "never"]), default=None, expose_value=False,
                     callback=_set_color, help="Colour the output: auto (a terminal, unless NO_COLOR is set), "
                                               "always or never."),
        click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, callback=_set_quiet,
                     help="Print only the results: no progress, no 'wrote ...' messages."),
        click.Option(["-v", "--verbose"], count=True, expose_value=False, callback=_set_verbose,
                     help="Say more about what is done (which configuration file, how many workers)."),
        click.Option(["--exit-zero"], is_flag=True, expose_value=False, callback=_set_exit_zero,
                     help="Exit 0 even where findings of severity error remain (2 and 3 still mean failure)."),
    ]


def install_global_options(group: click.Group) -> None:
    """Add the global options to every command below `group` that does not have them yet."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            install_global_options(command)
        elif not any(p.name == "exit_zero" for p in command.params):
            command.params.extend(global_parameters())


def no_colour_by_default(ctx: click.Context) -> None:
    """NO_COLOR (https://no-color.org) switches colour off even on a terminal unless --color always is given."""
    if os.environ.get("NO_COLOR") and ctx.color is None:
        ctx.color = False


def info(message: str) -> None:
    """A message about what was done (stderr); -q silences it."""
    if settings().verbosity >= 0:
        click.echo(message, err=True)


def debug(message: str) -> None:
    """A message only -v shows (stderr)."""
    if settings().verbosity > 0:
        click.echo(message, err=True)


def progress(items: Iterable[T], length: int, label: str, minimum: int = 10) -> Iterator[T]:
    """Iterate with a progress bar on stderr, only where stderr is a terminal, the batch is long and not -q."""
    if length < minimum or settings().verbosity < 0 or not sys.stderr.isatty():
        yield from items
        return
    with click.progressbar(items, length=length, label=label, file=sys.stderr, show_pos=True) as bar:
        yield from bar


def guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every failure into one clear line and a documented exit code, never a traceback; apply --exit-zero."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except SystemExit as exc:
            if exc.code == EXIT_FINDINGS and settings().exit_zero:
                sys.exit(0)
            raise
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


class InputFile(click.Path):
    """An input file, or `-` for standard input (copied to a private temporary file, removed when the command
    ends, named stdin.json or stdin.xlsx by its first bytes so that the readers recognise it)."""

    def __init__(self) -> None:
        super().__init__(path_type=Path, dir_okay=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if str(value) != "-":
            return super().convert(value, param, ctx)
        data = sys.stdin.buffer.read()
        if not data:  # nothing piped, or a second `-` after the first read it all: not 'invalid JSON' in a temp file
            self.fail("standard input is empty (give `-` once, with the file piped in)", param, ctx)
        folder = Path(tempfile.mkdtemp(prefix="cbam-stdin-"))
        if ctx is not None:
            import shutil
            ctx.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
        suffix = ".xlsx" if data[:2] == b"PK" else (".xls" if data[:4] == b"\xd0\xcf\x11\xe0" else ".json")
        target = folder / f"stdin{suffix}"
        target.write_bytes(data)
        return target


FILE = click.Path(path_type=Path, dir_okay=False)
INPUT = InputFile()
JOBS = click.IntRange(min=0)
