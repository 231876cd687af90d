"""The web console's files at `/`: the built bundle (web/ → static/console/), with
index.html for every other path outside /api so that the console's own routes work on a
reload. /api stays the API's alone: unknown API paths keep their JSON 404."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import anyio.to_thread
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

# VOUCH_CONSOLE_DIR serves a bundle built elsewhere (`vite build --outDir …`): two
# people building the console at once in one checkout do not overwrite each other's.
CONSOLE_DIR = Path(os.environ.get("VOUCH_CONSOLE_DIR")
                   or Path(__file__).parent / "static" / "console")

# Vite names every file under assets/ by its content hash: safe to keep for a year.
IMMUTABLE = "public, max-age=31536000, immutable"
# Ant Design writes its styles at run time (<style> elements): inline styles are needed;
# scripts come only from this origin, and nothing is fetched from anywhere else.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vouch: console not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">
<h1>The Vouch console is not built</h1>
<p>This server has no console bundle in <code>{where}</code>. In the source tree, run
<code>make run</code> (it builds the console, then serves it), or <code>make console</code>
to build it only, and reload this page.</p>
<p lang="zh-CN">控制台尚未构建。请在源代码目录中运行 <code>make run</code>（或只构建：
<code>make console</code>），然后刷新本页。</p>
<p>The API is served meanwhile at <a href="/api/v1/openapi.json">/api/v1</a>.</p>
</body></html>
"""


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class ConsoleFiles:
    """Pure ASGI middleware: GET and HEAD outside /api are the console's; everything else
    goes on to the API application."""

    def __init__(self, app: ASGIApp, directory: Path = CONSOLE_DIR) -> None:
        self.app = app
        self.directory = directory
        self.files = StaticFiles(directory=directory, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or is_api_path(scope["path"])
                or scope["method"] not in ("GET", "HEAD")):
            await self.app(scope, receive, send)
            return
        response = await anyio.to_thread.run_sync(self.response_for, scope)
        await response(scope, receive, send)

    def response_for(self, scope: Scope) -> Response:
        index, index_stat = self.files.lookup_path("index.html")
        if index_stat is None or not stat.S_ISREG(index_stat.st_mode):
            return HTMLResponse(NOT_BUILT.format(where=self.directory), status_code=503,
                                headers={"Cache-Control": "no-store"})
        try:
            relative = self.files.get_path(scope)
            full, found = self.files.lookup_path(relative)
        except (ValueError, OSError):  # NUL bytes, names too long: no such file
            relative, full, found = "", "", None
        if relative not in ("", ".") and found is not None and stat.S_ISREG(found.st_mode):
            response = self.files.file_response(full, found, scope)
            hashed = relative.startswith("assets/")
            response.headers["Cache-Control"] = IMMUTABLE if hashed else "no-cache"
            return response
        last = scope["path"].rsplit("/", 1)[-1]
        if "." in last:  # a file that is not there (an old asset), not a console route
            return PlainTextResponse("not found", status_code=404,
                                     headers={"Cache-Control": "no-cache"})
        response = self.files.file_response(index, index_stat, scope)
        response.headers.update(PAGE_HEADERS)
        return response
