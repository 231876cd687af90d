"""RequestContext: what every service call carries (session, actor, profile, now, ip…)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from vouch.access.engine import AccessProfile
from vouch.types import utcnow


@dataclass
class RequestContext:
    session: Session
    profile: AccessProfile
    now: datetime
    ip: str | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def actor_id(self) -> int:
        return self.profile.user_id

    @property
    def actor_department_id(self) -> int:
        return self.profile.facts.department_id

    @classmethod
    def for_user(
        cls, session: Session, user_id: int, now: datetime | None = None, *, ip: str | None = None
    ) -> RequestContext:
        from vouch.access.service import profile_for

        at = now or utcnow()
        return cls(session, profile_for(session, user_id, at), at, ip)
