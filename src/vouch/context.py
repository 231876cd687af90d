"""RequestContext: what every service call carries (session, actor, profile, now, ip…)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from vouch.access.engine import AccessProfile
from vouch.audit.service import Origin
from vouch.errors import PermissionDenied
from vouch.types import utcnow


@dataclass
class RequestContext:
    session: Session
    profile: AccessProfile
    now: datetime
    ip: str | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    user_agent: str | None = None

    @property
    def actor_id(self) -> int:
        return self.profile.user_id

    @property
    def actor_department_id(self) -> int:
        return self.profile.facts.department_id

    @property
    def origin(self) -> Origin:
        """Who and where, for the audit log."""
        return Origin(self.actor_id, self.ip, self.user_agent, self.request_id)

    def require(self, permission: str) -> None:
        """Refuse (403 naming it) unless the actor holds the system permission."""
        if permission not in self.profile.permissions:
            raise PermissionDenied(permission)

    @classmethod
    def for_user(
        cls, session: Session, user_id: int, now: datetime | None = None, *,
        ip: str | None = None, request_id: str | None = None, user_agent: str | None = None,
    ) -> RequestContext:
        from vouch.access.service import profile_for
        from vouch.workflow.reviews.deadlines import settle_before_deciding

        at = now or utcnow()
        settle_before_deciding(session, at)  # a review deadline may end grants right now
        ctx = cls(session, profile_for(session, user_id, at), at, ip, user_agent=user_agent)
        if request_id:
            ctx.request_id = request_id
        return ctx
