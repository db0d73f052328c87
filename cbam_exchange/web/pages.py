"""Rendering a page: the user's language (a `lang` query parameter or cookie set by the selector, else the browser's
Accept-Language), the shared jinja2 environment (autoescaping: supplier text is data) and the security headers."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from cbam_exchange import __version__
from cbam_exchange.i18n import LANGUAGES, gettext_for, language, negotiate
from cbam_exchange.render.environment import html_environment

LANG_COOKIE = "cbam_lang"
HEADERS = {
    # no inline script, nothing from elsewhere; the chart is inline SVG
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def user_language(request: Request) -> str:
    return (language(request.query_params.get("lang")) or language(request.cookies.get(LANG_COOKIE))
            or negotiate(request.headers.get("accept-language")))


def secure(response: Response, request: Request | None = None) -> Response:
    response.headers.update(HEADERS)
    if request is not None and language(request.query_params.get("lang")):
        response.set_cookie(LANG_COOKIE, user_language(request), max_age=365 * 86400, samesite="lax",
                            httponly=True)
    return response


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = user_language(request)
    html = html_environment().get_template(f"web/{template}").render(
        _=gettext_for(lang), lang=lang, languages=LANGUAGES, path=request.url.path, version=__version__,
        query={k: v for k, v in request.query_params.items() if k != "lang"}, **context)
    return secure(HTMLResponse(html, status_code=status), request)


def error_page(request: Request, status: int, title: str, message: str, file: str | None = None) -> HTMLResponse:
    return page(request, "error.html.j2", status=status, title=title, message=message, file=file)
