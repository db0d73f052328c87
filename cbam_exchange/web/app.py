"""The web application: upload page, result pages, downloads, the rule catalogue and `POST /api/validate`.

Uploads are read into memory within the limits, handed to the worker processes (`workers.py`) and answered from
the in-memory store (`store.py`) under an opaque id; nothing is written where it could be served back, and nothing
is kept after the entry expires unless the server was started with a workspace folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from cbam_exchange.i18n import LANGUAGES, gettext_for, language
from cbam_exchange.resources import data_dir
from cbam_exchange.web import analysis
from cbam_exchange.web.pages import error_page, page, secure, user_language
from cbam_exchange.web.results import findings_document, result_context, rules_context, validation_json
from cbam_exchange.web.store import Entry, ResultStore
from cbam_exchange.web.workers import TaskFailed, Workers

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Settings:
    max_upload_mb: float = 25.0  # the whole request
    max_files: int = 10
    timeout: float = 60.0  # seconds per file (and per download made)
    workers: int = 2
    memory_limit_mb: int | None = 4096  # per worker process
    keep_minutes: float = 30.0  # how long a result and its downloads stay available
    capacity: int = 200  # results held at most
    held_mb: float = 512.0  # memory for held uploads and their downloads; the oldest results go first
    workspace: Path | None = None  # where uploads and their findings are kept, if anywhere


_NAME_BYTES = 120


def safe_name(filename: str | None) -> str:
    """The upload's own file name, reduced to a harmless base name (no folders, no leading dots), bounded to 120
    bytes of UTF-8 (a disk takes 255, and a name of 120 emoji is 480) with its extension kept: the readers go by it."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).lstrip(". ").strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem or not 0 < len(suffix) <= 8:
        stem, suffix = base, ""
    else:
        suffix = "." + suffix
    room = _NAME_BYTES - len(suffix.encode("utf-8"))
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").strip()
    return (stem + suffix) if stem else "upload"


class Uploads:
    """The routes' shared state: settings, store and workers."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = ResultStore(settings.keep_minutes * 60, settings.capacity, int(settings.held_mb * 1024 * 1024))
        self.workers: Workers | None = None

    # -- reading the request within the limits --------------------------------------------------------------------
    async def files(self, request: Request, _: Any) -> list[tuple[str, bytes]] | tuple[int, str]:
        """The uploaded files (name, bytes), or (status, message) saying which limit was hit."""
        s = self.settings
        length = request.headers.get("content-length")
        if length is None or not length.isdigit():
            return 411, _("The upload must state its length (Content-Length).")
        if int(length) > s.max_upload_mb * 1024 * 1024:
            return 413, _("The upload is {size:.1f} MB; this server accepts at most {limit:g} MB at once.").format(
                size=int(length) / 1024 / 1024, limit=s.max_upload_mb)
        try:
            form = await request.form(max_files=s.max_files + 1, max_fields=20)
        except HTTPException:
            return 400, _("The upload could not be read as a form with files (multipart/form-data).")
        uploads = [v for v in form.getlist("file") if isinstance(v, UploadFile) and v.filename]
        if len(uploads) > s.max_files:
            return 413, _("At most {limit} files can be checked at once.").format(limit=s.max_files)
        if not uploads:
            return 400, _("Choose a workbook (.xlsx) or a cbam-exchange JSON file to check.")
        out = []
        for upload in uploads:
            out.append((safe_name(upload.filename), await upload.read()))
            await upload.close()
        return out

    async def analyse(self, name: str, data: bytes) -> tuple[str | None, dict[str, Any] | None, str | None]:
        """(id, analysis, None) for a readable file; (None, analysis, message) for an unreadable one; (None, None,
        message) where the worker failed."""
        assert self.workers is not None
        try:
            result = await self.workers.run(analysis.analyse, data, name)
        except TaskFailed as exc:
            return None, None, f"{name}: {exc}"
        except Exception as exc:  # a bug in the toolkit: said plainly, as the CLI does with exit code 3
            return None, None, f"internal error: {type(exc).__name__}: {exc} (please report this with the input file)"
        if self.settings.workspace is not None:
            _keep(self.settings.workspace, name, data, result["document"])
        if result["unreadable"]:
            return None, result, result["unreadable"]
        return self.store.put(Entry(name, data, result)), result, None

    # -- pages ----------------------------------------------------------------------------------------------------
    async def index(self, request: Request) -> Response:
        return page(request, "index.html.j2", limits=self.settings)

    async def upload(self, request: Request) -> Response:
        _ = gettext_for(user_language(request))
        files = await self.files(request, _)
        if isinstance(files, tuple):
            return error_page(request, files[0], _("The upload was refused"), files[1])
        outcomes = await asyncio.gather(*(self.analyse(name, data) for name, data in files))
        if len(outcomes) == 1:
            key, _result, problem = outcomes[0]
            if key is None:
                return error_page(request, 422, _("The file could not be checked"), problem or "", files[0][0])
            return secure(RedirectResponse(f"/result/{key}", status_code=303))
        rows = [{"name": name, "id": key, "problem": problem,
                 "summary": result["document"]["summary"] if key else None}
                for (name, _data), (key, result, problem) in zip(files, outcomes)]
        return page(request, "uploads.html.j2", rows=rows)

    def entry(self, request: Request) -> Entry | None:
        return self.store.get(request.path_params["key"])

    async def result(self, request: Request) -> Response:
        entry = self.entry(request)
        if entry is None:
            return _expired(request)
        severities = request.query_params.getlist("severity")
        return page(request, "result.html.j2", key=request.path_params["key"],
                    **result_context(entry, user_language(request), severities))

    async def download(self, request: Request) -> Response:
        entry = self.entry(request)
        if entry is None:
            return _expired(request)
        lang, kind = user_language(request), request.path_params["kind"]
        stem = Path(entry.name).stem
        if kind == "findings.json":
            body = json.dumps(findings_document(entry, lang), indent=2, ensure_ascii=False) + "\n"
            return _attachment(body.encode("utf-8"), "application/json", f"{stem}.findings.json")
        assert self.workers is not None
        try:
            if kind == "annotated.xlsx" and entry.analysis["format"] == "ec-template":
                cached = f"annotated-{lang}"
                if cached not in entry.downloads:
                    from cbam_exchange.i18n.findings import localise
                    entry.downloads[cached] = await self.workers.run(
                        analysis.annotated_workbook, entry.data, entry.name, localise(entry.analysis["findings"], lang))
                return _attachment(entry.downloads[cached], _XLSX, f"{stem}.annotated.xlsx")
            if kind == "report.pdf":
                if "pdf" not in entry.downloads:
                    entry.downloads["pdf"] = await self.workers.run(analysis.report_draft, entry.data, entry.name)
                return _attachment(entry.downloads["pdf"], "application/pdf", f"{stem}.draft.pdf")
        except TaskFailed as exc:
            _ = gettext_for(lang)
            return error_page(request, 422, _("The download could not be made"), f"{entry.name}: {exc}")
        _ = gettext_for(lang)
        return error_page(request, 404, _("Not found"), kind)

    async def rules(self, request: Request) -> Response:
        return page(request, "rules.html.j2", **rules_context(user_language(request)))

    async def api_validate(self, request: Request) -> Response:
        """Exactly the JSON of `cbam validate --format json FILE` (in `?lang=`); 4xx with the one-line message."""
        _ = gettext_for("en")
        asked = request.query_params.get("lang")
        lang = language(asked) if asked else "en"  # as the pages read it: zh-CN is zh, TR is tr
        if lang is None:  # `cbam validate --lang xx` is a usage error too; English without a word would not say so
            return _json({"error": f"lang must be one of {', '.join(LANGUAGES)} (found {asked!r})"}, 400)
        files = await self.files(request, _)
        if isinstance(files, tuple):
            return _json({"error": files[1]}, files[0])
        if len(files) != 1:
            return _json({"error": "send exactly one file in the multipart field 'file'"}, 400)
        name, data = files[0]
        key, result, problem = await self.analyse(name, data)
        if result is None:
            return _json({"error": problem}, 422)
        if key is None:
            return _json(validation_json(result["document"]), 422)
        return _json(findings_document(self.store.get(key), lang), 200)  # type: ignore[arg-type]


def _json(doc: dict[str, Any], status: int) -> Response:
    body = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"  # as `cbam validate --format json` prints it
    return secure(Response(body, status_code=status, media_type="application/json"))


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return secure(Response(data, media_type=media_type, headers={"Content-Disposition": disposition}))


def _expired(request: Request) -> Response:
    _ = gettext_for(user_language(request))
    return error_page(request, 404, _("This result is no longer available"),
                      _("Results are kept only for a while and never stored; please upload the file again."))


def _keep(workspace: Path, name: str, data: bytes, document: dict[str, Any]) -> None:
    """With a workspace: the upload and its findings, in a folder named by the file's hash."""
    from cbam_exchange.writers.atomic import atomic_output

    folder = workspace / (document.get("sha256") or "unreadable")
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_output(folder / name) as tmp:
        tmp.write_bytes(data)
    with atomic_output(folder / f"{name}.findings.json") as tmp:
        tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def create_app(settings: Settings | None = None) -> Starlette:
    uploads = Uploads(settings or Settings())

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        s = uploads.settings
        uploads.workers = Workers(s.workers, s.timeout, (s.memory_limit_mb or 0) * 1024 * 1024 or None)
        try:
            yield
        finally:
            uploads.workers.close()

    static = data_dir("templates") / "web"

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        media = {"cbam.css": "text/css", "cbam.js": "text/javascript"}.get(name)
        if media is None:
            return secure(Response("not found", status_code=404))
        return secure(FileResponse(static / name, media_type=media))

    routes = [
        Route("/", uploads.index), Route("/upload", uploads.upload, methods=["POST"]),
        Route("/result/{key}", uploads.result), Route("/result/{key}/{kind}", uploads.download),
        Route("/rules", uploads.rules), Route("/api/validate", uploads.api_validate, methods=["POST"]),
        Route("/static/{name}", asset),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
