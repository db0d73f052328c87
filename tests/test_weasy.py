"""The one rendering path (render.weasy): documents rendered at once in a forked child come out as rendered one
after another, a child that dies or fails costs nothing, a failure here never leaves the child blocked, and
WeasyPrint imports without spawning `ctypes.util.find_library`'s subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("weasyprint")

from cbam_exchange.render import weasy  # noqa: E402
from cbam_exchange.report.pages import page_texts  # noqa: E402
from cbam_exchange.resources import data_dir  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="documents render at once only on Linux (fork)")
CSS = data_dir("templates") / "annex_iv" / "report.css"
BASE = data_dir("templates")


def document(title: str, lines: int) -> str:
    body = "".join(f"<p class='v'><span class='value'>{title} line {i}</span></p>" for i in range(lines))
    return f"<!DOCTYPE html><html lang='en'><body><h1>{title}</h1>{body}</body></html>"


def no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@linux_only
def test_documents_rendered_at_once_have_the_pages_of_those_rendered_one_after_another() -> None:
    htmls = [document("Operator's emissions report", 120), document("Summary report", 20)]
    together = weasy.render_all(htmls, CSS, BASE, parallel=True)
    apart = weasy.render_all(htmls, CSS, BASE, parallel=False)
    assert [page_texts(pdf) for pdf in together] == [page_texts(pdf) for pdf in apart]
    first, second = (page_texts(pdf) for pdf in together)
    assert len(first) > 1 and "Operator's emissions report line 119" in first[-1]  # in order, nothing cut
    assert second[0].startswith("Summary report") and "Summary report line 19" in second[-1]
    assert no_child_left()


@linux_only
def test_a_child_that_dies_leaves_its_document_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    parent, here = os.getpid(), []
    real = weasy.render

    def dying(html: str, stylesheet: Path, base_url: Path) -> bytes:
        if os.getpid() != parent:
            os._exit(3)  # the child dies before answering
        here.append(html)
        return real(html, stylesheet, base_url)

    monkeypatch.setattr(weasy, "render", dying)
    htmls = [document("First", 3), document("Second", 3)]
    pdfs = weasy.render_all(htmls, CSS, BASE, parallel=True)
    assert here == [htmls[1], htmls[0]]  # the second here, then the first again after the child died
    assert [page_texts(pdf)[0].split()[0] for pdf in pdfs] == ["First", "Second"]
    assert no_child_left()


@linux_only
def test_a_failure_here_ends_the_child_rather_than_leaving_it_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def big_there_failing_here(html: str, stylesheet: Path, base_url: Path) -> bytes:
        if os.getpid() != parent:
            return b"%" * (4 << 20)  # far more than a pipe holds: the child blocks writing until the pipe closes
        raise RuntimeError("layout failed here")

    monkeypatch.setattr(weasy, "render", big_there_failing_here)
    with pytest.raises(RuntimeError, match="layout failed here"):
        weasy.render_all(["<p>a</p>", "<p>b</p>"], CSS, BASE, parallel=True)
    assert no_child_left()


def test_parallel_rendering_off_by_the_environment_or_with_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CBAM_PDF_PARALLEL", "0")
    assert not weasy.fork_pays()
    monkeypatch.setenv("CBAM_PDF_PARALLEL", "1")
    assert weasy.fork_pays() == (sys.platform == "linux")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not weasy.fork_pays()  # forking beside another thread is not safe
    finally:
        stop.set()
        other.join()


@linux_only
def test_parallel_rendering_waits_for_an_idle_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CBAM_PDF_PARALLEL", raising=False)
    monkeypatch.setattr(weasy, "_cores", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.4, 2.0, 1.0))
    assert not weasy.fork_pays()
    monkeypatch.setattr(os, "getloadavg", lambda: (0.3, 0.5, 0.5))
    assert weasy.fork_pays()
    monkeypatch.setattr(weasy, "_cores", lambda: 1)
    assert not weasy.fork_pays()


@linux_only
def test_weasyprint_imports_without_find_library_subprocesses() -> None:
    probe = (
        "import subprocess, ctypes.util\n"
        "spawned = []\n"
        "real = subprocess.Popen.__init__\n"
        "def counting(self, args, *a, **k):\n"
        "    spawned.append(args)\n"
        "    real(self, args, *a, **k)\n"
        "subprocess.Popen.__init__ = counting\n"
        "find_library = ctypes.util.find_library\n"
        "from cbam_exchange.render.weasy import weasyprint\n"
        "wp = weasyprint()\n"
        "assert ctypes.util.find_library is find_library, 'find_library left replaced'\n"
        "assert wp.HTML(string='<p>x</p>').write_pdf().startswith(b'%PDF')\n"
        "print(len(spawned), spawned[:3])\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("0 "), out.stdout
