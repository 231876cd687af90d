"""/auth (token, login, logout), /me, one's own sessions and API tokens, and the
administrators' view of everyone's sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select

from vouch.audit import service as audit
from vouch.auth import service
from vouch.auth.models import AuthSession
from vouch.deps import (
    SESSION_COOKIE,
    Ctx,
    CurrentPrincipal,
    DbSession,
    now_of,
    origin_of,
    settings_of,
)
from vouch.errors import NotFound
from vouch.org.models import Department, User

router = APIRouter(tags=["auth"])
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # larger ids would overflow the database
NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL: refused as input (422)


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    password: str = Field(min_length=1, max_length=1024)


class BearerToken(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class LoginResult(BaseModel):
    csrf_token: str
    expires_at: datetime
    idle_timeout_seconds: int
    user: dict[str, Any]


class NewToken(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, pattern=NO_NUL)
    expires_at: AwareDatetime | None = None


def me_dict(ctx: Any) -> dict[str, Any]:
    user = ctx.session.get(User, ctx.actor_id)
    dept = ctx.session.get(Department, user.department_id)
    profile = ctx.profile
    return {
        "id": user.id, "username": user.username, "display_name": user.display_name,
        "email": user.email, "department": {"id": dept.id, "name": dept.name,
                                            "name_en": dept.name_en},
        "manager_id": user.manager_id,
        "roles": [{"id": r.id, "key": r.key, "name": r.name,
                   "expires_at": profile.role_expiry(r.id)} for r in profile.roles],
        "permissions": sorted(profile.permissions),
        "policy_version": profile.policy_version,
    }


@router.post("/auth/token", response_model=BearerToken,
             summary="Exchange a username and password for a bearer token (API clients)")
def token(body: Credentials, request: Request, session: DbSession) -> BearerToken:
    now, origin = now_of(request), origin_of(request)
    user = service.check_password(session, body.username, body.password, origin, now)
    issued = service.open_session(session, user, "bearer", origin, now, settings_of(request))
    return BearerToken(access_token=issued.secret, expires_at=issued.session.expires_at)


@router.post("/auth/login", response_model=LoginResult,
             summary="Sign in to the console: a session cookie plus a CSRF token")
def login(body: Credentials, request: Request, response: Response,
          session: DbSession) -> LoginResult:
    now, origin, settings = now_of(request), origin_of(request), settings_of(request)
    user = service.check_password(session, body.username, body.password, origin, now)
    issued = service.open_session(session, user, "cookie", origin, now, settings)
    response.set_cookie(SESSION_COOKIE, issued.secret, httponly=True, samesite="lax",
                        secure=settings.cookie_secure, path="/",
                        max_age=int(settings.session_absolute.total_seconds()))
    from vouch.context import RequestContext

    ctx = RequestContext.for_user(session, user.id, now)
    assert issued.session.csrf_token is not None
    return LoginResult(csrf_token=issued.session.csrf_token,
                       expires_at=issued.session.expires_at,
                       idle_timeout_seconds=int(settings.session_idle.total_seconds()),
                       user=me_dict(ctx))


class CsrfToken(BaseModel):
    csrf_token: str | None


@router.get("/auth/csrf", response_model=CsrfToken,
            summary="The CSRF token of the current cookie session (the console asks again "
                    "after a page reload; null for bearer tokens, which need none)")
def csrf_token(principal: CurrentPrincipal) -> CsrfToken:
    return CsrfToken(csrf_token=principal.csrf_token if principal.kind == "cookie" else None)


@router.post("/auth/logout", status_code=204, summary="End the current session")
def logout(request: Request, response: Response, principal: CurrentPrincipal,
           session: DbSession) -> Response:
    if principal.session_id is not None:
        row = session.get(AuthSession, principal.session_id)
        if row is not None:
            service.end_session(session, row, now_of(request), "logout")
            audit.record(session, origin_of(request, principal.user_id), "auth.logout",
                         object="session", record_id=row.id, at=now_of(request))
            session.commit()
    out = Response(status_code=204)
    out.delete_cookie(SESSION_COOKIE, path="/")
    return out


@router.get("/me", summary="The signed-in user, their roles and system permissions")
def me(ctx: Ctx) -> dict[str, Any]:
    return me_dict(ctx)


@router.get("/me/sessions", summary="My live sessions")
def my_sessions(ctx: Ctx, request: Request, principal: CurrentPrincipal) -> dict[str, Any]:
    rows = service.live_sessions(ctx.session, ctx.actor_id, ctx.now, settings_of(request))
    return {"items": [service.session_dict(r, principal.session_id) for r in rows]}


@router.delete("/me/sessions/{session_id}", status_code=204, summary="End one of my sessions")
def end_my_session(session_id: RowId, ctx: Ctx) -> Response:
    row = service.find_session(ctx.session, session_id)
    if row.user_id != ctx.actor_id:
        raise NotFound("session", session_id)
    _end(ctx, row, "ended_by_user")
    return Response(status_code=204)


@router.get("/sessions", summary="Everyone's live sessions (manage_users)")
def all_sessions(ctx: Ctx, request: Request,
                 user: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
                 ) -> dict[str, Any]:
    ctx.require("manage_users")
    q = select(AuthSession).where(AuthSession.ended_at.is_(None),
                                  AuthSession.expires_at > ctx.now)
    if user is not None:
        q = q.where(AuthSession.user_id == user)
    settings = settings_of(request)
    rows = [r for r in ctx.session.scalars(q.order_by(AuthSession.id).limit(1000))
            if r.kind != "cookie" or ctx.now < r.last_seen_at + settings.session_idle]
    return {"items": [service.session_dict(r) for r in rows]}


@router.delete("/sessions/{session_id}", status_code=204,
               summary="End anyone's session (manage_users)")
def end_any_session(session_id: RowId, ctx: Ctx) -> Response:
    ctx.require("manage_users")
    _end(ctx, service.find_session(ctx.session, session_id), "ended_by_admin")
    return Response(status_code=204)


def _end(ctx: Any, row: AuthSession, reason: str) -> None:
    service.end_session(ctx.session, row, ctx.now, reason)
    audit.record(ctx.session, ctx.origin, "auth.session_ended", object="session",
                 record_id=row.id, details={"user_id": row.user_id, "why": reason}, at=ctx.now)
    ctx.session.commit()


@router.get("/me/tokens", summary="My personal API tokens (never the secrets)")
def my_tokens(ctx: Ctx) -> dict[str, Any]:
    return {"items": [service.token_dict(t) for t in service.list_tokens(ctx.session,
                                                                         ctx.actor_id)]}


@router.post("/me/tokens", status_code=201,
             summary="Create a named API token; the secret is shown in this answer only")
def create_token(body: NewToken, ctx: Ctx, request: Request) -> dict[str, Any]:
    secret, row = service.create_token(ctx.session, ctx.actor_id, body.name, body.expires_at,
                                       ctx.now, settings_of(request), ctx.origin)
    return service.token_dict(row) | {"token": secret}


@router.delete("/me/tokens/{token_id}", status_code=204, summary="Revoke one of my API tokens")
def revoke_token(token_id: RowId, ctx: Ctx) -> Response:
    service.revoke_token(ctx.session, ctx.actor_id, token_id, ctx.now, ctx.origin)
    return Response(status_code=204)
