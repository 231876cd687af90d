"""Which role assignments are in force at an instant."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from vouch.access.models import RoleAssignment


def active_assignment_count(session: Session, role_id: int, now: datetime) -> int:
    return int(session.scalar(select(func.count()).select_from(RoleAssignment).where(
        RoleAssignment.role_id == role_id, assignment_active_at(now))) or 0)


def assignment_active_at(now: datetime) -> ColumnElement[bool]:
    return or_(RoleAssignment.expires_at.is_(None), RoleAssignment.expires_at > now)
