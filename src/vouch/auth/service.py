"""Logins, server-side sessions, bearer tokens and personal API tokens.

Secrets are random (256 bits) and only their SHA-256 digests are stored, so a copy of the
database does not let anyone sign in. Every login, success or failure, is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vouch.audit import service as audit
from vouch.audit.service import Origin
from vouch.auth.models import ApiToken, AuthSession
from vouch.auth.passwords import hash_password, verify_password
from vouch.config import Settings
from vouch.errors import Invalid, NotAuthenticated, NotFound
from vouch.org.models import User

SESSION_PREFIX = "vs_"
TOKEN_PREFIX = "vt_"
# Verified against when the username is unknown, so both answers take as long.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
# last_seen_at is written at most this often (idle timeout resolution), not per request.
_TOUCH_EVERY = timedelta(seconds=60)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a user, by session (cookie or bearer) or by API token."""

    user_id: int
    kind: str  # cookie | bearer | api_token
    session_id: int | None = None
    token_id: int | None = None
    csrf_token: str | None = None


@dataclass(frozen=True)
class Issued:
    secret: str
    session: AuthSession


def check_password(session: Session, username: str, password: str, origin: Origin,
                   now: datetime) -> User:
    """The active user with these credentials, or 401 (the same for every reason)."""
    user = session.scalars(select(User).where(User.username == username)).first()
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or not user.active:
        why = "unknown user" if user is None else ("deactivated" if ok else "wrong password")
        audit.record(session, Origin(user.id if user else None, origin.ip, origin.user_agent,
                                     origin.request_id, None if user else "anonymous"),
                     "auth.login_failed", object="user", record_id=user.id if user else None,
                     details={"username": username[:64], "why": why}, at=now)
        session.commit()
        raise NotAuthenticated("invalid username or password")
    return user


def open_session(session: Session, user: User, kind: str, origin: Origin, now: datetime,
                 settings: Settings) -> Issued:
    lifetime = settings.session_absolute if kind == "cookie" else settings.bearer_lifetime
    secret = SESSION_PREFIX + secrets.token_urlsafe(32)
    row = AuthSession(
        token_hash=digest(secret), kind=kind, user_id=user.id,
        csrf_token=secrets.token_urlsafe(32) if kind == "cookie" else None,
        created_at=now, last_seen_at=now, expires_at=now + lifetime,
        ip=origin.ip, user_agent=(origin.user_agent or "")[:300] or None,
    )
    session.add(row)
    session.flush()
    audit.record(session, Origin(user.id, origin.ip, origin.user_agent, origin.request_id),
                 "auth.login", object="session", record_id=row.id,
                 details={"kind": kind, "expires_at": row.expires_at}, at=now)
    session.commit()
    return Issued(secret, row)


def resolve(session: Session, secret: str, now: datetime, settings: Settings) -> Principal:
    """The principal behind a session secret or API token, or 401."""
    if secret.startswith(TOKEN_PREFIX):
        return _resolve_token(session, secret, now)
    if not secret.startswith(SESSION_PREFIX):
        raise NotAuthenticated("unknown credentials")
    found = session.execute(
        select(AuthSession, User.active).join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_hash == digest(secret))).first()
    if found is None or found[0].ended_at is not None:
        raise NotAuthenticated("the session has ended; sign in again")
    row, active = found
    idle_end = row.last_seen_at + settings.session_idle
    if now >= row.expires_at or (row.kind == "cookie" and now >= idle_end):
        row.ended_at, row.ended_reason = now, ("expired" if now >= row.expires_at else "idle")
        session.commit()
        raise NotAuthenticated("the session has expired; sign in again")
    if not active:
        raise NotAuthenticated("the user is deactivated")
    if now - row.last_seen_at >= _TOUCH_EVERY:
        session.execute(update(AuthSession).where(AuthSession.id == row.id)
                        .values(last_seen_at=now))
        session.commit()
    return Principal(row.user_id, row.kind, session_id=row.id, csrf_token=row.csrf_token)


def _resolve_token(session: Session, secret: str, now: datetime) -> Principal:
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(secret))).first()
    if row is None or row.revoked_at is not None:
        raise NotAuthenticated("the API token is unknown or revoked")
    if now >= row.expires_at:
        raise NotAuthenticated("the API token has expired")
    _require_active(session, row.user_id)
    if row.last_used_at is None or now - row.last_used_at >= _TOUCH_EVERY:
        session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
        session.commit()
    return Principal(row.user_id, "api_token", token_id=row.id)


def _require_active(session: Session, user_id: int) -> None:
    active = session.scalar(select(User.active).where(User.id == user_id))
    if not active:
        raise NotAuthenticated("the user is deactivated")


def end_session(session: Session, row: AuthSession, now: datetime, reason: str) -> None:
    if row.ended_at is None:
        row.ended_at, row.ended_reason = now, reason


def end_all_for(session: Session, user_id: int, now: datetime, reason: str) -> int:
    """End every session and revoke every API token of a user (deactivation)."""
    ended = session.execute(
        update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    ).rowcount  # type: ignore[attr-defined]
    revoked = session.execute(
        update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    ).rowcount  # type: ignore[attr-defined]
    return int(ended) + int(revoked)


def live_sessions(session: Session, user_id: int, now: datetime,
                  settings: Settings) -> list[AuthSession]:
    rows = session.scalars(select(AuthSession).where(
        AuthSession.user_id == user_id, AuthSession.ended_at.is_(None),
        AuthSession.expires_at > now).order_by(AuthSession.id)).all()
    return [r for r in rows if r.kind != "cookie" or now < r.last_seen_at + settings.session_idle]


def session_dict(row: AuthSession, current_id: int | None = None) -> dict[str, Any]:
    return {"id": row.id, "user_id": row.user_id, "kind": row.kind,
            "created_at": row.created_at, "last_seen_at": row.last_seen_at,
            "expires_at": row.expires_at, "ip": row.ip, "user_agent": row.user_agent,
            "current": row.id == current_id}


def find_session(session: Session, session_id: int) -> AuthSession:
    row = session.get(AuthSession, session_id)
    if row is None or row.ended_at is not None:
        raise NotFound("session", session_id)
    return row


# --- personal API tokens ------------------------------------------------------------------


def create_token(session: Session, user_id: int, name: str, expires_at: datetime | None,
                 now: datetime, settings: Settings, origin: Origin) -> tuple[str, ApiToken]:
    name = name.strip()
    if not name or len(name) > 100:
        raise Invalid("name must be 1 to 100 characters", field="name")
    limit = now + timedelta(days=settings.api_token_max_days)
    if expires_at is None:
        expires_at = now + timedelta(days=90)
    if expires_at.tzinfo is None:
        raise Invalid("expires_at needs a time zone", field="expires_at")
    if not now < expires_at <= limit:
        raise Invalid(f"expires_at must be in the future and at most "
                      f"{settings.api_token_max_days} days away", field="expires_at")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user_id, name=name, prefix=secret[:10], token_hash=digest(secret),
                   created_at=now, expires_at=expires_at)
    session.add(row)
    session.flush()
    audit.record(session, origin, "auth.token_created", object="api_token", record_id=row.id,
                 after=token_dict(row), at=now)
    session.commit()
    return secret, row


def token_dict(row: ApiToken) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "prefix": row.prefix, "created_at": row.created_at,
            "expires_at": row.expires_at, "last_used_at": row.last_used_at,
            "revoked_at": row.revoked_at}


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)))


def revoke_token(session: Session, user_id: int, token_id: int, now: datetime,
                 origin: Origin) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id or row.revoked_at is not None:
        raise NotFound("api_token", token_id)
    row.revoked_at = now
    audit.record(session, origin, "auth.token_revoked", object="api_token", record_id=row.id,
                 before=token_dict(row) | {"revoked_at": None}, at=now)
    session.commit()
