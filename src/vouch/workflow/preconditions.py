"""Preconditions of a request, checked when it is made (a failure is a 422 listing each)
and again at final approval (a failure is a 409 and the request stays pending).

Each check answers with a stable `code` and its `params`, so the console says it in the
user's language; `message` is English for logs and API users. For a role: the role's
allowed departments fit the user, every required course is completed, the probation
period has passed, and no role the user holds conflicts with it. For a record: the user's
roles grant the function a share would open (a share never gives the function layer).
Holding already what is asked is not a precondition but a 409 of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.admin.departments import in_any_subtree
from vouch.access.engine import AccessProfile, can
from vouch.access.models import Role, RoleDepartment
from vouch.access.service import load_record_facts
from vouch.org.models import User
from vouch.workflow.common import held_role_ids
from vouch.workflow.policies import EffectivePolicy
from vouch.workflow.settings import conflicting_role_ids
from vouch.workflow.trainings import completed_courses

SHARE_ACTIONS = {"read": ("view",), "read_write": ("view", "edit")}


@dataclass(frozen=True)
class Check:
    check: str  # what was checked: department, training, probation, role_conflict, ...
    passed: bool
    code: str  # the outcome, e.g. training_missing
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "passed": self.passed, "code": self.code,
                "message": self.message, "params": self.params}


def failing(checks: list[Check]) -> list[dict[str, Any]]:
    return [c.as_dict() for c in checks if not c.passed]


def _department(session: Session, user: User, role: Role) -> Check:
    allowed = sorted(session.scalars(select(RoleDepartment.department_id)
                                     .where(RoleDepartment.role_id == role.id)))
    params = {"departments": allowed, "department_id": user.department_id}
    if in_any_subtree(session, user.department_id, allowed):
        return Check("department", True, "department_allowed",
                     f"{role.key} may be held in {user.username}'s department", params)
    return Check("department", False, "department_not_allowed",
                 f"{role.key} may be held only in departments "
                 f"{', '.join(map(str, allowed))} (and below); {user.username}'s department "
                 f"{user.department_id} is outside", params)


def _probation(user: User, days: int, now: datetime) -> Check:
    if user.hire_date is None:
        return Check("probation", False, "hire_date_missing",
                     f"a probation of {days} days applies and {user.username}'s hire date is "
                     "not recorded", {"probation_days": days})
    ends = user.hire_date + timedelta(days=days)
    left = (ends - now.date()).days
    params = {"probation_days": days, "hire_date": user.hire_date.isoformat(),
              "ends_on": ends.isoformat(), "days_left": max(left, 0)}
    if left <= 0:
        return Check("probation", True, "probation_passed",
                     f"the probation of {days} days ended on {ends.isoformat()}", params)
    return Check("probation", False, "probation",
                 f"{user.username} is in probation for {left} more days (until "
                 f"{ends.isoformat()})", params)


def role_checks(session: Session, user: User, role: Role, policy: EffectivePolicy,
                now: datetime) -> list[Check]:
    checks = []
    if not user.active:
        checks.append(Check("user", False, "user_inactive", f"{user.username} is deactivated",
                            {"user_id": user.id}))
    checks.append(_department(session, user, role))
    done = completed_courses(session, user.id, now)
    for course in policy.required_courses:
        if course in done:
            checks.append(Check("training", True, "training_completed",
                                f"training {course!r} is completed", {"course": course}))
        else:
            checks.append(Check("training", False, "training_missing",
                                f"training {course!r} is not recorded as completed for "
                                f"{user.username}", {"course": course}))
    if policy.probation_days:
        checks.append(_probation(user, policy.probation_days, now))
    clash = conflicting_role_ids(session, role.id) & held_role_ids(session, user.id, now)
    for other in sorted(clash):
        r = session.get(Role, other)
        assert r is not None
        checks.append(Check("role_conflict", False, "role_conflict",
                            f"{role.key} conflicts with {r.key}, which {user.username} holds "
                            "(separation of duties)",
                            {"role": r.key, "role_id": r.id, "role_name": r.name,
                             "role_name_en": r.name_en}))
    if not clash:
        checks.append(Check("role_conflict", True, "no_role_conflict",
                            f"no role {user.username} holds conflicts with {role.key}"))
    return checks


def record_checks(profile: AccessProfile, obj: str, access: str) -> list[Check]:
    """A share opens records, never the function: the roles must grant it already."""
    checks = []
    for action in SHARE_ACTIONS[access]:
        params = {"object": obj, "action": action}
        if profile.access(obj, action).granted:
            checks.append(Check("function", True, "function_granted",
                                f"your roles grant {action} on {obj}", params))
        else:
            checks.append(Check("function", False, "function_missing",
                                f"no role of yours grants {action} on {obj}: a share cannot "
                                "give it; request a role instead", params))
    return checks


def record_held(session: Session, profile: AccessProfile, obj: str, record_id: int,
                access: str, now: datetime) -> bool:
    """Whether the user can already do what the share would allow (a missing record is
    never held, and says nothing about the record)."""
    facts = load_record_facts(session, obj, record_id)
    if facts is None:
        return False
    return all(can(profile, obj, a, facts, now).allowed for a in SHARE_ACTIONS[access])
