"""Roles: read, create, update and delete them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from vouch.access.admin.active_assignments import active_assignment_count, assignment_active_at
from vouch.access.admin.authority import CONFIG_READERS, require_any
from vouch.access.admin.change import (
    admin_change,
    check_version,
    claim_version,
    clean_reason,
    flush_or_conflict,
    log_change,
    require_version,
)
from vouch.access.admin.departments import in_any_subtree
from vouch.access.admin.inputs import clean_name, clean_text
from vouch.access.admin.removal import delete_shares_to, refuse_if_rules_name
from vouch.access.admin.rendering import iso
from vouch.access.admin.role_parts import validate_role_parts, write_role_parts
from vouch.access.models import (
    FieldRule,
    Grant,
    Role,
    RoleAssignment,
    RoleDepartment,
    RolePermission,
)
from vouch.catalog import ACTIONS, OBJECT_NAMES
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, Invalid, NotFound
from vouch.org.models import User

_ACTION_ORDER = {a: i for i, a in enumerate(ACTIONS)}
_OBJECT_ORDER = {o: i for i, o in enumerate(OBJECT_NAMES)}


def role_summary(role: Role) -> dict[str, Any]:
    return {"id": role.id, "key": role.key, "name": role.name, "name_en": role.name_en,
            "description": role.description}


def role_document(session: Session, role: Role, now: datetime | None = None
                  ) -> dict[str, Any]:
    grants = sorted(session.scalars(select(Grant).where(Grant.role_id == role.id)),
                    key=lambda g: (_OBJECT_ORDER.get(g.object, 99),
                                   _ACTION_ORDER.get(g.action, 99)))
    rules = sorted(session.scalars(select(FieldRule).where(FieldRule.role_id == role.id)),
                   key=lambda r: (_OBJECT_ORDER.get(r.object, 99), r.field or "",
                                  r.sensitivity or ""))
    doc = role_summary(role) | {
        "delegable": role.delegable,
        "version": role.version,
        "created_at": iso(role.created_at),
        "grants": [{"object": g.object, "action": g.action, "scope": g.scope} for g in grants],
        "field_rules": [{"object": r.object, "field": r.field, "sensitivity": r.sensitivity,
                         "level": r.level} for r in rules],
        "permissions": sorted(session.scalars(
            select(RolePermission.permission).where(RolePermission.role_id == role.id))),
        "departments": sorted(session.scalars(
            select(RoleDepartment.department_id).where(RoleDepartment.role_id == role.id))),
    }
    if now is not None:
        doc["active_assignments"] = active_assignment_count(session, role.id, now)
    return doc


def list_roles(ctx: RequestContext) -> dict[str, Any]:
    full = any(p in ctx.profile.permissions for p in CONFIG_READERS)
    roles = ctx.session.scalars(select(Role).order_by(Role.id)).all()
    return {"items": [role_document(ctx.session, r, ctx.now) if full else role_summary(r)
                      for r in roles], "next_cursor": None}


def _role(session: Session, role_id: int) -> Role:
    role = session.get(Role, role_id)
    if role is None:
        raise NotFound("role", role_id)
    return role


def get_role(ctx: RequestContext, role_id: int) -> dict[str, Any]:
    require_any(ctx, *CONFIG_READERS)
    return role_document(ctx.session, _role(ctx.session, role_id), ctx.now)


def _clean_key(key: object) -> str:
    import re

    if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]{1,63}", key):
        raise Invalid("key: 2 to 64 lower-case letters, digits or _, starting with a letter",
                      field="key", type=ErrorType.FORMAT, expected="role_key")
    return key


def _check_delegable(delegable: bool, permissions: list[str]) -> None:
    if delegable and permissions:
        raise Invalid("a delegable role grants no system permission (PERMISSIONS.md); "
                      f"remove {', '.join(permissions)} or make it not delegable",
                      field="delegable", type=ErrorType.DELEGABLE_PERMISSIONS,
                      permissions=permissions)


def validate_new_role(ctx: RequestContext, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every check of creating a role after authority and reason, in the order creating it
    makes them: the role's columns (key, name, name_en, description, delegable) and its
    validated parts (under `parts`)."""
    key = _clean_key(values.get("key"))
    name = clean_name(values.get("name"), "name")
    name_en = clean_name(values.get("name_en"), "name_en", required=False)
    delegable = bool(values.get("delegable", False))
    parts = validate_role_parts(ctx.session, {
        "grants": values.get("grants", []), "field_rules": values.get("field_rules", []),
        "permissions": values.get("permissions", []),
        "departments": values.get("departments", [])})
    _check_delegable(delegable, parts["permissions"])
    if ctx.session.scalar(select(Role.id).where(Role.key == key)) is not None:
        raise Conflict(f"a role with key {key!r} exists already",
                       {"field": "key", "value": key}, type=ErrorType.TAKEN)
    description = clean_text(values.get("description"), "description", required=False,
                             limit=4000)
    return {"key": key, "name": name, "name_en": name_en, "description": description,
            "delegable": delegable, "parts": parts}


def create_role(ctx: RequestContext, values: Mapping[str, Any], reason: str) -> dict[str, Any]:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        clean = validate_new_role(ctx, values)
        parts = clean.pop("parts")
        key = clean["key"]
        role = Role(**clean, created_at=ctx.now, version=1)
        ctx.session.add(role)
        flush_or_conflict(ctx.session, f"a role with key {key!r} exists already",
                          {"field": "key", "value": key}, ErrorType.TAKEN)
        write_role_parts(ctx.session, role.id, parts)
        after = role_document(ctx.session, role)
        log_change(ctx, "access.role_created", "role", role.id, why, after=after)
    return role_document(ctx.session, role, ctx.now)


def validate_role_update(ctx: RequestContext, role_id: int, changes: Mapping[str, Any],
                         version: object) -> tuple[Role, dict[str, Any], dict[str, Any]]:
    """Every check of changing a role after authority and reason, read-only and in the
    order the change makes them (columns, parts, 404, version, delegable, holders): the
    role, the changed columns and the validated parts. The change itself then claims the
    version and runs the two-person rule's check."""
    require_version(version)
    scalars: dict[str, Any] = {}
    if "name" in changes:
        scalars["name"] = clean_name(changes["name"], "name")
    if "name_en" in changes:
        scalars["name_en"] = clean_name(changes["name_en"], "name_en", required=False)
    if "description" in changes:
        scalars["description"] = clean_text(changes["description"], "description",
                                            required=False, limit=4000)
    if "delegable" in changes:
        if not isinstance(changes["delegable"], bool):
            raise Invalid("delegable must be true or false", field="delegable",
                          type=ErrorType.FORMAT, expected="boolean")
        scalars["delegable"] = changes["delegable"]
    parts = validate_role_parts(ctx.session, changes)
    role = _role(ctx.session, role_id)
    check_version(ctx.session, Role, role_id, version, "role")
    _check_delegable(scalars.get("delegable", role.delegable),
                     parts.get("permissions", _role_permissions(ctx.session, role_id)))
    if parts.get("departments"):
        _check_holders_inside(ctx, role_id, parts["departments"])
    return role, scalars, parts


def _role_permissions(session: Session, role_id: int) -> list[str]:
    return sorted(session.scalars(
        select(RolePermission.permission).where(RolePermission.role_id == role_id)))


def update_role(ctx: RequestContext, role_id: int, changes: Mapping[str, Any], version: object,
                reason: str) -> dict[str, Any]:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        role, scalars, parts = validate_role_update(ctx, role_id, changes, version)
        before = role_document(ctx.session, role)
        claim_version(ctx.session, Role, role_id, version, "role")
        if "permissions" in parts:
            refuse_new_system_permissions_for_holders(
                ctx, role_id, set(parts["permissions"]) - set(before["permissions"]))
        if scalars:
            ctx.session.execute(update(Role).where(Role.id == role_id).values(**scalars)
                                .execution_options(synchronize_session=False))
        write_role_parts(ctx.session, role_id, parts)
        ctx.session.refresh(role)
        after = role_document(ctx.session, role)
        log_change(ctx, "access.role_updated", "role", role_id, why, before=before,
                   after=after, details={"changed": sorted(k for k in after
                                                           if before.get(k) != after[k])})
    return role_document(ctx.session, role, ctx.now)


def refuse_new_system_permissions_for_holders(ctx: RequestContext, role_id: int,
                                             added: set[str]) -> None:
    """The two-person rule: nobody makes a peer an administrator alone. A direct grant of
    such a role waits for a second administrator; adding a system permission to a role
    people already hold would bypass that, so it is refused while the rule is on (add it
    to a new role and grant that)."""
    from vouch.workflow.settings import two_person_rule_on

    if not added or not two_person_rule_on(ctx.session):
        return
    holders = sorted(ctx.session.scalars(
        select(User.username).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role_id == role_id, assignment_active_at(ctx.now))))
    if holders:
        raise Conflict(
            "the two-person rule is on: system permissions "
            f"{', '.join(sorted(added))} cannot be added to a role held by "
            f"{', '.join(holders)}; create a role with them and grant it (a second "
            "administrator approves each grant)",
            {"field": "permissions", "permissions": sorted(added), "holders": holders},
            type=ErrorType.TWO_PERSON)


def _check_holders_inside(ctx: RequestContext, role_id: int, departments: list[int]) -> None:
    """Limiting a role to departments must not leave holders outside them."""
    rows = ctx.session.execute(
        select(User.id, User.username, User.department_id)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role_id == role_id, assignment_active_at(ctx.now))
    ).all()
    outside = [username for _uid, username, dept in rows
               if not in_any_subtree(ctx.session, dept, departments)]
    if outside:
        raise Conflict("users outside those departments hold the role; end their "
                       f"assignments first: {', '.join(sorted(outside))}",
                       {"field": "departments", "users": sorted(outside)},
                       type=ErrorType.HOLDERS_OUTSIDE)


def validate_role_delete(ctx: RequestContext, role_id: int, version: object) -> Role:
    """Every check of deleting a role after authority and reason, read-only (404, version,
    still held, named by a rule): the role. The deletion then claims the version."""
    require_version(version)
    role = _role(ctx.session, role_id)
    check_version(ctx.session, Role, role_id, version, "role")
    active = active_assignment_count(ctx.session, role_id, ctx.now)
    if active:
        raise Conflict(f"role {role.key} has {active} active assignment(s); end them "
                       "first", {"active_assignments": active}, type=ErrorType.ROLE_HELD)
    refuse_if_rules_name(ctx.session, "role", (role_id,))
    return role


def delete_role(ctx: RequestContext, role_id: int, version: object,
                reason: str | None) -> None:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        role = validate_role_delete(ctx, role_id, version)
        before = role_document(ctx.session, role)
        claim_version(ctx.session, Role, role_id, version, "role")
        shares = delete_shares_to(ctx.session, ("role",), (role_id,))
        for model in (RoleAssignment, Grant, FieldRule, RolePermission, RoleDepartment):
            ctx.session.execute(delete(model).where(model.role_id == role_id))
        ctx.session.execute(delete(Role).where(Role.id == role_id))
        log_change(ctx, "access.role_deleted", "role", role_id, why, before=before,
                   details={"shares_removed": shares})
