"""The FastAPI application: routers under /api/v1, error bodies, request ids, no-store,
and the web console at `/`."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vouch.audit import service as audit
from vouch.config import Settings, database_url_from_env
from vouch.console import CONSOLE_DIR, ConsoleFiles
from vouch.deps import origin_of
from vouch.error_bodies import ERROR_RESPONSES, ErrorJSON, validation_body
from vouch.errors import ErrorType, VouchError, is_denial
from vouch.types import utcnow
from vouch.workflow.api_common import mail_after_commit

API = "/api/v1"
log = logging.getLogger("vouch.app")


JSON_BODY_LIMIT = 1024 * 1024  # a JSON request body is never legitimately larger
# Starlette's own errors (no route, wrong method…): code and type.
HTTP_ERRORS = {404: ("not_found", ErrorType.NOT_FOUND),
               405: ("method_not_allowed", ErrorType.METHOD_NOT_ALLOWED),
               413: ("too_large", ErrorType.TOO_LARGE)}


class RequestIdAndNoStore:
    """Pure ASGI middleware: a request id on every response, `Cache-Control: no-store` on
    every API response (they carry record data or access configuration), and a 413 for a
    body declared larger than the limit (uploads: the upload limit; anything else: 1 MiB)
    before any of it is read."""

    def __init__(self, app: ASGIApp, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers_in = dict(scope["headers"])
        declared = headers_in.get(b"content-length", b"").decode("latin-1")
        multipart = headers_in.get(b"content-type", b"").startswith(b"multipart/")
        limit = self.upload_limit + 64 * 1024 if multipart else JSON_BODY_LIMIT
        if declared.isdigit() and int(declared) > limit:
            response = JSONResponse({"error": {
                "code": "too_large", "type": ErrorType.TOO_LARGE.value,
                "message": f"the request body is larger than {limit} bytes",
                "details": {"limit": limit}}}, status_code=413)
            await response(scope, receive, send)
            return
        incoming = headers_in.get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        is_api = scope["path"].startswith(API)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode()))
                if is_api:
                    headers.append((b"cache-control", b"no-store"))
                headers.append((b"x-content-type-options", b"nosniff"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _audit_denial(request: Request, exc: VouchError) -> None:
    principal = getattr(request.state, "principal", None)
    if principal is None:
        return
    details = {"code": exc.code, "type": exc.error_type.value, "message": exc.message,
               "status": exc.status, "method": request.method,
               "path": request.url.path} | exc.details
    try:
        audit.record_now(request.app.state.engine, origin_of(request, principal.user_id),
                         "access.denied", object=exc.details.get("object"),
                         record_id=exc.details.get("id"), details=details)
    except Exception:  # the denial itself must still be answered
        log.exception("could not audit a denial")


def create_app(engine: Engine | None = None, settings: Settings | None = None,
               clock: Callable[[], datetime] = utcnow,
               console_dir: Path = CONSOLE_DIR) -> FastAPI:
    from vouch.db import engine_for

    app = FastAPI(
        title="Vouch API", version="1", openapi_url=f"{API}/openapi.json",
        # No interactive docs page: FastAPI's loads Swagger UI from a CDN, and Vouch fetches
        # nothing at run time. The OpenAPI document is the reference.
        docs_url=None, redoc_url=None,
        description="A CRM whose heart is permission management. Errors always have the "
                    'body {"error": {"code", "type", "message", "details"}}: `type` is the '
                    "precise, stable kind of the error and `details` its parameters (see "
                    "the ErrorBody schema for every type); `message` is English.",
    )
    app.state.engine = engine or engine_for(database_url_from_env())
    app.state.settings = settings or Settings.from_env()
    app.state.clock = clock

    @app.exception_handler(VouchError)
    async def vouch_error(request: Request, exc: VouchError) -> JSONResponse:
        if is_denial(exc):
            from starlette.concurrency import run_in_threadpool

            await run_in_threadpool(_audit_denial, request, exc)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return ErrorJSON(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return ErrorJSON(validation_body(exc), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, error_type = HTTP_ERRORS.get(exc.status_code,
                                           ("http_error", ErrorType.BAD_REQUEST))
        return JSONResponse({"error": {"code": code, "type": error_type.value,
                                       "message": str(exc.detail), "details": {}}},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse({"error": {"code": "internal", "type": ErrorType.INTERNAL.value,
                                       "message": "internal error; the request id names "
                                       "it in the server log",
                                       "details": {"request_id": getattr(
                                           request.state, "request_id", None)}}},
                            status_code=500)

    for router in _routers():
        # Every route mails the notifications its transaction committed, once done.
        app.include_router(router, prefix=API, responses=ERROR_RESPONSES,
                           dependencies=[Depends(mail_after_commit)])
    # Added first, so inside RequestIdAndNoStore: console responses get request ids too.
    app.add_middleware(ConsoleFiles, directory=console_dir)
    app.add_middleware(RequestIdAndNoStore, upload_limit=app.state.settings.max_upload_bytes)
    return app


def _routers() -> list[APIRouter]:
    from vouch.access.api import router as access_router
    from vouch.access.whatif_api import router as whatif_router
    from vouch.audit.api import router as audit_router
    from vouch.auth.api import router as auth_router
    from vouch.configcode.api import router as config_router
    from vouch.org.api import router as org_router
    from vouch.records.api import router as records_router
    from vouch.records.reports_api import router as reports_router
    from vouch.workflow.notifications_api import router as notifications_router
    from vouch.workflow.requests_api import router as requests_router
    from vouch.workflow.reviews_api import router as reviews_router
    from vouch.workflow.settings_api import router as workflow_settings_router

    # Records last: their paths are generated per object from the catalog.
    return [auth_router, audit_router, access_router, whatif_router, org_router, reports_router,
            reviews_router, config_router, workflow_settings_router, requests_router,
            notifications_router, records_router]
