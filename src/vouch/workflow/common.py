"""What the workflow modules share: how people and roles are shown, who holds a system
permission or a role at an instant, and the audit call of a workflow event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.admin.active_assignments import assignment_active_at
from vouch.access.models import Role, RoleAssignment, RolePermission
from vouch.audit import service as audit
from vouch.audit.service import Origin
from vouch.org.models import User


def user_brief(u: User | None) -> dict[str, Any] | None:
    if u is None:
        return None
    return {"id": u.id, "username": u.username, "display_name": u.display_name}


def users_brief(session: Session, ids: Iterable[int]) -> list[dict[str, Any]]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    rows = session.scalars(select(User).where(User.id.in_(wanted)).order_by(User.id))
    return [b for b in (user_brief(u) for u in rows) if b is not None]


def role_brief(r: Role | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"id": r.id, "key": r.key, "name": r.name, "name_en": r.name_en}


def role_permissions(session: Session, role_id: int) -> set[str]:
    return set(session.scalars(select(RolePermission.permission)
                               .where(RolePermission.role_id == role_id)))


def permission_holders(session: Session, permission: str, now: datetime) -> set[int]:
    """Active users holding, at `now`, an assignment of a role that carries `permission`."""
    return set(session.scalars(
        select(RoleAssignment.user_id)
        .join(RolePermission, RolePermission.role_id == RoleAssignment.role_id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RolePermission.permission == permission, User.active.is_(True),
               assignment_active_at(now))))


def role_holders(session: Session, role_id: int, now: datetime) -> set[int]:
    return set(session.scalars(
        select(RoleAssignment.user_id).join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role_id == role_id, User.active.is_(True),
               assignment_active_at(now))))


def held_role_ids(session: Session, user_id: int, now: datetime) -> set[int]:
    return set(session.scalars(select(RoleAssignment.role_id).where(
        RoleAssignment.user_id == user_id, assignment_active_at(now))))


def active_assignment(session: Session, user_id: int, role_id: int,
                      now: datetime) -> RoleAssignment | None:
    return session.scalars(select(RoleAssignment).where(
        RoleAssignment.user_id == user_id, RoleAssignment.role_id == role_id,
        assignment_active_at(now))).first()


def audit_event(session: Session, origin: Origin, action: str, now: datetime, *,
                object: str, record_id: object, reason: str | None = None,
                before: Any = None, after: Any = None, details: Any = None) -> None:
    """A workflow event that changes no access (the policy version stays)."""
    audit.record(session, origin, action, object=object, record_id=record_id, reason=reason,
                 before=before, after=after, details=details, at=now)
