"""Role assignments: read, grant, change the expiry of and end them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vouch.access.admin.active_assignments import assignment_active_at
from vouch.access.admin.authority import (
    CONFIG_READERS,
    check_delegated,
    delegation_denied,
    require_admin_or_delegate,
    require_any,
)
from vouch.access.admin.change import admin_change, clean_reason, flush_or_conflict, log_change
from vouch.access.admin.departments import in_any_subtree
from vouch.access.admin.inputs import future_instant, is_db_id
from vouch.access.admin.rendering import iso, page
from vouch.access.models import Role, RoleAssignment, RoleDepartment
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, Invalid, NotFound
from vouch.org.models import User


def assignment_dict(a: RoleAssignment, user: User | None, role: Role | None,
                    now: datetime) -> dict[str, Any]:
    return {
        "id": a.id, "user_id": a.user_id, "username": user.username if user else None,
        "role_id": a.role_id, "role_key": role.key if role else None,
        "role_name": role.name if role else None, "granted_by": a.granted_by,
        "granted_at": iso(a.granted_at), "expires_at": iso(a.expires_at),
        "reason": a.reason, "active": a.expires_at is None or now < a.expires_at,
    }


def _assignment_dict(session: Session, a: RoleAssignment, now: datetime) -> dict[str, Any]:
    return assignment_dict(a, session.get(User, a.user_id), session.get(Role, a.role_id), now)


def list_assignments(ctx: RequestContext, *, user_id: int | None = None,
                     role_id: int | None = None, active: bool | None = None,
                     limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
    require_any(ctx, *CONFIG_READERS)
    stmt = select(RoleAssignment)
    if user_id is not None:
        stmt = stmt.where(RoleAssignment.user_id == user_id)
    if role_id is not None:
        stmt = stmt.where(RoleAssignment.role_id == role_id)
    if active is not None:
        live = assignment_active_at(ctx.now)
        stmt = stmt.where(live if active else ~live)
    return page(ctx.session, stmt, RoleAssignment.id, limit, cursor,
                lambda a: _assignment_dict(ctx.session, a, ctx.now))


def _assignment(session: Session, assignment_id: int) -> RoleAssignment:
    row = session.get(RoleAssignment, assignment_id)
    if row is None:
        raise NotFound("role_assignment", assignment_id)
    return row


def get_assignment(ctx: RequestContext, assignment_id: int) -> dict[str, Any]:
    require_any(ctx, *CONFIG_READERS)
    return _assignment_dict(ctx.session, _assignment(ctx.session, assignment_id), ctx.now)


def check_role_departments(session: Session, role_id: int, department_id: int,
                           field: str = "role_id") -> None:
    allowed = list(session.scalars(select(RoleDepartment.department_id)
                                   .where(RoleDepartment.role_id == role_id)))
    if not in_any_subtree(session, department_id, allowed):
        raise Invalid(f"{field}: this role may be held only by members of departments "
                      f"{', '.join(map(str, sorted(allowed)))} (and below); the user's "
                      f"department {department_id} is outside", field=field,
                      type=ErrorType.ROLE_DEPARTMENTS, departments=sorted(allowed))


def check_delegated_assignment(ctx: RequestContext, user: User, role: Role | None) -> None:
    """A delegated administrator assigns only delegable roles, to users of their subtree."""
    if "manage_roles" in ctx.profile.permissions:
        return
    check_delegated(ctx, "manage_roles", [user.department_id])
    if role is None or not role.delegable:
        raise delegation_denied("manage_roles", f"role {role.key if role else '?'} is not "
                                "delegable", limit="role", role=role.key if role else None)


def validate_assignment(ctx: RequestContext, user_id: object, role_id: object,
                        expires_at: datetime | None, *, lock: bool
                        ) -> tuple[User, Role, datetime | None, RoleAssignment | None]:
    """Every check of granting a role after authority and reason, in the order the grant
    makes them (expiry, user, role, delegation, departments, already held): the user, the
    role, the expiry and an ended assignment of the same role to give again. `lock` takes
    that row's lock (the real grant, in its transaction); a what-if reads only."""
    expiry = future_instant(ctx, expires_at, "expires_at")
    user = ctx.session.get(User, user_id) if is_db_id(user_id) else None
    if user is None:
        raise Invalid(f"user_id: no user {user_id!r}", field="user_id",
                      type=ErrorType.NO_SUCH, kind="user", id=user_id)
    if not user.active:
        raise Invalid(f"user_id: {user.username} is deactivated", field="user_id",
                      type=ErrorType.INACTIVE_USER, id=user.id)
    role = ctx.session.get(Role, role_id) if is_db_id(role_id) else None
    if role is None:
        raise Invalid(f"role_id: no role {role_id!r}", field="role_id",
                      type=ErrorType.NO_SUCH, kind="role", id=role_id)
    check_delegated_assignment(ctx, user, role)
    check_role_departments(ctx.session, role.id, user.department_id)
    stmt = select(RoleAssignment).where(RoleAssignment.user_id == user.id,
                                        RoleAssignment.role_id == role.id)
    row = ctx.session.scalars(stmt.with_for_update() if lock else stmt).first()
    if row is not None and (row.expires_at is None or ctx.now < row.expires_at):
        raise Conflict(f"{user.username} holds {role.key} already (assignment "
                       f"{row.id}); change its expiry instead",
                       {"assignment_id": row.id}, type=ErrorType.ALREADY_HOLDS)
    return user, role, expiry, row


def assignment_in_reach(ctx: RequestContext, assignment_id: int, *, lock: bool
                        ) -> tuple[RoleAssignment, User]:
    """The assignment and its holder, once the actor may change it (404, then 403 for a
    delegate outside their reach): the checks of ending an assignment."""
    stmt = select(RoleAssignment).where(RoleAssignment.id == assignment_id)
    row = ctx.session.scalars(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound("role_assignment", assignment_id)
    user = ctx.session.get(User, row.user_id)
    assert user is not None
    check_delegated_assignment(ctx, user, ctx.session.get(Role, row.role_id))
    return row, user


def validate_assignment_update(ctx: RequestContext, assignment_id: int,
                               expires_at: datetime | None, *, lock: bool
                               ) -> tuple[RoleAssignment, User, datetime | None]:
    """Every check of changing an assignment's expiry after authority and reason: the
    row, its holder and the new expiry. `lock` locks the row (the real change)."""
    expiry = future_instant(ctx, expires_at, "expires_at")
    row, user = assignment_in_reach(ctx, assignment_id, lock=lock)
    if not user.active:
        raise Conflict(f"{user.username} is deactivated", {"user_id": user.id},
                       type=ErrorType.USER_INACTIVE)
    allowed = list(ctx.session.scalars(select(RoleDepartment.department_id)
                                       .where(RoleDepartment.role_id == row.role_id)))
    if not in_any_subtree(ctx.session, user.department_id, allowed):
        raise Conflict(f"{user.username}'s department is outside the departments the "
                       "role is limited to", {"departments": sorted(allowed)},
                       type=ErrorType.OUTSIDE_DEPARTMENTS)
    return row, user, expiry


def create_assignment(ctx: RequestContext, user_id: int, role_id: int,
                      expires_at: datetime | None, reason: str) -> dict[str, Any]:
    require_admin_or_delegate(ctx, "manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        user, role, expiry, row = validate_assignment(ctx, user_id, role_id, expires_at,
                                                      lock=True)
        before = None
        # Separation of duties and the two-person rule (vouch.workflow.two_person): a
        # conflicting role is refused; a role carrying a system permission may have to
        # wait for a second administrator, answered as the pending request.
        from vouch.workflow.two_person import intercept_grant

        pending = intercept_grant(ctx, user, role, expiry, why)
        if pending is not None:
            return {"pending_request": pending}
        if row is not None:
            before = assignment_dict(row, user, role, ctx.now)
            row.granted_by, row.granted_at = ctx.actor_id, ctx.now
            row.expires_at, row.reason = expiry, why
        else:
            row = RoleAssignment(user_id=user.id, role_id=role.id, granted_by=ctx.actor_id,
                                 granted_at=ctx.now, expires_at=expiry, reason=why)
            ctx.session.add(row)
        flush_or_conflict(ctx.session, f"{user.username} holds {role.key} already",
                          {"field": "role_id"}, ErrorType.ALREADY_HOLDS)
        after = assignment_dict(row, user, role, ctx.now)
        log_change(ctx, "access.assignment_created", "role_assignment", row.id, why,
                   before=before, after=after)
    return after


def update_assignment(ctx: RequestContext, assignment_id: int, expires_at: datetime | None,
                      reason: str) -> dict[str, Any]:
    require_admin_or_delegate(ctx, "manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        row, _user, expiry = validate_assignment_update(ctx, assignment_id, expires_at,
                                                        lock=True)
        before = _assignment_dict(ctx.session, row, ctx.now)
        row.expires_at = expiry
        ctx.session.flush()
        after = _assignment_dict(ctx.session, row, ctx.now)
        log_change(ctx, "access.assignment_updated", "role_assignment", row.id, why,
                   before=before, after=after)
    return after


def delete_assignment(ctx: RequestContext, assignment_id: int, reason: str | None) -> None:
    require_admin_or_delegate(ctx, "manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        row, _user = assignment_in_reach(ctx, assignment_id, lock=False)
        before = _assignment_dict(ctx.session, row, ctx.now)
        ctx.session.execute(delete(RoleAssignment).where(RoleAssignment.id == assignment_id))
        log_change(ctx, "access.assignment_deleted", "role_assignment", assignment_id, why,
                   before=before)


def end_assignments(ctx: RequestContext, user_id: int,
                    keep: Callable[[RoleAssignment], bool] = lambda _a: False
                    ) -> list[dict[str, Any]]:
    """End (expire now) the user's active assignments that `keep` does not keep; returns
    them as they were. Used by deactivation and moves, inside their transactions."""
    ended = []
    for a in ctx.session.scalars(select(RoleAssignment).where(
            RoleAssignment.user_id == user_id, assignment_active_at(ctx.now))
            .order_by(RoleAssignment.id)):
        if keep(a):
            continue
        ended.append(_assignment_dict(ctx.session, a, ctx.now))
        a.expires_at = ctx.now
    ctx.session.flush()
    return ended
