"""What every page shares: the layout's context (name, navigation), the
security headers, JSON or HTML by negotiation, and error pages that never show
a stack trace.

Every page answers as JSON too, with the same data: ``?format=json`` or an
``Accept`` header that prefers ``application/json`` over HTML. A view builds
one dict and hands it to :func:`respond`, which picks the form.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from hub.web import resources

log = logging.getLogger(__name__)

#: The main navigation: (label, path). Pages of other areas (compare, SPARQL)
#: are linked by path so the layout does not depend on which blueprints exist.
NAV = (
    ("Search", "/search"),
    ("Compare", "/compare"),
    ("SPARQL", "/sparql"),
    ("Sources", "/sources"),
)

#: Content-Security-Policy: nothing inline, nothing from another host.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def site_path(path: str) -> str:
    """A path of this deployment (honours a mount point below the host)."""
    return f"{request.script_root}{path}"


def safe_url(url: Any) -> str | None:
    """The URL when it is an absolute http(s) URL, else None: harvested values
    become links only when they cannot run script (no ``javascript:``,
    ``data:`` or relative tricks)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch in text for ch in "\x00\r\n\t<>\"'` "):
        return None
    return text


def wants_json() -> bool:
    """True when the client asked for JSON (``?format=json`` or Accept)."""
    fmt = request.args.get("format", "").lower()
    if fmt:
        return fmt == "json"
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and (
        request.accept_mimetypes["application/json"] > request.accept_mimetypes["text/html"]
    )


def respond(template: str, data: dict[str, Any], status: int = 200, **context: Any) -> Response:
    """The page as JSON or HTML (``data`` is the JSON; the template gets it as
    ``data`` plus any extra ``context``)."""
    if wants_json():
        response = jsonify(data)
        response.status_code = status
    else:
        response = Response(render_template(template, data=data, **context), status=status,
                            mimetype="text/html")
    response.vary.add("Accept")
    return response


def _nav_items() -> list[dict[str, Any]]:
    path = request.path
    return [
        {"label": label, "href": site_path(target),
         "current": path == target or path.startswith(target + "/")}
        for label, target in NAV
    ]


_TITLES = {
    400: "There is a problem with the request",
    404: "Page not found",
    405: "That method is not allowed here",
    500: "Sorry, there is a problem with the service",
}


def _error(exc: HTTPException) -> Response:
    status = exc.code or 500
    title = _TITLES.get(status, exc.name)
    description = exc.description if status != 500 else "Try again later."
    data = {"error": {"status": status, "title": title, "message": description}}
    response = respond("error.html", data, status=status)
    if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def init_app(app: Flask) -> None:
    @app.context_processor
    def layout_context() -> dict[str, Any]:
        return {
            "hub_name": resources.config()["hub.name"],
            "nav_items": _nav_items(),
            "site_path": site_path,
            "safe_url": safe_url,
        }

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        return _error(exc)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> Response:
        # Logged for the operator; the client gets a plain page, never a trace.
        log.exception("unhandled error on %s %s", request.method, request.path)
        from werkzeug.exceptions import InternalServerError

        return _error(InternalServerError())

    app.jinja_env.filters["safe_url"] = safe_url
