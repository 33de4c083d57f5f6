"""Serves the browser application in ``web_client/`` and its npm-installed dependencies.

Every page and script comes from this origin (a strict Content-Security-Policy):
a join token in a page must never be readable by a script from elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from .api import Handler
from .errors import ConfigError

#: ``web_client/`` beside the packages (the server runs from its source tree or an
#: editable install, as deploy/README.md describes).
WEB_CLIENT = Path(__file__).resolve().parents[1] / "web_client"
SOCKET_IO_DIST = WEB_CLIENT / "node_modules" / "socket.io-client" / "dist"

_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' ws: wss:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(self), microphone=(self), display-capture=(self)",
}


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    for name, value in _SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _page(name: str) -> Handler:
    async def serve(request: web.Request) -> web.FileResponse:
        # The page itself is small and changes with releases; never serve a stale one.
        return web.FileResponse(WEB_CLIENT / name, headers={"Cache-Control": "no-cache"})

    return serve


def add_pages(app: web.Application) -> None:
    # ``/`` is the desk (login, referrals, inbox, schedule, opinions); a join link
    # (``/join#token=...``) and a review link open the call application.
    app.router.add_get("/", _page("desk.html"))
    for path in ("/join", "/review"):
        app.router.add_get(path, _page("index.html"))
    app.router.add_static("/app/", WEB_CLIENT / "src", append_version=False)
    if not SOCKET_IO_DIST.is_dir():
        # Without it every page would load and then fail to connect: say so at start-up.
        raise ConfigError(
            f"{SOCKET_IO_DIST} is missing: run `npm ci` in {WEB_CLIENT} (scripts/dev does)"
        )
    app.router.add_static("/vendor/socket.io/", SOCKET_IO_DIST)
