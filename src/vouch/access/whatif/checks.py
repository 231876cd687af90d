"""Validating a proposed change exactly as the real use case would, without writing.

Each function follows its use case in `vouch.access.admin` step by step (authority, reason,
input, existence, version, conflicts) with the same helpers, so a what-if answers 403,
404, 409 or 422 wherever saving the same body would, with the same body. The steps that
are inline in a use case are repeated here; tests/api/test_whatif.py sends the same bad
bodies to both and compares the answers, so the two cannot drift apart unnoticed.

What a check returns is a `Proposal`: the facts the change would put in place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.admin.active_assignments import active_assignment_count
from vouch.access.admin.assignments import check_delegated_assignment, check_role_departments
from vouch.access.admin.authority import require_admin_or_delegate
from vouch.access.admin.change import clean_reason, require_version
from vouch.access.admin.departments import in_any_subtree
from vouch.access.admin.inputs import clean_name, clean_text, future_instant, is_db_id
from vouch.access.admin.removal import refuse_if_rules_name
from vouch.access.admin.role_parts import validate_role_parts
from vouch.access.admin.roles import _check_delegable, _check_holders_inside, _clean_key
from vouch.access.admin.rules import RULE_KINDS, _validate_rule
from vouch.access.engine import (
    AssignmentFact,
    FieldRuleFact,
    GrantFact,
    PrincipalRef,
    RoleFact,
    RuleFact,
)
from vouch.access.models import (
    FieldRule,
    Grant,
    Role,
    RoleAssignment,
    RoleDepartment,
    RolePermission,
)
from vouch.access.whatif.proposal import NEW_ID, Proposal, changes_of
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, Invalid, NotFound
from vouch.org.models import User

RULE_KIND_OF = {"sharing_rule": "sharing", "restriction_rule": "restriction"}


def check_change(ctx: RequestContext, kind: str, op: str, target_id: int | None,
                 body: BaseModel) -> Proposal:
    """The proposal, or the error the real endpoint would answer."""
    if op == "create" and target_id is not None:
        raise Invalid("change.id: a create names no id (the new row has none yet)",
                      field="change.id", type=ErrorType.NOT_ALLOWED)
    if op != "create" and target_id is None:
        raise Invalid(f"change.id: which {kind} to {op}", field="change.id",
                      type=ErrorType.REQUIRED)
    values = changes_of(body)
    reason: Any = getattr(body, "reason", None)
    version: Any = getattr(body, "version", None)
    if kind == "role":
        if op == "create":
            return _role_create(ctx, values, reason)
        assert target_id is not None
        if op == "update":
            return _role_update(ctx, target_id, values, version, reason)
        return _role_delete(ctx, target_id, version, reason)
    if kind == "assignment":
        if op == "create":
            return _assignment_create(ctx, values, reason)
        assert target_id is not None
        return _assignment_change(ctx, op, target_id, values, reason)
    rule_kind = RULE_KIND_OF[kind]
    if op == "create":
        return _rule_create(ctx, kind, rule_kind, values, reason)
    assert target_id is not None
    return _rule_change(ctx, kind, rule_kind, op, target_id, values, version, reason)


def check_version(session: Session, model: Any, row_id: int, version: object,
                  label: str) -> None:
    """`claim_version` without the UPDATE: 404 when the row is gone, 409 (the same body)
    when it is at another version than the one sent."""
    sent = require_version(version)
    current = session.scalar(select(model.version).where(model.id == row_id))
    if current is None:
        raise NotFound(label, row_id)
    if current != sent:
        raise Conflict(
            f"{label} {row_id} was changed by someone else (version {current}, you sent "
            f"{sent}); read it again and repeat your change",
            {"object": label, "id": row_id, "current_version": current,
             "sent_version": sent}, type=ErrorType.STALE_VERSION,
        )


# --- roles -----------------------------------------------------------------------------


def role_fact(session: Session, role_id: int, parts: dict[str, Any] | None = None,
              key: str | None = None, name: str | None = None) -> RoleFact:
    """The role's facts as stored, with the validated `parts` (grants, field rules,
    permissions) replacing the stored ones where given. Grants at scope none are kept as
    the engine reads them (it ignores them)."""
    parts = parts or {}
    role = session.get(Role, role_id) if role_id != NEW_ID else None
    if "grants" in parts:
        grants = tuple(GrantFact(o, a, s) for o, a, s in parts["grants"])
    else:
        grants = tuple(GrantFact(g.object, g.action, g.scope) for g in session.scalars(
            select(Grant).where(Grant.role_id == role_id).order_by(Grant.id)))
    if "field_rules" in parts:
        rules = tuple(FieldRuleFact(o, f, c, lv) for o, f, c, lv in parts["field_rules"])
    else:
        rules = tuple(FieldRuleFact(r.object, r.field, r.sensitivity, r.level)
                      for r in session.scalars(select(FieldRule).where(
                          FieldRule.role_id == role_id).order_by(FieldRule.id)))
    if "permissions" in parts:
        perms = frozenset(parts["permissions"])
    else:
        perms = frozenset(session.scalars(select(RolePermission.permission).where(
            RolePermission.role_id == role_id)))
    delegable = parts.get("delegable", role.delegable if role is not None else False)
    return RoleFact(role_id, key or (role.key if role else ""),
                    name or (role.name if role else ""), grants, rules, perms, delegable)


def _role_create(ctx: RequestContext, values: dict[str, Any], reason: object) -> Proposal:
    ctx.require("manage_roles")
    clean_reason(reason)
    key = _clean_key(values.get("key"))
    name = clean_name(values.get("name"), "name")
    clean_name(values.get("name_en"), "name_en", required=False)
    delegable = bool(values.get("delegable", False))
    parts = validate_role_parts(ctx.session, {
        "grants": values.get("grants", []), "field_rules": values.get("field_rules", []),
        "permissions": values.get("permissions", []),
        "departments": values.get("departments", [])})
    _check_delegable(delegable, parts["permissions"])
    if ctx.session.scalar(select(Role.id).where(Role.key == key)) is not None:
        raise Conflict(f"a role with key {key!r} exists already",
                       {"field": "key", "value": key}, type=ErrorType.TAKEN)
    clean_text(values.get("description"), "description", required=False, limit=4000)
    role = role_fact(ctx.session, NEW_ID, parts | {"delegable": delegable}, key, name or key)
    return Proposal("role", "create", role_id=NEW_ID, role=role)


def _role_update(ctx: RequestContext, role_id: int, changes: dict[str, Any], version: object,
                 reason: object) -> Proposal:
    ctx.require("manage_roles")
    clean_reason(reason)
    require_version(version)
    name = None
    if "name" in changes:
        name = clean_name(changes["name"], "name")
    if "name_en" in changes:
        clean_name(changes["name_en"], "name_en", required=False)
    if "description" in changes:
        clean_text(changes["description"], "description", required=False, limit=4000)
    if "delegable" in changes and not isinstance(changes["delegable"], bool):
        raise Invalid("delegable must be true or false", field="delegable",
                      type=ErrorType.FORMAT, expected="boolean")
    parts = validate_role_parts(ctx.session, changes)
    role = ctx.session.get(Role, role_id)
    if role is None:
        raise NotFound("role", role_id)
    check_version(ctx.session, Role, role_id, version, "role")
    delegable = changes.get("delegable", role.delegable)
    permissions = parts.get("permissions", sorted(ctx.session.scalars(
        select(RolePermission.permission).where(RolePermission.role_id == role_id))))
    _check_delegable(delegable, permissions)
    if parts.get("departments"):
        _check_holders_inside(ctx, role_id, parts["departments"])
    after = role_fact(ctx.session, role_id, parts | {"delegable": delegable}, name=name)
    return Proposal("role", "update", role_id=role_id, role=after)


def _role_delete(ctx: RequestContext, role_id: int, version: object,
                 reason: object) -> Proposal:
    ctx.require("manage_roles")
    clean_reason(reason)
    require_version(version)
    role = ctx.session.get(Role, role_id)
    if role is None:
        raise NotFound("role", role_id)
    check_version(ctx.session, Role, role_id, version, "role")
    active = active_assignment_count(ctx.session, role_id, ctx.now)
    if active:
        raise Conflict(f"role {role.key} has {active} active assignment(s); end them "
                       "first", {"active_assignments": active}, type=ErrorType.ROLE_HELD)
    refuse_if_rules_name(ctx.session, "role", (role_id,))
    return Proposal("role", "delete", role_id=role_id, role=None)


# --- assignments -----------------------------------------------------------------------


def _assignment_create(ctx: RequestContext, values: dict[str, Any],
                       reason: object) -> Proposal:
    require_admin_or_delegate(ctx, "manage_roles")
    clean_reason(reason)
    user_id, role_id = values.get("user_id"), values.get("role_id")
    expires_at: datetime | None = values.get("expires_at")
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
    row = ctx.session.scalars(select(RoleAssignment).where(
        RoleAssignment.user_id == user.id, RoleAssignment.role_id == role.id)).first()
    if row is not None and (row.expires_at is None or ctx.now < row.expires_at):
        raise Conflict(f"{user.username} holds {role.key} already (assignment "
                       f"{row.id}); change its expiry instead",
                       {"assignment_id": row.id}, type=ErrorType.ALREADY_HOLDS)
    # Separation of duties: a conflicting role pair is refused as saving it would be.
    from vouch.workflow.common import role_permissions
    from vouch.workflow.settings import two_person_rule_on
    from vouch.workflow.two_person import refuse_conflicting_role

    refuse_conflicting_role(ctx, user, role)
    # Under the two-person rule saving it makes a grant request; its impact is the grant's.
    approval = two_person_rule_on(ctx.session) and bool(role_permissions(ctx.session, role.id))
    # An ended assignment of the same role is given again (the real use case reuses it).
    fact = AssignmentFact(row.id if row is not None else NEW_ID, role.id, expiry)
    return Proposal("assignment", "create", role_id=role.id, user_id=user.id,
                    assignment=fact, needs_approval=approval)


def _assignment_change(ctx: RequestContext, op: str, assignment_id: int,
                       values: dict[str, Any], reason: object) -> Proposal:
    require_admin_or_delegate(ctx, "manage_roles")
    clean_reason(reason)
    expiry = None
    if op == "update":
        expiry = future_instant(ctx, values.get("expires_at"), "expires_at")
    row = ctx.session.get(RoleAssignment, assignment_id)
    if row is None:
        raise NotFound("role_assignment", assignment_id)
    user = ctx.session.get(User, row.user_id)
    assert user is not None
    check_delegated_assignment(ctx, user, ctx.session.get(Role, row.role_id))
    if op == "delete":
        return Proposal("assignment", "delete", role_id=row.role_id, user_id=user.id,
                        assignment=None)
    if not user.active:
        raise Conflict(f"{user.username} is deactivated", {"user_id": user.id},
                       type=ErrorType.USER_INACTIVE)
    allowed = list(ctx.session.scalars(select(RoleDepartment.department_id)
                                       .where(RoleDepartment.role_id == row.role_id)))
    if not in_any_subtree(ctx.session, user.department_id, allowed):
        raise Conflict(f"{user.username}'s department is outside the departments the "
                       "role is limited to", {"departments": sorted(allowed)},
                       type=ErrorType.OUTSIDE_DEPARTMENTS)
    return Proposal("assignment", "update", role_id=row.role_id, user_id=user.id,
                    assignment=AssignmentFact(row.id, row.role_id, expiry))


# --- sharing and restriction rules ---------------------------------------------------------


def rule_fact(rule_id: int, clean: dict[str, Any]) -> RuleFact | None:
    """The rule as the engine would load it: only an active rule is in force."""
    if not clean["active"]:
        return None
    principals = tuple(PrincipalRef(str(p["kind"]), p.get("id")) for p in clean["principals"])
    return RuleFact(rule_id, clean["name"], clean["object"], clean["condition"], principals,
                    clean.get("access"))


def _rule_create(ctx: RequestContext, kind: str, rule_kind: str, values: dict[str, Any],
                 reason: object) -> Proposal:
    ctx.require("manage_roles")
    clean_reason(reason)
    clean = _validate_rule(ctx.session, rule_kind, values)
    return Proposal(kind, "create", rule_id=NEW_ID, rule=rule_fact(NEW_ID, clean))


def _rule_change(ctx: RequestContext, kind: str, rule_kind: str, op: str, rule_id: int,
                 changes: dict[str, Any], version: object, reason: object) -> Proposal:
    from vouch.access.admin.rules import rule_dict

    ctx.require("manage_roles")
    clean_reason(reason)
    require_version(version)
    model, label = RULE_KINDS[rule_kind]
    row = ctx.session.get(model, rule_id)
    if row is None:
        raise NotFound(label, rule_id)
    if op == "delete":
        check_version(ctx.session, model, rule_id, version, label)
        return Proposal(kind, "delete", rule_id=rule_id, rule=None)
    before = rule_dict(row)
    merged = {k: v for k, v in before.items() if k not in ("id", "version")} | changes
    clean = _validate_rule(ctx.session, rule_kind, merged)
    check_version(ctx.session, model, rule_id, version, label)
    return Proposal(kind, "update", rule_id=rule_id, rule=rule_fact(rule_id, clean))


__all__ = ["RULE_KIND_OF", "check_change", "check_version", "role_fact", "rule_fact"]
