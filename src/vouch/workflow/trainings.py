"""Training records: a dated completion per user and course, which request
preconditions read ("sales-manager training completed")."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from vouch.access.admin import admin_change, clean_reason, clean_text, iso, require_any
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, Invalid, NotFound
from vouch.org.models import TrainingRecord, User
from vouch.workflow.common import audit_event

READERS = ("manage_users", "view_audit")
MAX_COURSE = 100


def training_dict(t: TrainingRecord) -> dict[str, Any]:
    return {"id": t.id, "user_id": t.user_id, "course": t.course,
            "completed_at": iso(t.completed_at)}


def completed_courses(session: Any, user_id: int, now: datetime) -> set[str]:
    return set(session.scalars(select(TrainingRecord.course).where(
        TrainingRecord.user_id == user_id, TrainingRecord.completed_at <= now)))


def list_trainings(ctx: RequestContext, user_id: int) -> dict[str, Any]:
    """One's own records; anyone's with manage_users or view_audit."""
    if user_id != ctx.actor_id:
        require_any(ctx, *READERS)
    if ctx.session.get(User, user_id) is None:
        raise NotFound("user", user_id)
    rows = ctx.session.scalars(select(TrainingRecord).where(TrainingRecord.user_id == user_id)
                               .order_by(TrainingRecord.completed_at.desc(),
                                         TrainingRecord.id.desc()))
    return {"user_id": user_id, "items": [training_dict(t) for t in rows]}


def record_training(ctx: RequestContext, user_id: int, course: object,
                    completed_at: datetime | None, reason: object) -> dict[str, Any]:
    ctx.require("manage_users")
    why = clean_reason(reason)
    name = clean_text(course, "course", required=True, limit=MAX_COURSE)
    assert name is not None
    when = ctx.now if completed_at is None else completed_at
    if when.tzinfo is None:
        raise Invalid("completed_at needs a time zone", field="completed_at",
                      type=ErrorType.TIMEZONE)
    when = when.astimezone(UTC)
    if when > ctx.now:
        raise Invalid("completed_at cannot be in the future: record a training once it is "
                      "completed", field="completed_at", type=ErrorType.RANGE,
                      max=iso(ctx.now))
    with admin_change(ctx):
        user = ctx.session.get(User, user_id)
        if user is None:
            raise NotFound("user", user_id)
        if not user.active:
            raise Conflict(f"{user.username} is deactivated", {"user_id": user.id},
                           type=ErrorType.USER_INACTIVE)
        row = TrainingRecord(user_id=user.id, course=name, completed_at=when)
        ctx.session.add(row)
        ctx.session.flush()
        out = training_dict(row)
        audit_event(ctx.session, ctx.origin, "org.training_recorded", ctx.now, object="user",
                    record_id=user.id, reason=why, after=out)
    return out
