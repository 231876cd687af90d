"""Notifications: stored per user, shown in the console, e-mailed after commit when SMTP
is configured (`vouch.workflow.mail`).

A notification is a `kind` and its `payload` (ids, names and instants, never record data),
so the console words it in the user's language. Generated notices ("your role ends in 3
days") carry a `dedupe_key`: generating them again is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from vouch.access.admin.rendering import iso
from vouch.access.models import Role, RoleAssignment, Share
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid, NotFound
from vouch.records.service import atomic
from vouch.workflow.common import role_brief
from vouch.workflow.models import Notification
from vouch.workflow.settings import notice_days

OUTBOX = "vouch_outbox_pending"  # notification ids written in the open transaction
MAX_PAGE = 200


def notify(session: Session, user_ids: Iterable[int], kind: str, payload: dict[str, Any],
           now: datetime, dedupe_key: str | None = None) -> list[int]:
    """Store one notification per user (skipping a dedupe key stored already); the ids
    wait in the session's outbox until the transaction commits."""
    made: list[int] = []
    for uid in sorted(set(user_ids)):
        values = {"user_id": uid, "kind": kind, "payload": payload, "created_at": now,
                  "dedupe_key": dedupe_key}
        dialect = session.get_bind().dialect.name
        if dedupe_key is not None and dialect in ("postgresql", "sqlite"):
            ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
                Notification).values(**values).on_conflict_do_nothing(
                index_elements=["dedupe_key"]).returning(Notification.id)
            new_id = session.execute(ins).scalar()
            if new_id is None:
                continue
        else:
            row = Notification(**values)
            session.add(row)
            session.flush()
            new_id = row.id
        made.append(int(new_id))
    session.info.setdefault(OUTBOX, []).extend(made)
    return made


def notification_dict(n: Notification) -> dict[str, Any]:
    return {"id": n.id, "kind": n.kind, "payload": n.payload or {},
            "created_at": iso(n.created_at), "read_at": iso(n.read_at),
            "emailed_at": iso(n.emailed_at)}


# --- "ends soon" -------------------------------------------------------------------------------


def ending_within(session: Session, user_id: int, now: datetime, days: int
                  ) -> tuple[list[RoleAssignment], list[Share]]:
    """The user's role assignments and user-shares ending after now and within `days`."""
    until = now + timedelta(days=days)
    assignments = list(session.scalars(select(RoleAssignment).where(
        RoleAssignment.user_id == user_id, RoleAssignment.expires_at > now,
        RoleAssignment.expires_at <= until).order_by(RoleAssignment.expires_at)))
    shares = list(session.scalars(select(Share).where(
        Share.principal_kind == "user", Share.principal_id == user_id, Share.expires_at > now,
        Share.expires_at <= until).order_by(Share.expires_at)))
    return assignments, shares


def _days_left(now: datetime, end: datetime) -> int:
    return max(0, (end - now).days)


def assignment_notice(session: Session, a: RoleAssignment, now: datetime) -> dict[str, Any]:
    assert a.expires_at is not None
    return {"kind": "assignment", "id": a.id,
            "role": role_brief(session.get(Role, a.role_id)),
            "expires_at": iso(a.expires_at), "days_left": _days_left(now, a.expires_at),
            "request_id": a.request_id}


def share_notice(s: Share, now: datetime) -> dict[str, Any]:
    assert s.expires_at is not None
    return {"kind": "share", "id": s.id, "object": s.object, "record_id": s.record_id,
            "access": s.access, "expires_at": iso(s.expires_at),
            "days_left": _days_left(now, s.expires_at), "request_id": s.request_id}


def generate_ending_soon(session: Session, user_id: int, now: datetime,
                         days: int | None = None) -> int:
    """Store the missing "ends soon" notices of one user (one per grant and end instant:
    a changed expiry gets a notice of its own). Returns how many were new."""
    window = notice_days(session) if days is None else days
    if window <= 0:
        return 0
    assignments, shares = ending_within(session, user_id, now, window)
    made = 0
    for a in assignments:
        assert a.expires_at is not None
        key = f"ending:assignment:{a.id}:{int(a.expires_at.timestamp())}"
        made += len(notify(session, [user_id], "access.ending_soon",
                           assignment_notice(session, a, now), now, dedupe_key=key))
    for s in shares:
        assert s.expires_at is not None
        key = f"ending:share:{s.id}:{int(s.expires_at.timestamp())}"
        made += len(notify(session, [user_id], "access.ending_soon", share_notice(s, now), now,
                           dedupe_key=key))
    return made


def refresh_ending_soon(ctx: RequestContext) -> None:
    """Generated lazily on the user's own reads, in a transaction of its own."""
    days = notice_days(ctx.session)
    if days <= 0:
        return
    assignments, shares = ending_within(ctx.session, ctx.actor_id, ctx.now, days)
    if not assignments and not shares:
        return
    with atomic(ctx):
        generate_ending_soon(ctx.session, ctx.actor_id, ctx.now, days)


# --- the user's own notifications --------------------------------------------------------------


def list_notifications(ctx: RequestContext, *, unread: bool | None = None,
                       limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
    """Newest first; `cursor` is the last id of the previous page."""
    refresh_ending_soon(ctx)
    size = 50 if limit is None else limit
    if not 1 <= size <= MAX_PAGE:
        raise Invalid(f"limit must be 1 to {MAX_PAGE}", field="limit", type=ErrorType.RANGE,
                      min=1, max=MAX_PAGE)
    stmt = select(Notification).where(Notification.user_id == ctx.actor_id)
    if unread is not None:
        stmt = stmt.where(Notification.read_at.is_(None) if unread
                          else Notification.read_at.is_not(None))
    if cursor:
        if not cursor.isdigit() or len(cursor) > 12:
            raise Invalid("cursor is not one this API gave out", field="cursor",
                          type=ErrorType.CURSOR)
        stmt = stmt.where(Notification.id < int(cursor))
    rows = list(ctx.session.scalars(stmt.order_by(Notification.id.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return {"items": [notification_dict(n) for n in rows],
            "next_cursor": str(rows[-1].id) if more and rows else None,
            "unread": unread_count(ctx.session, ctx.actor_id)}


def unread_count(session: Session, user_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0)


def mark_read(ctx: RequestContext, notification_id: int) -> dict[str, Any]:
    """Someone else's notification answers as a missing one."""
    with atomic(ctx):
        row = ctx.session.get(Notification, notification_id)
        if row is None or row.user_id != ctx.actor_id:
            raise NotFound("notification", notification_id)
        if row.read_at is None:
            row.read_at = ctx.now
        ctx.session.flush()
        return notification_dict(row)


def mark_all_read(ctx: RequestContext) -> dict[str, Any]:
    with atomic(ctx):
        result = ctx.session.execute(
            update(Notification).where(Notification.user_id == ctx.actor_id,
                                       Notification.read_at.is_(None))
            .values(read_at=ctx.now).execution_options(synchronize_session=False))
        return {"marked": int(result.rowcount or 0)}  # type: ignore[attr-defined]


def ending_soon(ctx: RequestContext) -> dict[str, Any]:
    """What of mine ends within the notice period (the console's "ends soon")."""
    from vouch.workflow.render import record_names

    days = notice_days(ctx.session)
    assignments, shares = ending_within(ctx.session, ctx.actor_id, ctx.now, max(days, 0))
    items = [assignment_notice(ctx.session, a, ctx.now) for a in assignments]
    by_object: dict[str, set[int]] = {}
    for s in shares:
        by_object.setdefault(s.object, set()).add(s.record_id)
    names = {o: record_names(ctx, o, ids) for o, ids in by_object.items()}
    for s in shares:
        items.append(share_notice(s, ctx.now) | {
            "record_name": names.get(s.object, {}).get(s.record_id)})
    items.sort(key=lambda i: str(i["expires_at"]))
    return {"days": days, "items": items}
