"""Who a proposed change can affect, at an instant.

- a role: its holders (active users whose assignment of it is in force); nobody holds a
  role being created;
- an assignment: its user;
- a sharing or restriction rule: the active users its principals cover, as the rule is
  in force before and as it would be after (a user a role principal covers holds the role;
  a department principal covers its members, a department_tree principal the members of
  its subtree, `all` every active user).

Everyone else's facts are untouched by the change, so their access cannot move.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from vouch.access.admin.active_assignments import assignment_active_at
from vouch.access.engine import PrincipalRef, RuleFact
from vouch.access.models import RoleAssignment
from vouch.access.service import SharedFacts
from vouch.access.whatif.proposal import NEW_ID, Proposal
from vouch.org.models import DepartmentClosure, User


def holders(session: Session, role_id: int, now: datetime) -> set[int]:
    if role_id == NEW_ID:
        return set()
    return set(session.scalars(
        select(RoleAssignment.user_id).join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role_id == role_id, assignment_active_at(now),
               User.active.is_(True))))


def _covers(p: PrincipalRef, now: datetime) -> ColumnElement[bool]:
    match p.kind:
        case "all":
            return User.id.is_not(None)
        case "user":
            return User.id == p.id
        case "department":
            return User.department_id == p.id
        case "department_tree":
            return User.department_id.in_(select(DepartmentClosure.descendant_id).where(
                DepartmentClosure.ancestor_id == p.id))
        case "role":
            return User.id.in_(select(RoleAssignment.user_id).where(
                RoleAssignment.role_id == p.id, assignment_active_at(now)))
    return false()


def covered(session: Session, principals: Iterable[PrincipalRef], now: datetime) -> set[int]:
    """The active users any of `principals` covers."""
    conds = [_covers(p, now) for p in principals]
    if not conds:
        return set()
    return set(session.scalars(select(User.id).where(User.active.is_(True), or_(*conds))))


def _rule_in_force(shared: SharedFacts, kind: str, rule_id: int | None) -> RuleFact | None:
    rules = shared.sharing_rules if kind == "sharing_rule" else shared.restriction_rules
    return next((r for r in rules if r.id == rule_id), None)


def affected_users(session: Session, p: Proposal, shared: SharedFacts,
                   now: datetime) -> set[int]:
    if p.kind == "role":
        return holders(session, p.role_id if p.role_id is not None else NEW_ID, now)
    if p.kind == "assignment":
        return {p.user_id} if p.user_id is not None else set()
    principals: list[PrincipalRef] = []
    before = _rule_in_force(shared, p.kind, p.rule_id) if p.rule_id != NEW_ID else None
    for rule in (before, p.rule):
        if rule is not None:
            principals.extend(rule.principals)
    return covered(session, principals, now)
