"""FastAPI dependencies shared by every router: who is calling, and their RequestContext."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from vouch.audit.service import Origin
from vouch.auth.service import Principal, resolve
from vouch.config import Settings
from vouch.context import RequestContext
from vouch.errors import ErrorType, NotAuthenticated, VouchError

SESSION_COOKIE = "vouch_session"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfRejected(VouchError):
    status, code, default_type = 403, "csrf_failed", ErrorType.AUTH_CSRF


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def now_of(request: Request) -> datetime:
    now: datetime = request.app.state.clock()
    return now


def request_id(request: Request) -> str:
    rid = getattr(request.state, "request_id", None)
    if rid is None:
        rid = request.state.request_id = uuid.uuid4().hex
    return str(rid)


def origin_of(request: Request, user_id: int | None = None) -> Origin:
    return Origin(user_id, request.client.host if request.client else None,
                  request.headers.get("user-agent"), request_id(request))


def db_session(request: Request) -> Iterator[Session]:
    with Session(engine_of(request), expire_on_commit=False) as session:
        yield session


DbSession = Annotated[Session, Depends(db_session)]


def _credentials(request: Request) -> tuple[str, bool] | None:
    """(secret, from_cookie): a bearer header wins over the cookie."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise NotAuthenticated("the Authorization header must be 'Bearer <token>'")
        return value.strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    return (cookie, True) if cookie else None


def current_principal(request: Request, session: DbSession) -> Principal:
    creds = _credentials(request)
    if creds is None:
        raise NotAuthenticated("sign in first: send a bearer token or the session cookie")
    secret, from_cookie = creds
    principal = resolve(session, secret, now_of(request), settings_of(request))
    if from_cookie and request.method in UNSAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not principal.csrf_token or not secrets.compare_digest(sent, principal.csrf_token):
            raise CsrfRejected(f"missing or wrong {CSRF_HEADER} header for a cookie session",
                               {"header": CSRF_HEADER})
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def request_context(request: Request, session: DbSession,
                    principal: CurrentPrincipal) -> RequestContext:
    now = now_of(request)
    ctx = RequestContext.for_user(
        session, principal.user_id, now,
        ip=request.client.host if request.client else None, request_id=request_id(request),
        user_agent=request.headers.get("user-agent"))
    if not ctx.profile.active:
        raise NotAuthenticated("the user is deactivated")
    return ctx


Ctx = Annotated[RequestContext, Depends(request_context)]


def no_store(headers: Any) -> None:
    headers["Cache-Control"] = "no-store"
