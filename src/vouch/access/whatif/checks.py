"""Validating a proposed change exactly as the real use case would, without writing.

Each check runs its use case's own validation from `vouch.access.admin` (the
`validate_*` functions the use cases call in their transactions), read-only, after the
same authority and reason checks; so a what-if answers 403, 404, 409 or 422 wherever
saving the same body would, with the same body. tests/api/test_whatif.py sends the same
bad bodies to both and compares the answers.

What a check returns is a `Proposal`: the facts the change would put in place.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.admin.assignments import (
    assignment_in_reach,
    validate_assignment,
    validate_assignment_update,
)
from vouch.access.admin.authority import require_admin_or_delegate
from vouch.access.admin.change import clean_reason
from vouch.access.admin.roles import validate_new_role, validate_role_delete, validate_role_update
from vouch.access.admin.rules import validate_rule, validate_rule_delete, validate_rule_update
from vouch.access.engine import (
    AssignmentFact,
    FieldRuleFact,
    GrantFact,
    PrincipalRef,
    RoleFact,
    RuleFact,
)
from vouch.access.models import FieldRule, Grant, Role, RolePermission
from vouch.access.whatif.proposal import NEW_ID, Proposal, changes_of
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid

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
    clean = validate_new_role(ctx, values)
    role = role_fact(ctx.session, NEW_ID, clean["parts"] | {"delegable": clean["delegable"]},
                     clean["key"], clean["name"] or clean["key"])
    return Proposal("role", "create", role_id=NEW_ID, role=role)


def _role_update(ctx: RequestContext, role_id: int, changes: dict[str, Any], version: object,
                 reason: object) -> Proposal:
    ctx.require("manage_roles")
    clean_reason(reason)
    role, scalars, parts = validate_role_update(ctx, role_id, changes, version)
    delegable = scalars.get("delegable", role.delegable)
    after = role_fact(ctx.session, role_id, parts | {"delegable": delegable},
                      name=scalars.get("name"))
    return Proposal("role", "update", role_id=role_id, role=after)


def _role_delete(ctx: RequestContext, role_id: int, version: object,
                 reason: object) -> Proposal:
    ctx.require("manage_roles")
    clean_reason(reason)
    validate_role_delete(ctx, role_id, version)
    return Proposal("role", "delete", role_id=role_id, role=None)


# --- assignments -----------------------------------------------------------------------


def _assignment_create(ctx: RequestContext, values: dict[str, Any],
                       reason: object) -> Proposal:
    require_admin_or_delegate(ctx, "manage_roles")
    clean_reason(reason)
    user, role, expiry, row = validate_assignment(
        ctx, values.get("user_id"), values.get("role_id"), values.get("expires_at"),
        lock=False)
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
    if op == "delete":
        row, user = assignment_in_reach(ctx, assignment_id, lock=False)
        return Proposal("assignment", "delete", role_id=row.role_id, user_id=user.id,
                        assignment=None)
    row, user, expiry = validate_assignment_update(ctx, assignment_id,
                                                   values.get("expires_at"), lock=False)
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
    clean = validate_rule(ctx.session, rule_kind, values)
    return Proposal(kind, "create", rule_id=NEW_ID, rule=rule_fact(NEW_ID, clean))


def _rule_change(ctx: RequestContext, kind: str, rule_kind: str, op: str, rule_id: int,
                 changes: dict[str, Any], version: object, reason: object) -> Proposal:
    ctx.require("manage_roles")
    clean_reason(reason)
    if op == "delete":
        validate_rule_delete(ctx, rule_kind, rule_id, version)
        return Proposal(kind, "delete", rule_id=rule_id, rule=None)
    _rule, clean = validate_rule_update(ctx, rule_kind, rule_id, changes, version)
    return Proposal(kind, "update", rule_id=rule_id, rule=rule_fact(rule_id, clean))


__all__ = ["RULE_KIND_OF", "check_change", "role_fact", "rule_fact"]
