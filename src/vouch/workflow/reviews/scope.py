"""Whom a campaign reviews and who reviews them.

Scope: every active user (`all`), the active users of a department and the departments
below it (`department`), or the active holders of given roles (`roles`).

Reviewer of a user: their manager; else the head of their department, walking up the
tree while the head is missing, deactivated or the user themselves; else the campaign's
creator; never the user themselves (when the creator is the user, another active holder
of `run_reviews` reviews them; with none, the campaign cannot be made)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.admin.active_assignments import assignment_active_at
from vouch.access.models import RoleAssignment, RolePermission
from vouch.errors import Conflict
from vouch.org.models import Department, DepartmentClosure, User


def users_in_scope(session: Session, kind: str, department_id: int | None,
                   role_ids: list[int], now: datetime) -> list[User]:
    stmt = select(User).where(User.active.is_(True))
    if kind == "department":
        stmt = stmt.where(User.department_id.in_(
            select(DepartmentClosure.descendant_id)
            .where(DepartmentClosure.ancestor_id == department_id)))
    elif kind == "roles":
        stmt = stmt.where(User.id.in_(
            select(RoleAssignment.user_id).where(RoleAssignment.role_id.in_(role_ids),
                                                 assignment_active_at(now))))
    return list(session.scalars(stmt.order_by(User.id)))


def run_reviews_holders(session: Session, now: datetime) -> list[int]:
    """Active users holding `run_reviews` through an active assignment, by id."""
    return list(session.scalars(
        select(User.id).where(User.active.is_(True), User.id.in_(
            select(RoleAssignment.user_id)
            .join(RolePermission, RolePermission.role_id == RoleAssignment.role_id)
            .where(RolePermission.permission == "run_reviews", assignment_active_at(now))))
        .order_by(User.id)))


class ReviewerPicker:
    """Chooses reviewers from one read of the departments and the active users."""

    def __init__(self, session: Session, creator_id: int, now: datetime) -> None:
        self.session, self.creator_id, self.now = session, creator_id, now
        self.active = set(session.scalars(select(User.id).where(User.active.is_(True))))
        self.tree = {d.id: (d.parent_id, d.head_id) for d in session.scalars(select(Department))}
        self._holders: list[int] | None = None

    def _fallback(self, user: User) -> int:
        if self._holders is None:
            self._holders = run_reviews_holders(self.session, self.now)
        for holder in self._holders:
            if holder != user.id:
                return holder
        raise Conflict(f"nobody but {user.username} could review {user.username}'s access: "
                       "they have no manager or department head, and no one else holds "
                       "run_reviews", {"user_id": user.id, "reason": "no_reviewer"})

    def pick(self, user: User, creator_id: int | None = None) -> int:
        manager = user.manager_id
        if manager is not None and manager != user.id and manager in self.active:
            return manager
        dept: int | None = user.department_id
        seen: set[int] = set()
        while dept is not None and dept not in seen:
            seen.add(dept)
            parent, head = self.tree.get(dept, (None, None))
            if head is not None and head != user.id and head in self.active:
                return head
            dept = parent
        creator = self.creator_id if creator_id is None else creator_id
        if creator != user.id and creator in self.active:
            return creator
        return self._fallback(user)
