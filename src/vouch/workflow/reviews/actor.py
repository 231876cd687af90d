"""Who carries out a review change: a user (a reviewer's decision, an early close) or the
system (a campaign reaching its deadline), with the instant and the audit origin.

A user's change runs in `admin_change(ctx)`; the system's sweep from the command line has
no request context, so `system_change(session)` takes the same lock in the same way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from vouch.access.admin import ADMIN_LOCK
from vouch.access.models import PolicyState
from vouch.access.service import bump_policy_version
from vouch.audit import service as audit
from vouch.audit.service import Origin
from vouch.context import RequestContext


@dataclass(frozen=True)
class Actor:
    session: Session
    now: datetime
    origin: Origin

    @property
    def user_id(self) -> int | None:
        return self.origin.actor_id

    @classmethod
    def of(cls, ctx: RequestContext) -> Actor:
        return cls(ctx.session, ctx.now, ctx.origin)

    @classmethod
    def system(cls, session: Session, now: datetime, request_id: str | None = None) -> Actor:
        """The system acting at a deadline (audited as actor `system`)."""
        return cls(session, now, Origin(actor_name="system", request_id=request_id))

    def note(self, action: str, label: str, row_id: object, reason: str | None,
             before: Any = None, after: Any = None, details: Any = None) -> None:
        """An audited event that changes nobody's access."""
        audit.record(self.session, self.origin, action, object=label, record_id=row_id,
                     reason=reason, before=before, after=after, details=details, at=self.now)

    def access_changed(self, action: str, label: str, row_id: object, reason: str,
                       before: Any = None, after: Any = None, details: Any = None) -> None:
        """An audited event that changes access: the policy version moves with it."""
        bump_policy_version(self.session)
        self.note(action, label, row_id, reason, before, after, details)


@contextmanager
def system_change(session: Session) -> Iterator[None]:
    """One transaction serialised with every administrative change (the lock
    `admin_change` takes), for work that no signed-in user does."""
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADMIN_LOCK})
        else:
            session.execute(update(PolicyState).where(PolicyState.id == 1)
                            .values(version=PolicyState.version)
                            .execution_options(synchronize_session=False))
        session.expire_all()
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
