"""HTML to PDF/A-3b with WeasyPrint: the one rendering path of the draft and the Annex IV reports.

Two costs are cut here, without changing a page:

- Importing WeasyPrint opens Pango, HarfBuzz and fontconfig through cffi, trying several names per library. cffi
  answers every name it cannot open directly with `ctypes.util.find_library`, which on Linux runs `ldconfig -p`,
  `gcc` and `ld` as subprocesses: about fifty of them, a quarter to half a second per command. Every list of names
  holds the library's soname (libpango-1.0.so.0 ...), which the dynamic loader opens directly, so on Linux the
  lookup is skipped while WeasyPrint imports: the same libraries load, from the same loader path.
- Independent documents (the two Annex IV reports) render at once on two cores: a forked child renders the first
  while this process renders the others. A fork shares the imported WeasyPrint, so the parallel rendering costs
  no more CPU than the sequential one (a second interpreter importing WeasyPrint again would: about 0.5 s, which a
  loaded machine turns into wall time). Where a fork is not safe or cannot pay (not Linux, threads running, no
  idle core, `CBAM_PDF_PARALLEL=0`) the documents render one after another; a child that fails or dies leaves its
  document to be rendered here, so a failure there never costs a report.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType


def weasyprint() -> ModuleType:
    """WeasyPrint, imported without the subprocesses of `ctypes.util.find_library` on Linux (module docstring)."""
    if "weasyprint" in sys.modules or sys.platform != "linux":
        import weasyprint as module

        return module
    import ctypes.util

    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None  # cffi then tries the next name: the soname, opened directly
    try:
        import weasyprint as module
    finally:
        ctypes.util.find_library = find_library
    return module


def render(html: str, stylesheet: Path, base_url: Path) -> bytes:
    """The PDF/A-3b of `html` styled by the stylesheet file `stylesheet`."""
    wp = weasyprint()
    return wp.HTML(string=html, base_url=str(base_url)).write_pdf(
        stylesheets=[wp.CSS(filename=str(stylesheet))], pdf_variant="pdf/a-3b")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def fork_pays() -> bool:
    """Whether a forked child may render a document beside this process: it is safe (Linux, no other thread) and
    a core is idle (load average below the cores less one), unless CBAM_PDF_PARALLEL says 1 (always where safe) or
    0 (never). On a busy machine the two renderings would only take turns on the same cores, and each pays the
    warm-up (fonts, cffi types) the other already paid: measured, slower than one after the other."""
    asked = os.environ.get("CBAM_PDF_PARALLEL", "")
    if asked == "0" or sys.platform != "linux" or threading.active_count() != 1:
        return False
    return asked == "1" or (_cores() >= 2 and os.getloadavg()[0] < _cores() - 1)


def _in_child(make: Callable[[], bytes], out: int) -> None:
    """The forked child: render, write the PDF to `out`, leave without running anything of the parent's."""
    code = 1
    try:
        data = make()
        with os.fdopen(out, "wb") as stream:
            stream.write(data)
        code = 0
    finally:
        os._exit(code)  # never returns into the caller's code (no atexit handlers, no buffers flushed twice)


def render_all(htmls: Sequence[str], stylesheet: Path, base_url: Path, *,
               parallel: bool | None = None) -> list[bytes]:
    """The PDF/A-3b of each HTML, in order; the first renders in a forked child where that pays (`parallel`: None
    decides by `fork_pays`)."""
    weasyprint()  # imported once, before a fork, so that the child shares it
    if len(htmls) < 2 or not (fork_pays() if parallel is None else parallel and sys.platform == "linux"):
        return [render(html, stylesheet, base_url) for html in htmls]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _in_child(lambda: render(htmls[0], stylesheet, base_url), write_end)
    os.close(write_end)
    answers = os.fdopen(read_end, "rb")
    try:
        rest = [render(html, stylesheet, base_url) for html in htmls[1:]]
        first = answers.read()
    finally:  # the pipe is closed first: a child still writing (this process failed) ends rather than blocks
        answers.close()
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        first = render(htmls[0], stylesheet, base_url)  # here it renders, or fails with this process's traceback
    return [first, *rest]
