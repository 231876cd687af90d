"""Who approves a step of a request: resolving a policy step for the beneficiary, who may
decide the current step now, and the line a step escalates along.

A step as stored on a request (`AccessRequest.steps[i]`) is a policy step made concrete:
`manager` and `department_head` name the user they resolved to (`user_id`), `permission`
and `role` stay open (whoever holds them when deciding), and `record_sharer` (a record
request's second step) is whoever may `share` the record, asked of the engine.

Separation of duties: nobody decides a request they made or would benefit from, and
nobody approves two steps of one request (within one submission: a resubmitted request
starts over).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.admin.active_assignments import assignment_active_at
from vouch.access.engine import AccessProfile, can
from vouch.access.models import Grant, RoleAssignment
from vouch.access.service import load_record_facts, profile_for
from vouch.org.models import Department, User
from vouch.workflow.common import permission_holders, role_holders
from vouch.workflow.models import AccessRequest, RequestDecision

# The escalation line (WORKFLOW.md: "escalate to the next approver in line").
LINE: tuple[dict[str, Any], ...] = (
    {"approver": "manager"},
    {"approver": "department_head"},
    {"approver": "permission", "permission": "approve_requests"},
    {"approver": "permission", "permission": "manage_roles"},
)
LAST = len(LINE) - 1


def line_index(spec: Mapping[str, Any]) -> int | None:
    kind = spec.get("approver")
    if kind == "manager":
        return 0
    if kind == "department_head":
        return 1
    if kind == "permission" and spec.get("permission") == "approve_requests":
        return 2
    if kind == "permission" and spec.get("permission") == "manage_roles":
        return 3
    return None


def head_above(session: Session, user: User) -> int | None:
    """The head of the user's department, or — when it has none or the user is the head —
    of the nearest department above that has another active head."""
    dept = session.get(Department, user.department_id)
    seen: set[int] = set()
    while dept is not None and dept.id not in seen:
        seen.add(dept.id)
        if dept.head_id is not None and dept.head_id != user.id:
            head = session.get(User, dept.head_id)
            if head is not None and head.active:
                return head.id
        dept = session.get(Department, dept.parent_id) if dept.parent_id else None
    return None


def resolve(session: Session, spec: Mapping[str, Any], beneficiary: User
            ) -> dict[str, Any] | None:
    """A policy step made concrete for the beneficiary; None when it names nobody."""
    kind = spec.get("approver")
    if kind == "manager":
        manager = session.get(User, beneficiary.manager_id) if beneficiary.manager_id else None
        if manager is not None and manager.active:
            return {"approver": "manager", "user_id": manager.id}
        head = head_above(session, beneficiary)
        return None if head is None else {"approver": "manager", "user_id": head,
                                           "via": "department_head"}
    if kind == "department_head":
        head = head_above(session, beneficiary)
        return None if head is None else {"approver": "department_head", "user_id": head}
    return dict(spec)


def round_approvers(session: Session, request_id: int) -> set[int]:
    """Who approved a step of the request since it was last (re)submitted."""
    out: set[int] = set()
    for d in session.scalars(select(RequestDecision).where(
            RequestDecision.request_id == request_id).order_by(RequestDecision.id)):
        if d.decision == "resubmitted":
            out.clear()
        elif d.decision == "approved" and d.actor_id is not None:
            out.add(d.actor_id)
    return out


def record_sharers(session: Session, obj: str, record_id: int, now: datetime) -> set[int]:
    """Active users whose roles grant `share` on the object and whom the engine lets
    share this record."""
    facts = load_record_facts(session, obj, record_id)
    if facts is None:
        return set()
    candidates = set(session.scalars(
        select(RoleAssignment.user_id).join(Grant, Grant.role_id == RoleAssignment.role_id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(Grant.object == obj, Grant.action == "share", Grant.scope != "none",
               User.active.is_(True), assignment_active_at(now))))
    return {uid for uid in candidates
            if can(profile_for(session, uid, now), obj, "share", facts, now).allowed}


def candidates(session: Session, req: AccessRequest, spec: Mapping[str, Any],
               now: datetime) -> set[int]:
    """Who the step names, before separation of duties."""
    kind = spec.get("approver")
    if kind in ("manager", "department_head"):
        user = session.get(User, spec.get("user_id")) if spec.get("user_id") else None
        return {user.id} if user is not None and user.active else set()
    if kind == "permission":
        return permission_holders(session, str(spec.get("permission")), now)
    if kind == "role":
        return role_holders(session, int(spec["role_id"]), now)
    if kind == "record_sharer" and req.object and req.record_id:
        return record_sharers(session, req.object, req.record_id, now)
    return set()


def excluded(session: Session, req: AccessRequest) -> set[int]:
    return {req.requester_id, req.beneficiary_id} | round_approvers(session, req.id)


def current_spec(req: AccessRequest) -> dict[str, Any] | None:
    steps = req.steps or []
    return dict(steps[req.current_step]) if 0 <= req.current_step < len(steps) else None


def eligible(session: Session, req: AccessRequest, now: datetime,
             spec: Mapping[str, Any] | None = None) -> set[int]:
    """Who may decide the step now (the current one unless `spec` is given)."""
    spec = spec if spec is not None else current_spec(req)
    if spec is None:
        return set()
    return candidates(session, req, spec, now) - excluded(session, req)


def refusal(session: Session, req: AccessRequest, profile: AccessProfile,
            now: datetime) -> str | None:
    """Why the profile's user may not decide the current step (None: they may). Checked
    against their own compiled profile, so no other user's profile is compiled."""
    uid = profile.user_id
    if req.status != "pending":
        return "not_pending"
    if uid == req.requester_id:
        return "own_request"
    if uid == req.beneficiary_id:
        return "beneficiary"
    if uid in round_approvers(session, req.id):
        return "approved_earlier_step"
    spec = current_spec(req)
    if spec is None or not profile.active:
        return "not_an_approver"
    kind = spec.get("approver")
    if kind in ("manager", "department_head"):
        ok = spec.get("user_id") == uid
    elif kind == "permission":
        ok = spec.get("permission") in profile.permissions
    elif kind == "role":
        ok = any(r.id == spec.get("role_id") for r in profile.roles)
    elif kind == "record_sharer" and req.object and req.record_id:
        facts = load_record_facts(session, req.object, req.record_id)
        ok = facts is not None and can(profile, req.object, "share", facts, now).allowed
    else:
        ok = False
    return None if ok else "not_an_approver"


def settle(session: Session, req: AccessRequest, spec: Mapping[str, Any], beneficiary: User,
           now: datetime) -> dict[str, Any]:
    """The step to wait for: `spec` resolved, or — when it names nobody who may decide —
    the next one in line that does. When nobody anywhere may, the step as resolved (its
    deadline will end the request)."""
    first = resolve(session, spec, beneficiary)
    if first is not None and eligible(session, req, now, first):
        return first
    following = next_in_line(session, req, first or dict(spec), beneficiary, now)
    if following is not None:
        return following
    return first or dict(spec)


def next_in_line(session: Session, req: AccessRequest, spec: Mapping[str, Any],
                 beneficiary: User, now: datetime) -> dict[str, Any] | None:
    """The first step after `spec` along the line that someone may decide; None at the
    end of the line. Steps outside the line (a named role, a record's sharers, another
    permission) escalate to the holders of manage_roles."""
    at = line_index(spec)
    start = LAST if at is None else at + 1  # past the end for manage_roles itself
    same_person = spec.get("user_id")
    for position in range(start, LAST + 1):
        step = resolve(session, LINE[position], beneficiary)
        if step is None or (same_person is not None and step.get("user_id") == same_person):
            continue
        if eligible(session, req, now, step):
            step["escalated"] = True
            return step
    return None
