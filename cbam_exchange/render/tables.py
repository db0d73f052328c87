"""Plain-text tables laid out by rich (column widths from the content, long cells wrapped, never cut)."""

from __future__ import annotations

import io
from collections.abc import Sequence


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = (), width: int = 200,
          title: str | None = None) -> str:
    """The table as text without colour codes; columns in `right` are right-aligned (numbers)."""
    from rich.box import SIMPLE_HEAD
    from rich.console import Console
    from rich.table import Table

    grid = Table(*headers, box=SIMPLE_HEAD, title=title, show_edge=False, pad_edge=False, title_justify="left")
    for k, column in enumerate(grid.columns):
        column.justify = "right" if k in right else "left"
        column.overflow = "fold"
    for row in rows:
        grid.add_row(*row)
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, force_terminal=False, soft_wrap=False).print(grid)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
