"""The one rendering path (render.weasy): documents rendered in a forked child (early, or at once) come out as
rendered here, a child that dies or fails costs nothing, a failure here never leaves a child behind, and WeasyPrint
imports without spawning `ctypes.util.find_library`'s subprocesses."""

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


def children() -> set[int]:
    """This process's children, zombies included (Linux lists them per thread). The test process has children of
    its own (servers other tests started), so a test compares the set before and after rather than expect none."""
    return {int(pid) for task in Path("/proc/self/task").iterdir()
            for pid in (task / "children").read_text().split()}


@pytest.fixture
def single_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """fork_pays as in a command's process, which has one thread (other tests may leave threads in this one)."""
    monkeypatch.setattr(weasy.threading, "active_count", lambda: 1)


@linux_only
def test_documents_rendered_at_once_have_the_pages_of_those_rendered_one_after_another() -> None:
    before = children()
    htmls = [document("Operator's emissions report", 120), document("Summary report", 20)]
    together = weasy.render_all(htmls, CSS, BASE, parallel=True)
    apart = weasy.render_all(htmls, CSS, BASE, parallel=False)
    assert [page_texts(pdf) for pdf in together] == [page_texts(pdf) for pdf in apart]
    first, second = (page_texts(pdf) for pdf in together)
    assert len(first) > 1 and "Operator's emissions report line 119" in first[-1]  # in order, nothing cut
    assert second[0].startswith("Summary report") and "Summary report line 19" in second[-1]
    assert children() <= before


@linux_only
def test_a_child_that_dies_leaves_its_document_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    parent, here, before = os.getpid(), [], children()
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
    assert children() <= before


@linux_only
def test_a_failure_here_ends_the_child_rather_than_leaving_it_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    parent, before = os.getpid(), children()

    def big_there_failing_here(html: str, stylesheet: Path, base_url: Path) -> bytes:
        if os.getpid() != parent:
            return b"%" * (4 << 20)  # far more than a pipe holds: the child blocks writing until the pipe closes
        raise RuntimeError("layout failed here")

    monkeypatch.setattr(weasy, "render", big_there_failing_here)
    with pytest.raises(RuntimeError, match="layout failed here"):
        weasy.render_all(["<p>a</p>", "<p>b</p>"], CSS, BASE, parallel=True)
    assert children() <= before


def test_parallel_rendering_off_by_the_environment_or_with_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CBAM_PDF_PARALLEL", "0")
    assert not weasy.fork_pays(idle_core=False)
    monkeypatch.setenv("CBAM_PDF_PARALLEL", "1")
    with monkeypatch.context() as one:
        one.setattr(weasy.threading, "active_count", lambda: 1)
        assert weasy.fork_pays(idle_core=True) == (sys.platform == "linux")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not weasy.fork_pays(idle_core=False)  # forking beside another thread is not safe
    finally:
        stop.set()
        other.join()


@linux_only
def test_parallel_rendering_waits_for_an_idle_core(monkeypatch: pytest.MonkeyPatch, single_thread: None) -> None:
    monkeypatch.delenv("CBAM_PDF_PARALLEL", raising=False)
    monkeypatch.setattr(weasy, "_cores", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.4, 2.0, 1.0))
    assert not weasy.fork_pays(idle_core=True)
    assert weasy.fork_pays(idle_core=False)  # the early child costs no CPU: it needs no idle core
    monkeypatch.setattr(os, "getloadavg", lambda: (0.3, 0.5, 0.5))
    assert weasy.fork_pays(idle_core=True)
    monkeypatch.setattr(weasy, "_cores", lambda: 1)
    assert not weasy.fork_pays(idle_core=True) and not weasy.fork_pays(idle_core=False)


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


EARLY = """
import os, signal, sys
from cbam_exchange.render.weasy import Early, render
from cbam_exchange.report.pages import page_texts
from cbam_exchange.resources import data_dir

css, base = data_dir("templates") / "report" / "draft.css", data_dir("templates")
html = "<!DOCTYPE html><html lang='en'><body><h1>Early draft</h1>" + "".join(
    f"<table><tr><th>Row {i}</th><td>{i * 1234.5:,.1f}</td></tr></table>" for i in range(200)) + "</body></html>"

def no_child_left():
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False

case = sys.argv[1]
early = Early(css, base)
child = early._child
if case == "off":
    print("child" if child else "no child")
    sys.exit(0)
assert child is not None and "weasyprint" not in sys.modules  # forked; this process never imported WeasyPrint
if case == "renders":
    pdf = early.render(html)
    assert "weasyprint" not in sys.modules, "rendered here, not in the child"
elif case == "dies":
    os.kill(child[0], signal.SIGKILL)
    pdf = early.render(html)  # the child is gone: rendered here instead
    assert "weasyprint" in sys.modules
elif case == "two":  # two documents: the child renders them (at once, CBAM_PDF_PARALLEL=1) and keeps the order
    other = html.replace("Early draft", "Second document")
    pdf, second = early.render_all([html, other])
    assert "weasyprint" not in sys.modules
    assert page_texts(second) == page_texts(render(other, css, base)) and "Second document" in page_texts(second)[0]
elif case == "abandoned":
    with early:
        pass  # this process failed before the HTML existed
    assert no_child_left()
    print("ended")
    sys.exit(0)
assert no_child_left()
assert page_texts(pdf) == page_texts(render(html, css, base)), "pages differ from those rendered here"
print(len(page_texts(pdf)), "pages")
"""


def early(case: str, parallel: str = "1") -> str:
    out = subprocess.run([sys.executable, "-c", EARLY, case], capture_output=True, text=True, cwd=ROOT, timeout=300,
                         env={**os.environ, "CBAM_PDF_PARALLEL": parallel})
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@linux_only
def test_an_early_child_renders_the_pages_this_process_would() -> None:
    answer = early("renders")
    assert answer.endswith("pages") and answer != "1 pages", answer  # several pages came back whole


@linux_only
def test_an_early_child_renders_several_documents_in_order() -> None:
    assert early("two").endswith("pages")


@linux_only
def test_an_early_child_that_dies_leaves_the_document_to_this_process() -> None:
    assert early("dies").endswith("pages")


@linux_only
def test_an_early_child_whose_document_never_comes_is_ended() -> None:
    assert early("abandoned") == "ended"


def test_no_early_child_with_parallel_rendering_off() -> None:
    assert early("off", parallel="0") == "no child"
