"""A role's parts (grants, field rules, system permissions, allowed departments):
validated, then written in place of the old ones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from vouch.access.admin.inputs import clean_choice, row_exists
from vouch.access.models import FieldRule, Grant, RoleDepartment, RolePermission
from vouch.catalog import (
    ACTIONS,
    OBJECT_ACTIONS,
    OBJECT_MAP,
    OBJECT_NAMES,
    SYSTEM_PERMISSIONS,
    FieldLevel,
    Scope,
    Sensitivity,
)
from vouch.errors import ErrorType, Invalid
from vouch.org.models import Department


def validate_grants(raw: object) -> list[tuple[str, str, str]]:
    if not isinstance(raw, list):
        raise Invalid("grants must be a list", field="grants", type=ErrorType.FORMAT,
                      expected="list")
    out: list[tuple[str, str, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for i, g in enumerate(raw):
        path = f"grants[{i}]"
        if not isinstance(g, Mapping):
            raise Invalid(f"{path} must be an object", field=path, type=ErrorType.FORMAT,
                          expected="object")
        obj = clean_choice(g.get("object"), OBJECT_NAMES, "object", f"{path}.object")
        action = clean_choice(g.get("action"), ACTIONS, "action", f"{path}.action")
        scope = clean_choice(g.get("scope"), [s.value for s in Scope], "scope", f"{path}.scope")
        if action in OBJECT_ACTIONS and scope not in (Scope.ALL, Scope.NONE):
            raise Invalid(f"{path}.scope: {action} is an object action; its scope is all "
                          "(granted) or none", field=f"{path}.scope",
                          type=ErrorType.OBJECT_ACTION_SCOPE, action=action)
        if (obj, action) in seen:
            raise Invalid(f"{path}: {action} on {obj} is already granted by "
                          f"grants[{seen[obj, action]}]", field=path,
                          type=ErrorType.DUPLICATE, other=f"grants[{seen[obj, action]}]")
        seen[obj, action] = i
        out.append((obj, action, scope))
    return out


def validate_field_rules(raw: object) -> list[tuple[str, str | None, str | None, str]]:
    if not isinstance(raw, list):
        raise Invalid("field_rules must be a list", field="field_rules",
                      type=ErrorType.FORMAT, expected="list")
    out: list[tuple[str, str | None, str | None, str]] = []
    seen: dict[tuple[str, str | None, str | None], int] = {}
    for i, r in enumerate(raw):
        path = f"field_rules[{i}]"
        if not isinstance(r, Mapping):
            raise Invalid(f"{path} must be an object", field=path, type=ErrorType.FORMAT,
                          expected="object")
        obj = clean_choice(r.get("object"), OBJECT_NAMES, "object", f"{path}.object")
        field, sens = r.get("field"), r.get("sensitivity")
        if (field is None) == (sens is None):
            raise Invalid(f"{path}: give exactly one of field or sensitivity", field=path,
                          type=ErrorType.EXACTLY_ONE, options=["field", "sensitivity"])
        if field is not None:
            field = clean_choice(field, OBJECT_MAP[obj].field_map, f"field of {obj}",
                                 f"{path}.field")
        if sens is not None:
            sens = clean_choice(sens, [s.value for s in Sensitivity], "sensitivity class",
                                f"{path}.sensitivity")
        level = clean_choice(r.get("level"), [v.value for v in FieldLevel], "level",
                             f"{path}.level")
        key = (obj, field, sens)
        if key in seen:
            raise Invalid(f"{path}: the same rule as field_rules[{seen[key]}]", field=path,
                          type=ErrorType.DUPLICATE, other=f"field_rules[{seen[key]}]")
        seen[key] = i
        out.append((obj, field, sens, level))
    return out


def validate_permissions(raw: object) -> list[str]:
    if not isinstance(raw, list):
        raise Invalid("permissions must be a list", field="permissions",
                      type=ErrorType.FORMAT, expected="list")
    return sorted({clean_choice(p, SYSTEM_PERMISSIONS, "system permission", f"permissions[{i}]")
                   for i, p in enumerate(raw)})


def validate_departments(session: Session, raw: object, field: str = "departments"
                         ) -> list[int]:
    if not isinstance(raw, list):
        raise Invalid(f"{field} must be a list", field=field, type=ErrorType.FORMAT,
                      expected="list")
    for i, d in enumerate(raw):
        if not row_exists(session, Department, d):
            raise Invalid(f"{field}[{i}]: no department {d!r}", field=f"{field}[{i}]",
                          type=ErrorType.NO_SUCH, kind="department", id=d)
    return sorted(set(raw))


def write_role_parts(session: Session, role_id: int, parts: Mapping[str, Any]) -> None:
    """Replace the role's grants, field rules, permissions and departments that `parts`
    carries (validated values)."""
    if "grants" in parts:
        session.execute(delete(Grant).where(Grant.role_id == role_id))
        if parts["grants"]:
            session.execute(insert(Grant), [
                {"role_id": role_id, "object": o, "action": a, "scope": s}
                for o, a, s in parts["grants"]])
    if "field_rules" in parts:
        session.execute(delete(FieldRule).where(FieldRule.role_id == role_id))
        if parts["field_rules"]:
            session.execute(insert(FieldRule), [
                {"role_id": role_id, "object": o, "field": f, "sensitivity": c, "level": lv}
                for o, f, c, lv in parts["field_rules"]])
    if "permissions" in parts:
        session.execute(delete(RolePermission).where(RolePermission.role_id == role_id))
        if parts["permissions"]:
            session.execute(insert(RolePermission), [
                {"role_id": role_id, "permission": p} for p in parts["permissions"]])
    if "departments" in parts:
        session.execute(delete(RoleDepartment).where(RoleDepartment.role_id == role_id))
        if parts["departments"]:
            session.execute(insert(RoleDepartment), [
                {"role_id": role_id, "department_id": d} for d in parts["departments"]])


def validate_role_parts(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    if "grants" in values:
        parts["grants"] = validate_grants(values["grants"])
    if "field_rules" in values:
        parts["field_rules"] = validate_field_rules(values["field_rules"])
    if "permissions" in values:
        parts["permissions"] = validate_permissions(values["permissions"])
    if "departments" in values:
        parts["departments"] = validate_departments(session, values["departments"])
    return parts
