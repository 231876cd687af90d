"""Small readers shared by the administration API tests: the policy version, audit events,
user ids and error bodies, straight from the database or the response."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from vouch.access.service import policy_version
from vouch.audit.models import AuditEvent
from vouch.org.models import User


def version_now(engine: Engine) -> int:
    with Session(engine) as s:
        return policy_version(s)


def events(engine: Engine, action: str, record_id: object = None) -> list[AuditEvent]:
    with Session(engine) as s:
        q = select(AuditEvent).where(AuditEvent.action == action)
        if record_id is not None:
            q = q.where(AuditEvent.record_id == str(record_id))
        return list(s.scalars(q.order_by(AuditEvent.seq)))


def uid(engine: Engine, username: str) -> int:
    with Session(engine) as s:
        return s.scalars(select(User.id).where(User.username == username)).one()


def error(r: Any) -> dict[str, Any]:
    body: dict[str, Any] = r.json()["error"]
    return body
