"""HTML to PDF/A-3b with WeasyPrint: the one rendering path of the draft and the Annex IV reports.

Costs cut here, without changing a page:

- Importing WeasyPrint opens Pango, HarfBuzz and fontconfig through cffi, trying several names per library. cffi
  answers every name it cannot open directly with `ctypes.util.find_library`, which on Linux runs `ldconfig -p`,
  `gcc` and `ld` as subprocesses: about fifty of them, a quarter to half a second per command. Every list of names
  holds the library's soname (libpango-1.0.so.0 ...), which the dynamic loader opens directly, so on Linux the
  lookup is skipped while WeasyPrint imports: the same libraries load, from the same loader path.
- Importing overlaps reading: a child forked before the HTML exists imports WeasyPrint while this process reads
  and checks the submission, then renders the documents it is sent (`Early`: the draft, the draft again in
  `check`, the Annex IV reports). This process never imports WeasyPrint then, so the overlap costs no CPU; it
  pays wherever the second core has any time to give.
- Independent documents (the two Annex IV reports) render at once: a forked child renders the first while its
  parent renders the others (`render_all`). Each process then warms WeasyPrint up for its own document (fonts,
  cffi types): about 0.2 s of CPU more than one after the other, so it is done only where a core is idle.

A fork is never made where it is not safe (not Linux, other threads running) or with `CBAM_PDF_PARALLEL=0`; `1`
makes it wherever it is safe. A child that fails or dies leaves its document to be rendered here, so a failure
there never costs a report.
"""

from __future__ import annotations

import os
import signal
import struct
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

_LENGTH = struct.Struct(">Q")  # the length before each document sent to or from an early child


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


def fork_pays(*, idle_core: bool) -> bool:
    """Whether a forked child may render beside this process: safe, two cores, and (`idle_core`, for work that
    costs more CPU that way) a load average below the cores less one; CBAM_PDF_PARALLEL=0/1 decides otherwise."""
    asked = os.environ.get("CBAM_PDF_PARALLEL", "")
    if asked == "0" or sys.platform != "linux" or threading.active_count() != 1:
        return False
    return asked == "1" or (_cores() >= 2 and (not idle_core or os.getloadavg()[0] < _cores() - 1))


def _in_child(make: Callable[[], bytes], out: int) -> None:
    """The forked child: render, write the PDF to `out`, leave without running anything of the parent's."""
    code = 1
    try:
        _send(out, make())
        code = 0
    finally:
        os._exit(code)  # never returns into the caller's code (no atexit handlers, no buffers flushed twice)


def _send(fd: int, data: bytes) -> None:
    """Write all of `data` to the pipe `fd` and close it (raises BrokenPipeError if the reader is gone)."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _receive(fd: int) -> bytes:
    with os.fdopen(fd, "rb") as stream:
        return stream.read()


def _exited_well(pid: int) -> bool:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _frames(parts: Sequence[bytes]) -> bytes:
    return b"".join(_LENGTH.pack(len(part)) + part for part in parts)


def _unframe(data: bytes) -> list[bytes]:
    """The parts of `_frames`; a cut-off stream raises ValueError."""
    parts, at = [], 0
    while at < len(data):
        (length,) = _LENGTH.unpack_from(data, at)
        at += _LENGTH.size
        if at + length > len(data):
            raise ValueError("cut off")
        parts.append(data[at:at + length])
        at += length
    return parts


class Early:
    """Renders documents in a child forked at construction, before their HTML exists (module docstring); use as a
    context manager so that a child whose documents never come is ended."""

    def __init__(self, stylesheet: Path, base_url: Path, *, parallel: bool | None = None) -> None:
        self.stylesheet, self.base_url = stylesheet, base_url
        self._child: tuple[int, int, int] | None = None
        wanted = fork_pays(idle_core=False) if parallel is None else parallel and sys.platform == "linux"
        if not wanted or "weasyprint" in sys.modules:  # already imported: nothing left to overlap
            return
        html_read, html_write = os.pipe()
        pdf_read, pdf_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(html_write)
            os.close(pdf_read)
            _in_child(lambda: self._render_sent(html_read), pdf_write)
        os.close(html_read)
        os.close(pdf_write)
        self._child = (pid, html_write, pdf_read)

    def _render_sent(self, html_read: int) -> bytes:
        weasyprint()  # while the parent reads the submission
        htmls = [part.decode("utf-8") for part in _unframe(_receive(html_read))]
        return _frames(render_all(htmls, self.stylesheet, self.base_url))  # at once too, where a core is idle

    def render(self, html: str) -> bytes:
        """The PDF/A-3b of `html`: from the child where there is one, else rendered here."""
        return self.render_all([html])[0]

    def render_all(self, htmls: Sequence[str]) -> list[bytes]:
        """The PDF/A-3b of each HTML, in order: from the child where there is one, else rendered here."""
        child, self._child = self._child, None
        if child is None:
            return render_all(htmls, self.stylesheet, self.base_url)
        pid, html_write, pdf_read = child
        try:
            _send(html_write, _frames([html.encode("utf-8") for html in htmls]))
        except BrokenPipeError:
            pass  # the child died: its answer is empty and its exit status says so
        answer = _receive(pdf_read)
        if _exited_well(pid):
            pdfs = _unframe(answer)
            if len(pdfs) == len(htmls):
                return pdfs
        return render_all(htmls, self.stylesheet, self.base_url)  # here, or fails with this process's traceback

    def __enter__(self) -> Early:
        return self

    def __exit__(self, *_: object) -> None:
        child, self._child = self._child, None
        if child is not None:  # the documents never came (this process failed first): end the child, ours
            pid, html_write, pdf_read = child
            os.kill(pid, signal.SIGKILL)
            os.close(html_write)
            os.close(pdf_read)
            os.waitpid(pid, 0)


def render_all(htmls: Sequence[str], stylesheet: Path, base_url: Path, *,
               parallel: bool | None = None) -> list[bytes]:
    """The PDF/A-3b of each HTML, in order; the first renders in a forked child where that pays (`parallel`: None
    decides by `fork_pays`)."""
    weasyprint()  # imported once, before a fork, so that the child shares it
    wanted = fork_pays(idle_core=True) if parallel is None else parallel and sys.platform == "linux"
    if len(htmls) < 2 or not wanted:
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
        well = _exited_well(pid)
    if not well:
        first = render(htmls[0], stylesheet, base_url)  # here it renders, or fails with this process's traceback
    return [first, *rest]
