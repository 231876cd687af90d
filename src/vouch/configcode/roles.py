"""Roles in the document: the canonical item (the same for an export and for a parsed
document, so equal configurations compare equal), read from the database, and checked
with the admin API's own validators."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.admin.inputs import clean_name, clean_text
from vouch.access.admin.role_parts import (
    validate_departments,
    validate_field_rules,
    validate_grants,
    validate_permissions,
)
from vouch.access.admin.roles import _check_delegable, _clean_key
from vouch.access.models import FieldRule, Grant, Role, RoleDepartment, RolePermission
from vouch.catalog import ACTIONS, OBJECT_MAP, OBJECT_NAMES, Sensitivity
from vouch.configcode.keys import Directory, UnknownKey
from vouch.configcode.problems import Problems, under

GrantRow = tuple[str, str, str]  # object, action, scope
FieldRow = tuple[str, str | None, str | None, str]  # object, field, class, level

_OBJECT_ORDER = {o: i for i, o in enumerate(OBJECT_NAMES)}
_ACTION_ORDER = {a: i for i, a in enumerate(ACTIONS)}
_CLASS_ORDER = {s.value: i for i, s in enumerate(Sensitivity)}
ROLE_KEYS = ("key", "name", "description", "delegable", "permissions", "departments",
             "grants", "fields")


def _field_order(obj: str, field: str) -> int:
    names = list(OBJECT_MAP[obj].field_map) if obj in OBJECT_MAP else []
    return names.index(field) if field in names else len(names)


def role_item(key: str, name: str | None, name_en: str | None, description: str | None,
              delegable: bool, permissions: Iterable[str], departments: Iterable[object],
              grants: Iterable[GrantRow], field_rules: Iterable[FieldRow]) -> dict[str, Any]:
    """The canonical role item: every key present, each part in one fixed order."""
    by_object: dict[str, dict[str, str]] = {}
    for obj, action, scope in sorted(grants, key=lambda g: (_OBJECT_ORDER.get(g[0], 99), g[0],
                                                            _ACTION_ORDER.get(g[1], 99), g[1])):
        by_object.setdefault(obj, {})[action] = scope
    by_class: dict[str, dict[str, str]] = {}
    by_field: dict[str, dict[str, str]] = {}
    for obj, field, sens, level in sorted(
            field_rules, key=lambda r: (_OBJECT_ORDER.get(r[0], 99), r[0],
                                        _CLASS_ORDER.get(r[2] or "", 99),
                                        _field_order(r[0], r[1] or ""), r[1] or "")):
        if sens is not None:
            by_class.setdefault(obj, {})[sens] = level
        elif field is not None:
            by_field.setdefault(obj, {})[field] = level
    return {
        "key": key,
        "name": {"zh": name, "en": name_en},
        "description": description,
        "delegable": delegable,
        "permissions": sorted(permissions),
        "departments": sorted(departments, key=str),
        "grants": by_object,
        "fields": {"by_class": by_class, "by_field": by_field},
    }


def live_roles(session: Session, d: Directory) -> dict[str, dict[str, Any]]:
    """Every stored role as its canonical item, by key."""
    grants: dict[int, list[GrantRow]] = {}
    for g in session.scalars(select(Grant)):
        grants.setdefault(g.role_id, []).append((g.object, g.action, g.scope))
    rules: dict[int, list[FieldRow]] = {}
    for r in session.scalars(select(FieldRule)):
        rules.setdefault(r.role_id, []).append((r.object, r.field, r.sensitivity, r.level))
    perms: dict[int, list[str]] = {}
    for role_id, perm in session.execute(select(RolePermission.role_id,
                                                RolePermission.permission)).tuples():
        perms.setdefault(role_id, []).append(perm)
    depts: dict[int, list[object]] = {}
    for role_id, dept in session.execute(select(RoleDepartment.role_id,
                                                RoleDepartment.department_id)).tuples():
        depts.setdefault(role_id, []).append(d.department_path(dept))
    return {role.key: role_item(role.key, role.name, role.name_en, role.description,
                                role.delegable, perms.get(role.id, []),
                                depts.get(role.id, []), grants.get(role.id, []),
                                rules.get(role.id, []))
            for role in session.scalars(select(Role).order_by(Role.key))}


@dataclass
class RoleIn:
    """A role of the document, checked: its canonical item and the values to write."""

    path: str
    item: dict[str, Any]
    name: str
    name_en: str | None
    description: str | None
    delegable: bool
    parts: dict[str, Any]  # grants, field_rules, permissions, departments (ids)


def _mapping(value: object, path: str, problems: Problems, what: str) -> Mapping[Any, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.add(path, f"must be a mapping of {what}", "validation.format",
                     expected="object")
        return {}
    return value


def _list(value: object, path: str, problems: Problems) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(path, "must be a list", "validation.format", expected="list")
        return []
    return value


def parse_role(raw: object, path: str, session: Session, d: Directory,
               problems: Problems) -> RoleIn | None:
    """One role of the document, each of its problems named by its path; None when it
    has any (the role's key is still reserved by the caller, so rules naming it do not
    report a second, misleading error)."""
    before = len(problems.items)
    if not isinstance(raw, Mapping):
        problems.add(path, "a role must be a mapping (key, name, grants, …)",
                     "validation.format", expected="object")
        return None
    unknown = sorted(set(map(str, raw)) - set(ROLE_KEYS))
    for k in unknown:
        problems.add(f"{path}.{k}", f"unknown key {k!r}; a role has "
                     f"{', '.join(ROLE_KEYS)}", "validation.unknown")
    key = str(raw.get("key"))
    with problems.catch(under(f"{path}.key", "key")):
        key = _clean_key(raw.get("key"))
    names = _mapping(raw.get("name"), f"{path}.name", problems, "languages (zh, en)")
    for lang in sorted(set(map(str, names)) - {"zh", "en"}):
        problems.add(f"{path}.name.{lang}", "names are given in zh and en",
                     "validation.unknown")
    name: str | None = None
    name_en: str | None = None
    with problems.catch(under(f"{path}.name.zh", "name")):
        name = clean_name(names.get("zh"), "name")
    with problems.catch(under(f"{path}.name.en", "name_en")):
        name_en = clean_name(names.get("en"), "name_en", required=False)
    description: str | None = None
    with problems.catch(under(f"{path}.description", "description")):
        description = clean_text(raw.get("description"), "description", required=False,
                                 limit=4000)
    delegable = raw.get("delegable", False)
    if not isinstance(delegable, bool):
        problems.add(f"{path}.delegable", "must be true or false", "validation.format",
                     expected="boolean")
        delegable = False
    grants = _grants(raw.get("grants"), f"{path}.grants", problems)
    field_rules = _field_rules(raw.get("fields"), f"{path}.fields", problems)
    permissions: list[str] = []
    for i, perm in enumerate(_list(raw.get("permissions"), f"{path}.permissions", problems)):
        with problems.catch(under(f"{path}.permissions[{i}]", "permissions[0]")):
            permissions += validate_permissions([perm])
    department_ids: list[int] = []
    for i, dept_path in enumerate(_list(raw.get("departments"), f"{path}.departments",
                                        problems)):
        try:
            dept_id = d.department_id(dept_path)
        except UnknownKey as exc:
            problems.add(f"{path}.departments[{i}]", exc.message, exc.type)
            continue
        with problems.catch(under(f"{path}.departments[{i}]", "departments[0]")):
            department_ids += validate_departments(session, [dept_id])
    with problems.catch(under(f"{path}.delegable", "delegable")):
        _check_delegable(delegable, sorted(set(permissions)))
    if len(problems.items) > before or name is None:
        return None
    perms, depts = sorted(set(permissions)), sorted(set(department_ids))
    parts: dict[str, Any] = {"grants": grants, "field_rules": field_rules,
                             "permissions": perms, "departments": depts}
    item = role_item(key, name, name_en, description, delegable, perms,
                     [d.department_path(i) for i in depts], grants, field_rules)
    return RoleIn(path, item, name, name_en, description, delegable, parts)


def _grants(raw: object, path: str, problems: Problems) -> list[GrantRow]:
    """`grants: {object: {action: scope}}`, each checked by the admin validator."""
    out: list[GrantRow] = []
    for obj, actions in _mapping(raw, path, problems, "objects").items():
        for action, scope in _mapping(actions, f"{path}.{obj}", problems,
                                      "actions to scopes").items():
            where = f"{path}.{obj}.{action}"

            def remap(p: str, obj_path: str = f"{path}.{obj}", where: str = where) -> str:
                return obj_path if p.endswith(".object") else where
            with problems.catch(remap):
                out += validate_grants([{"object": obj, "action": action, "scope": scope}])
    return out


def _field_rules(raw: object, path: str, problems: Problems) -> list[FieldRow]:
    """`fields: {by_class: {object: {class: level}}, by_field: {object: {field: level}}}`."""
    fields = _mapping(raw, path, problems, "by_class and by_field")
    for k in sorted(set(map(str, fields)) - {"by_class", "by_field"}):
        problems.add(f"{path}.{k}", "field levels are given by_class and by_field",
                     "validation.unknown")
    out: list[FieldRow] = []
    for kind, target in (("by_class", "sensitivity"), ("by_field", "field")):
        for obj, levels in _mapping(fields.get(kind), f"{path}.{kind}", problems,
                                    "objects").items():
            for name, level in _mapping(levels, f"{path}.{kind}.{obj}", problems,
                                        "levels").items():
                where = f"{path}.{kind}.{obj}.{name}"

                def remap(p: str, obj_path: str = f"{path}.{kind}.{obj}",
                          where: str = where) -> str:
                    return obj_path if p.endswith(".object") else where
                with problems.catch(remap):
                    out += validate_field_rules([{"object": obj, target: name,
                                                  "level": level}])
    return out
