"""Use cases of the organisation: departments (a tree) and users (create, edit, move,
deactivate with a successor, reactivate).

Changes need `manage_users`; each says why, runs in one transaction that maintains the
closure tables, bumps the policy version and appends an audit event with before and after.
Reading the department tree and the non-sensitive columns of active users (id, username,
display name, department) is open to every signed-in user: share dialogs and owner
pickers need them. The full user (e-mail, phone, manager, state, version) needs
`manage_users` or `view_audit`. A password hash never leaves this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vouch.access.admin import (
    CONFIG_READERS,
    admin_change,
    assignment_dict,
    check_delegated,
    claim_version,
    clean_reason,
    clean_text,
    end_assignments,
    flush_or_conflict,
    in_any_subtree,
    is_db_id,
    iso,
    log_change,
    page,
    refuse_if_rules_name,
    reject_nul,
    require_admin_or_delegate,
    require_any,
    require_version,
)
from vouch.access.admin.active_assignments import assignment_active_at
from vouch.access.models import Role, RoleAssignment, RoleDepartment, Share
from vouch.auth.passwords import hash_password
from vouch.auth.service import end_all_for
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, Invalid, NotFound
from vouch.org.closure import rebuild_department_closure, rebuild_reporting_closure
from vouch.org.models import Department, DepartmentClosure, ReportingClosure, User
from vouch.records.models import RECORD_MODELS
from vouch.workflow.offboarding import hand_over_reviews, withdraw_requests

USER_READERS = ("manage_users", "view_audit")
MIN_PASSWORD = 12
MAX_PASSWORD = 128
USERNAME = re.compile(r"[a-z][a-z0-9._-]{1,63}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

# --- departments -----------------------------------------------------------------------------


def department_dict(d: Department) -> dict[str, Any]:
    return {"id": d.id, "name": d.name, "name_en": d.name_en, "parent_id": d.parent_id,
            "head_id": d.head_id, "version": d.version}


def list_departments(ctx: RequestContext) -> dict[str, Any]:
    rows = ctx.session.scalars(select(Department).order_by(Department.id))
    return {"items": [department_dict(d) for d in rows], "next_cursor": None}


def _department(session: Session, department_id: int) -> Department:
    row = session.get(Department, department_id)
    if row is None:
        raise NotFound("department", department_id)
    return row


def get_department(ctx: RequestContext, department_id: int) -> dict[str, Any]:
    d = _department(ctx.session, department_id)
    out = department_dict(d)
    out["path"] = list(ctx.session.scalars(
        select(DepartmentClosure.ancestor_id).where(DepartmentClosure.descendant_id == d.id)
        .order_by(DepartmentClosure.depth.desc())))
    out["children"] = list(ctx.session.scalars(
        select(Department.id).where(Department.parent_id == d.id).order_by(Department.id)))
    return out


def _active_user(session: Session, user_id: object, field: str) -> User:
    user = session.get(User, user_id) if is_db_id(user_id) else None
    if user is None:
        raise Invalid(f"{field}: no user {user_id!r}", field=field, type=ErrorType.NO_SUCH,
                      kind="user", id=user_id)
    if not user.active:
        raise Invalid(f"{field}: {user.username} is deactivated", field=field,
                      type=ErrorType.INACTIVE_USER, id=user.id)
    return user


def _existing_department(session: Session, department_id: object, field: str) -> Department:
    dept = session.get(Department, department_id) if is_db_id(department_id) else None
    if dept is None:
        raise Invalid(f"{field}: no department {department_id!r}", field=field,
                      type=ErrorType.NO_SUCH, kind="department", id=department_id)
    return dept


def _check_parent(session: Session, department: Department | None, parent_id: object) -> int:
    """A parent that exists and is not the department or below it (no cycles)."""
    if parent_id is None:
        raise Invalid("parent_id: every department but the top one has a parent",
                      field="parent_id", type=ErrorType.REQUIRED)
    parent = _existing_department(session, parent_id, "parent_id")
    if department is not None:
        below = session.scalar(select(func.count()).select_from(DepartmentClosure).where(
            DepartmentClosure.ancestor_id == department.id,
            DepartmentClosure.descendant_id == parent.id))
        if below:
            raise Invalid(f"parent_id: department {parent.id} is {department.name} itself or "
                          "below it; that would make a cycle", field="parent_id",
                          type=ErrorType.CYCLE)
    return parent.id


def create_department(ctx: RequestContext, values: Mapping[str, Any],
                      reason: str) -> dict[str, Any]:
    ctx.require("manage_users")
    why = clean_reason(reason)
    name = clean_text(values.get("name"), "name", required=True)
    name_en = clean_text(values.get("name_en"), "name_en", required=False)
    with admin_change(ctx):
        parent_id = _check_parent(ctx.session, None, values.get("parent_id"))
        head_id = values.get("head_id")
        if head_id is not None:
            head_id = _active_user(ctx.session, head_id, "head_id").id
        dept = Department(name=name, name_en=name_en, parent_id=parent_id, head_id=head_id,
                          version=1)
        ctx.session.add(dept)
        ctx.session.flush()
        rebuild_department_closure(ctx.session)
        after = department_dict(dept)
        log_change(ctx, "org.department_created", "department", dept.id, why, after=after)
    return get_department(ctx, dept.id)


def update_department(ctx: RequestContext, department_id: int, changes: Mapping[str, Any],
                      version: object, reason: str) -> dict[str, Any]:
    ctx.require("manage_users")
    why = clean_reason(reason)
    require_version(version)
    values: dict[str, Any] = {}
    if "name" in changes:
        values["name"] = clean_text(changes["name"], "name", required=True)
    if "name_en" in changes:
        values["name_en"] = clean_text(changes["name_en"], "name_en", required=False)
    with admin_change(ctx):
        dept = _department(ctx.session, department_id)
        before = department_dict(dept)
        if "parent_id" in changes and changes["parent_id"] != dept.parent_id:
            values["parent_id"] = _check_parent(ctx.session, dept, changes["parent_id"])
        if "head_id" in changes:
            head = changes["head_id"]
            values["head_id"] = None if head is None else _active_user(
                ctx.session, head, "head_id").id
        claim_version(ctx.session, Department, department_id, version, "department")
        if values:
            ctx.session.execute(update(Department).where(Department.id == department_id)
                                .values(**values).execution_options(synchronize_session=False))
        if "parent_id" in values:
            rebuild_department_closure(ctx.session)
        ctx.session.refresh(dept)
        after = department_dict(dept)
        log_change(ctx, "org.department_updated", "department", department_id, why,
                   before=before, after=after)
    return get_department(ctx, department_id)


def delete_department(ctx: RequestContext, department_id: int, version: object,
                      reason: str | None) -> None:
    """Only an empty leaf goes: no users, no children, no records, not named by a role or
    a rule (a rule naming a missing department would fail closed and hide everything)."""
    ctx.require("manage_users")
    why = clean_reason(reason)
    require_version(version)
    with admin_change(ctx):
        dept = _department(ctx.session, department_id)
        before = department_dict(dept)
        claim_version(ctx.session, Department, department_id, version, "department")
        users = ctx.session.scalar(select(func.count()).select_from(User)
                                   .where(User.department_id == department_id))
        children = ctx.session.scalar(select(func.count()).select_from(Department)
                                      .where(Department.parent_id == department_id))
        roles = ctx.session.scalar(select(func.count()).select_from(RoleDepartment)
                                   .where(RoleDepartment.department_id == department_id))
        if users or children or roles:
            raise Conflict(f"department {dept.name} still has {users} user(s), {children} "
                           f"child department(s) and is named by {roles} role(s)",
                           {"users": users, "children": children, "roles": roles},
                           type=ErrorType.DEPARTMENT_NOT_EMPTY)
        refuse_if_rules_name(ctx.session, "department", (department_id,))
        shares = ctx.session.execute(delete(Share).where(
            Share.principal_kind.in_(("department", "department_tree")),
            Share.principal_id == department_id)).rowcount  # type: ignore[attr-defined]
        ctx.session.execute(delete(DepartmentClosure).where(or_(
            DepartmentClosure.ancestor_id == department_id,
            DepartmentClosure.descendant_id == department_id)))
        try:
            ctx.session.execute(delete(Department).where(Department.id == department_id))
        except IntegrityError:
            raise Conflict(f"records still belong to department {dept.name}; transfer them "
                           "first", {"records": True},
                           type=ErrorType.DEPARTMENT_HAS_RECORDS) from None
        log_change(ctx, "org.department_deleted", "department", department_id, why,
                   before=before, details={"shares_removed": int(shares)})


# --- users -----------------------------------------------------------------------------------


def public_user_dict(u: User, departments: Mapping[int, Department]) -> dict[str, Any]:
    """What any signed-in user may see of anyone: enough to pick them."""
    dept = departments.get(u.department_id)
    return {"id": u.id, "username": u.username, "display_name": u.display_name,
            "department": {"id": u.department_id, "name": dept.name if dept else None,
                           "name_en": dept.name_en if dept else None},
            "active": u.active}


def user_dict(session: Session, u: User) -> dict[str, Any]:
    """The administrators' view (never the password hash)."""
    dept = session.get(Department, u.department_id)
    return public_user_dict(u, {dept.id: dept} if dept else {}) | {
        "department_id": u.department_id, "email": u.email, "phone": u.phone,
        "manager_id": u.manager_id, "hire_date": u.hire_date.isoformat() if u.hire_date else None,
        "has_password": bool(u.password_hash), "created_at": iso(u.created_at),
        "deactivated_at": iso(u.deactivated_at), "version": u.version,
    }


def _audit_user(u: User) -> dict[str, Any]:
    return {"username": u.username, "display_name": u.display_name, "email": u.email,
            "phone": u.phone, "department_id": u.department_id, "manager_id": u.manager_id,
            "hire_date": u.hire_date, "active": u.active, "deactivated_at": u.deactivated_at,
            "version": u.version}


def _user(session: Session, user_id: int) -> User:
    row = session.get(User, user_id)
    if row is None:
        raise NotFound("user", user_id)
    return row


def _reader(ctx: RequestContext) -> bool:
    return any(p in ctx.profile.permissions for p in USER_READERS)


def _full_view(ctx: RequestContext, user: User) -> bool:
    """Administrators and auditors see every user whole; a delegated administrator sees
    the users of their subtree whole (they need the version to change them)."""
    return _reader(ctx) or ("delegate_admin" in ctx.profile.permissions
                            and user.department_id in ctx.profile.department_subtree)


def list_users(ctx: RequestContext, *, q: str | None = None, department_id: int | None = None,
               active: bool | None = None, limit: int | None = None,
               cursor: str | None = None) -> dict[str, Any]:
    stmt = select(User)
    if not _reader(ctx):
        if "delegate_admin" in ctx.profile.permissions and active is not True:
            stmt = stmt.where(User.department_id.in_(ctx.profile.department_subtree))
        elif active is False:
            require_any(ctx, *USER_READERS)
        else:
            active = True
    if q:
        reject_nul(q, "q")
        needle = q.strip().lower()[:100]
        stmt = stmt.where(or_(func.lower(User.username).contains(needle, autoescape=True),
                              func.lower(User.display_name).contains(needle,
                                                                     autoescape=True)))
    if department_id is not None:
        stmt = stmt.where(User.department_id == department_id)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    departments = {d.id: d for d in ctx.session.scalars(select(Department))}
    return page(ctx.session, stmt, User.id, limit, cursor,
                lambda u: user_dict(ctx.session, u) if _full_view(ctx, u)
                else public_user_dict(u, departments))


def get_user(ctx: RequestContext, user_id: int) -> dict[str, Any]:
    u = _user(ctx.session, user_id)
    if not _full_view(ctx, u):
        return public_user_dict(u, {d.id: d for d in ctx.session.scalars(select(Department))})
    out = user_dict(ctx.session, u)
    if any(p in ctx.profile.permissions for p in (*CONFIG_READERS, "delegate_admin")):
        out["assignments"] = [
            assignment_dict(a, u, ctx.session.get(Role, a.role_id), ctx.now)
            for a in ctx.session.scalars(select(RoleAssignment).where(
                RoleAssignment.user_id == u.id).order_by(RoleAssignment.id))]
    return out


def _password_hash(password: object) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(f"password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters",
                      field="password", type=ErrorType.LENGTH, min=MIN_PASSWORD,
                      max=MAX_PASSWORD)
    return hash_password(password)


def _contact(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "display_name" in values:
        out["display_name"] = clean_text(values["display_name"], "display_name", required=True)
    if "email" in values:
        email = clean_text(values["email"], "email", required=False, limit=200)
        if email is not None and not EMAIL.fullmatch(email):
            raise Invalid("email is not an e-mail address", field="email",
                          type=ErrorType.FORMAT, expected="email")
        out["email"] = email
    if "phone" in values:
        out["phone"] = clean_text(values["phone"], "phone", required=False, limit=40)
    if "hire_date" in values:
        hired = values["hire_date"]
        if hired is not None and not isinstance(hired, date):
            raise Invalid("hire_date must be a date YYYY-MM-DD", field="hire_date",
                          type=ErrorType.FORMAT, expected="date")
        out["hire_date"] = hired
    return out


def _check_manager(session: Session, user_id: int | None, manager_id: object) -> int | None:
    """An active manager who is not the user nor anyone reporting to them."""
    if manager_id is None:
        return None
    manager = _active_user(session, manager_id, "manager_id")
    if user_id is not None:
        below = session.scalar(select(func.count()).select_from(ReportingClosure).where(
            ReportingClosure.ancestor_id == user_id,
            ReportingClosure.descendant_id == manager.id))
        if below:
            raise Invalid(f"manager_id: {manager.username} is the user or reports to them; "
                          "that would make a cycle", field="manager_id",
                          type=ErrorType.CYCLE)
    return manager.id


def create_user(ctx: RequestContext, values: Mapping[str, Any], reason: str) -> dict[str, Any]:
    require_admin_or_delegate(ctx, "manage_users")
    why = clean_reason(reason)
    username = values.get("username")
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise Invalid("username: 2 to 64 lower-case letters, digits, '.', '_' or '-', "
                      "starting with a letter", field="username", type=ErrorType.FORMAT,
                      expected="username")
    contact = _contact({"display_name": values.get("display_name"),
                        **{k: values[k] for k in ("email", "phone", "hire_date")
                           if k in values}})
    password = values.get("password")
    pw_hash = _password_hash(password) if password is not None else None
    with admin_change(ctx):
        if ctx.session.scalar(select(User.id).where(User.username == username)) is not None:
            raise Conflict(f"the username {username} is taken",
                           {"field": "username", "value": username}, type=ErrorType.TAKEN)
        dept = _existing_department(ctx.session, values.get("department_id"), "department_id")
        check_delegated(ctx, "manage_users", [dept.id])
        manager_id = _check_manager(ctx.session, None, values.get("manager_id"))
        user = User(username=username, department_id=dept.id, manager_id=manager_id,
                    active=True, password_hash=pw_hash, created_at=ctx.now, version=1,
                    **contact)
        ctx.session.add(user)
        flush_or_conflict(ctx.session, f"the username {username} is taken",
                          {"field": "username", "value": username}, ErrorType.TAKEN)
        rebuild_reporting_closure(ctx.session)
        log_change(ctx, "org.user_created", "user", user.id, why, after=_audit_user(user),
                   details={"password_set": pw_hash is not None})
    return user_dict(ctx.session, user)


def update_user(ctx: RequestContext, user_id: int, changes: Mapping[str, Any],
                version: object, reason: str) -> dict[str, Any]:
    require_admin_or_delegate(ctx, "manage_users")
    why = clean_reason(reason)
    require_version(version)
    values = _contact(changes)
    if changes.get("password") is not None:
        values["password_hash"] = _password_hash(changes["password"])
    elif "password" in changes:
        raise Invalid("password cannot be removed, only replaced", field="password",
                      type=ErrorType.NOT_ALLOWED)
    with admin_change(ctx):
        user = _user(ctx.session, user_id)
        check_delegated(ctx, "manage_users", [user.department_id], user.id)
        before = _audit_user(user)
        if "manager_id" in changes:
            values["manager_id"] = _check_manager(ctx.session, user.id, changes["manager_id"])
        claim_version(ctx.session, User, user_id, version, "user")
        if values:
            ctx.session.execute(update(User).where(User.id == user_id).values(**values)
                                .execution_options(synchronize_session=False))
        if "manager_id" in values and values["manager_id"] != before["manager_id"]:
            rebuild_reporting_closure(ctx.session)
        ctx.session.refresh(user)
        log_change(ctx, "org.user_updated", "user", user_id, why, before=before,
                   after=_audit_user(user),
                   details={"password_changed": "password_hash" in values})
    return user_dict(ctx.session, user)


def _move_records(ctx: RequestContext, owner_id: int, values: Mapping[str, Any]) -> dict[str, int]:
    """Bulk UPDATE of every record the user owns, per object (writes are not behind the
    single door; only SELECTs of records are). Returns the count per object."""
    counts: dict[str, int] = {}
    for obj, model in RECORD_MODELS.items():
        result = ctx.session.execute(
            update(model).where(model.owner_id == owner_id)
            .values(**values, updated_at=ctx.now, updated_by=ctx.actor_id,
                    version=model.version + 1)
            .execution_options(synchronize_session=False))
        counts[obj] = int(result.rowcount)  # type: ignore[attr-defined]
    return counts


def _assignments_to_end(ctx: RequestContext, user_id: int, department_id: int,
                        chosen: object) -> set[int]:
    """The ids of the user's active assignments a move ends: those the administrator
    chose, or by default those the new department does not allow. Keeping one that the
    new department does not allow is refused (422 naming `end_assignment_ids`)."""
    active = {a.id: a for a in ctx.session.scalars(select(RoleAssignment).where(
        RoleAssignment.user_id == user_id, assignment_active_at(ctx.now)))}
    must_end = set()
    for a in active.values():
        allowed = ctx.session.scalars(select(RoleDepartment.department_id)
                                      .where(RoleDepartment.role_id == a.role_id)).all()
        if not in_any_subtree(ctx.session, department_id, allowed):
            must_end.add(a.id)
    if chosen is None:
        return must_end
    if not isinstance(chosen, list):
        raise Invalid("end_assignment_ids must be a list of assignment ids",
                      field="end_assignment_ids", type=ErrorType.FORMAT, expected="list")
    picked: dict[object, int] = {}
    for i, aid in enumerate(chosen):
        if aid in picked:
            raise Invalid(f"end_assignment_ids[{i}] repeats end_assignment_ids[{picked[aid]}]",
                          field=f"end_assignment_ids[{i}]", type=ErrorType.DUPLICATE,
                          other=f"end_assignment_ids[{picked[aid]}]")
        if not is_db_id(aid) or aid not in active:
            raise Invalid(f"end_assignment_ids[{i}]: {aid!r} is not an active role "
                          "assignment of this user", field=f"end_assignment_ids[{i}]",
                          type=ErrorType.NO_SUCH, kind="role_assignment", id=aid)
        picked[aid] = i
    kept = sorted(must_end - set(picked))
    if kept:
        roles = {a.id: a.role_id for a in active.values()}
        raise Invalid(f"end_assignment_ids: assignments {', '.join(map(str, kept))} are of "
                      "roles the new department does not allow; they must end",
                      field="end_assignment_ids", type=ErrorType.ROLE_DEPARTMENTS,
                      assignment_ids=kept, role_ids=[roles[k] for k in kept])
    return {aid for aid in picked if isinstance(aid, int)}


def move_user(ctx: RequestContext, user_id: int, *, department_id: object,
              manager_id: object, manager_given: bool, records: str, version: object,
              reason: str, end_assignment_ids: object = None) -> dict[str, Any]:
    """Another department (and manager). Records follow (their department becomes the new
    one) or stay. Which active role assignments end is the administrator's choice
    (`end_assignment_ids`); by default those of roles limited to departments that do not
    include the new one — which must end in any case."""
    require_admin_or_delegate(ctx, "manage_users")
    why = clean_reason(reason)
    require_version(version)
    if records not in ("follow", "stay"):
        raise Invalid("records must be follow or stay", field="records",
                      type=ErrorType.CHOICE, choices=["follow", "stay"])
    with admin_change(ctx):
        user = _user(ctx.session, user_id)
        if not user.active:
            raise Conflict(f"{user.username} is deactivated; reactivate first",
                           {"active": False}, type=ErrorType.USER_INACTIVE)
        before = _audit_user(user)
        dept = _existing_department(ctx.session, department_id, "department_id")
        check_delegated(ctx, "manage_users", [user.department_id, dept.id], user.id)
        values: dict[str, Any] = {"department_id": dept.id}
        if manager_given:
            values["manager_id"] = _check_manager(ctx.session, user.id, manager_id)
        claim_version(ctx.session, User, user_id, version, "user")
        ctx.session.execute(update(User).where(User.id == user_id).values(**values)
                            .execution_options(synchronize_session=False))
        if values.get("manager_id", before["manager_id"]) != before["manager_id"]:
            rebuild_reporting_closure(ctx.session)
        moved = _move_records(ctx, user.id, {"department_id": dept.id}) \
            if records == "follow" else {}

        ending = _assignments_to_end(ctx, user.id, dept.id, end_assignment_ids)
        ended = end_assignments(ctx, user.id, keep=lambda a: a.id not in ending)
        ctx.session.refresh(user)
        log_change(ctx, "org.user_moved", "user", user_id, why, before=before,
                   after=_audit_user(user),
                   details={"records": records, "records_moved": moved,
                            "assignments_ended": ended})
    return user_dict(ctx.session, user) | {"records_moved": moved,
                                           "assignments_ended": ended}


def _successor(session: Session, user: User, successor_id: object) -> User:
    """The successor named, or by default the user's manager (422 naming `successor_id`
    when there is none, or the manager is deactivated)."""
    if successor_id is not None:
        return _active_user(session, successor_id, "successor_id")
    manager = session.get(User, user.manager_id) if user.manager_id else None
    if manager is None:
        raise Invalid(f"successor_id: {user.username} has no manager to receive their "
                      "records; name a successor", field="successor_id",
                      type=ErrorType.REQUIRED)
    if not manager.active:
        raise Invalid(f"successor_id: {user.username}'s manager {manager.username} is "
                      "deactivated; name a successor", field="successor_id",
                      type=ErrorType.INACTIVE_USER, id=manager.id)
    return manager


def deactivate_user(ctx: RequestContext, user_id: int, *, successor_id: object,
                    version: object, reason: str) -> dict[str, Any]:
    """In one transaction: the user is deactivated, every session and API token of theirs
    ends, their records of every object pass to the successor (owner and department; by
    default their manager), their role assignments end, their pending requests are
    withdrawn and the open review items they were to decide pass to another reviewer
    (workflow/offboarding.py). Reporting lines and department heads are left as they are
    (change them with an edit or a move)."""
    require_admin_or_delegate(ctx, "manage_users")
    why = clean_reason(reason)
    require_version(version)
    with admin_change(ctx):
        user = _user(ctx.session, user_id)
        if user.id == ctx.actor_id:
            raise Conflict("you cannot deactivate yourself", {"id": user.id},
                           type=ErrorType.SELF)
        if not user.active:
            raise Conflict(f"{user.username} is deactivated already", {"active": False},
                           type=ErrorType.USER_INACTIVE)
        successor = _successor(ctx.session, user, successor_id)
        if successor.id == user.id:
            raise Invalid("successor_id: the successor must be someone else",
                          field="successor_id", type=ErrorType.SAME_USER)
        check_delegated(ctx, "manage_users", [user.department_id, successor.department_id],
                        user.id)
        before = _audit_user(user)
        claim_version(ctx.session, User, user_id, version, "user")
        ctx.session.execute(update(User).where(User.id == user_id)
                            .values(active=False, deactivated_at=ctx.now)
                            .execution_options(synchronize_session=False))
        ended_sessions = end_all_for(ctx.session, user.id, ctx.now, "deactivated")
        transferred = _move_records(ctx, user.id, {"owner_id": successor.id,
                                                   "department_id": successor.department_id})
        ended = end_assignments(ctx, user.id)
        withdrawn = withdraw_requests(ctx, user.id, why)
        handed_over = hand_over_reviews(ctx, user.id, successor.id)
        ctx.session.refresh(user)
        summary = {"successor_id": successor.id, "successor": successor.username,
                   "successor_is_manager": successor_id is None,
                   "sessions_and_tokens_ended": ended_sessions,
                   "records_transferred": transferred,
                   "assignments_ended": ended,
                   "requests_withdrawn": withdrawn,
                   "review_items_reassigned": handed_over}
        log_change(ctx, "org.user_deactivated", "user", user_id, why, before=before,
                   after=_audit_user(user), details=summary)
    return user_dict(ctx.session, user) | summary


def reactivate_user(ctx: RequestContext, user_id: int, *, version: object,
                    reason: str) -> dict[str, Any]:
    """Active again, with no roles: what they may do is assigned anew."""
    require_admin_or_delegate(ctx, "manage_users")
    why = clean_reason(reason)
    require_version(version)
    with admin_change(ctx):
        user = _user(ctx.session, user_id)
        check_delegated(ctx, "manage_users", [user.department_id], user.id)
        if user.active:
            raise Conflict(f"{user.username} is active", {"active": True},
                           type=ErrorType.USER_ACTIVE)
        before = _audit_user(user)
        claim_version(ctx.session, User, user_id, version, "user")
        ctx.session.execute(update(User).where(User.id == user_id)
                            .values(active=True, deactivated_at=None)
                            .execution_options(synchronize_session=False))
        ctx.session.refresh(user)
        log_change(ctx, "org.user_reactivated", "user", user_id, why, before=before,
                   after=_audit_user(user))
    return user_dict(ctx.session, user)

