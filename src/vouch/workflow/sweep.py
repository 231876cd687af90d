"""The sweep (`vouch workflow sweep`, e.g. from cron): every passed step deadline applied,
every review campaign past its deadline settled,
every user's "ends soon" notices stored, and the mail of recent notifications that is
still unsent delivered. Everything it does also happens lazily on the paths that touch it;
the sweep makes it happen for users who are not looking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, select, text, update
from sqlalchemy.orm import Session

from vouch.access.admin.change import ADMIN_LOCK
from vouch.access.models import PolicyState, RoleAssignment, Share
from vouch.config import Settings
from vouch.org.models import User
from vouch.workflow.deadlines import process_due
from vouch.workflow.mail import deliver_committed, send, unsent_recent
from vouch.workflow.notifications import generate_ending_soon
from vouch.workflow.reviews import close_due
from vouch.workflow.settings import notice_days


def _serialise(session: Session) -> None:
    """The lock every administrative change takes (see access.admin.change)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADMIN_LOCK})
    else:
        session.execute(update(PolicyState).where(PolicyState.id == 1)
                        .values(version=PolicyState.version)
                        .execution_options(synchronize_session=False))


def _users_with_grants_ending(session: Session, now: datetime, days: int) -> list[int]:
    until = now + timedelta(days=days)
    from_assignments = set(session.scalars(select(RoleAssignment.user_id).where(
        RoleAssignment.expires_at > now, RoleAssignment.expires_at <= until)))
    from_shares = set(session.scalars(select(Share.principal_id).where(
        Share.principal_kind == "user", Share.expires_at > now, Share.expires_at <= until)))
    ids = from_assignments | from_shares
    if not ids:
        return []
    return list(session.scalars(select(User.id).where(User.id.in_(ids),
                                                      or_(User.active.is_(True)))
                                .order_by(User.id)))


def sweep(engine: Engine, settings: Settings, now: datetime,
          step: Callable[[str, int], None] | None = None) -> dict[str, int]:
    note = step or (lambda _what, _n: None)
    with Session(engine, expire_on_commit=False) as session:
        _serialise(session)
        changed = process_due(session, now)
        session.commit()
        note("deadlines", changed)
        campaigns = len(close_due(session, now))
        note("reviews", campaigns)
        notices = 0
        days = notice_days(session)
        users = _users_with_grants_ending(session, now, days) if days > 0 else []
        for uid in users:
            notices += generate_ending_soon(session, uid, now, days)
            session.commit()
            note("ending_soon", 1)
        emailed = deliver_committed(session, settings, now)
        if settings.smtp_configured:
            emailed += send(session, settings, unsent_recent(session, now), now)
        note("mail", emailed)
    return {"requests_changed": changed, "review_campaigns_closed": campaigns,
            "users_checked": len(users),
            "ending_soon_notices": notices, "emailed": emailed}
