"""Sharing and restriction rules: validate their conditions and principals; read,
create, update and delete them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from vouch.access.admin.authority import CONFIG_READERS, require_any
from vouch.access.admin.change import (
    admin_change,
    check_version,
    claim_version,
    clean_reason,
    log_change,
    require_version,
)
from vouch.access.admin.departments import department_parents
from vouch.access.admin.inputs import (
    MAX_ID,
    clean_choice,
    clean_name,
    clean_text,
    reject_nul,
    row_exists,
)
from vouch.access.engine.condition import ConditionError, parse_condition
from vouch.access.models import RestrictionRule, Role, SharingRule
from vouch.catalog import OBJECT_MAP, OBJECT_NAMES, FieldType, PrincipalKind, ShareAccess
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid, NotFound
from vouch.org.models import Department, User

RULE_PRINCIPAL_KINDS = (*PrincipalKind, "all")
RULE_KINDS: dict[str, tuple[Any, str]] = {
    "sharing": (SharingRule, "sharing_rule"),
    "restriction": (RestrictionRule, "restriction_rule"),
}


def rule_dict(rule: SharingRule | RestrictionRule) -> dict[str, Any]:
    out = {"id": rule.id, "name": rule.name, "object": rule.object,
           "condition": rule.condition, "principals": rule.principals,
           "active": rule.active, "description": rule.description, "version": rule.version}
    if isinstance(rule, SharingRule):
        out["access"] = rule.access
    return out


def validate_condition(session: Session, obj: str, cond: object) -> Any:
    """The condition as the engine will read it; errors name the JSON path under
    `condition` (for example `condition.and[1].value`)."""
    reject_nul(cond, "condition")
    try:
        parse_condition(obj, cond, department_parents(session))
    except ConditionError as exc:
        path = "condition" + exc.path[1:] if exc.path.startswith("$") else exc.path
        raise Invalid(f"{path}: {exc.message}", field=path, type=ErrorType.CONDITION,
                      path=path) from None
    _check_integers(obj, cond, "condition")
    return cond


def _check_integers(obj: str, cond: object, path: str) -> None:
    """Values compared with an integer column must fit it: a rule the database cannot
    evaluate would break every list it applies to."""
    if isinstance(cond, list):
        for i, item in enumerate(cond):
            _check_integers(obj, item, f"{path}[{i}]")
        return
    if not isinstance(cond, dict):
        return
    name = cond.get("field")
    if "value" in cond and isinstance(name, str):
        fdef = OBJECT_MAP[obj].field_map.get(name)
        if name in ("id", "owner_id", "department_id") or (
                fdef is not None and fdef.type in (FieldType.INTEGER, FieldType.REFERENCE)):
            raw = cond["value"]
            values = raw if isinstance(raw, list) else [raw]
            for i, v in enumerate(values):
                if is_number(v) and not -MAX_ID - 1 <= v <= MAX_ID:
                    where = f"{path}.value" + (f"[{i}]" if isinstance(raw, list) else "")
                    raise Invalid(f"{where}: {v} is out of range", field=where,
                                  type=ErrorType.RANGE, min=-MAX_ID, max=MAX_ID)
        return
    for key in ("and", "or", "not"):
        if key in cond:
            _check_integers(obj, cond[key], f"{path}.{key}")


def is_number(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def validate_principals(session: Session, raw: object) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise Invalid("principals must be a non-empty list", field="principals",
                      type=ErrorType.COUNT if isinstance(raw, list) else ErrorType.FORMAT,
                      expected="list", min=1)
    out: list[dict[str, Any]] = []
    models = {"user": User, "role": Role, "department": Department,
              "department_tree": Department}
    for i, p in enumerate(raw):
        path = f"principals[{i}]"
        if not isinstance(p, Mapping):
            raise Invalid(f"{path} must be an object", field=path, type=ErrorType.FORMAT,
                          expected="object")
        extra = set(p) - {"kind", "id"}
        if extra:
            raise Invalid(f"{path}: unknown key(s) {', '.join(sorted(extra))}",
                          field=f"{path}.{sorted(extra)[0]}", type=ErrorType.UNKNOWN)
        kind = clean_choice(p.get("kind"), RULE_PRINCIPAL_KINDS, "principal kind", f"{path}.kind")
        pid = p.get("id")
        if kind == "all":
            if pid is not None:
                raise Invalid(f"{path}.id: the principal all takes no id", field=f"{path}.id",
                              type=ErrorType.NOT_ALLOWED)
            entry: dict[str, Any] = {"kind": "all"}
        else:
            if not row_exists(session, models[kind], pid):
                raise Invalid(f"{path}.id: no {kind.replace('_tree', '')} {pid!r}",
                              field=f"{path}.id", type=ErrorType.NO_SUCH,
                              kind=kind.replace("_tree", ""), id=pid)
            entry = {"kind": kind, "id": pid}
        if entry in out:
            raise Invalid(f"{path}: named twice", field=path, type=ErrorType.DUPLICATE)
        out.append(entry)
    return out


def _rule_kind(kind: str) -> tuple[Any, str]:
    return RULE_KINDS[kind]


def list_rules(ctx: RequestContext, kind: str, obj: str | None = None) -> dict[str, Any]:
    require_any(ctx, *CONFIG_READERS)
    model, _label = _rule_kind(kind)
    stmt = select(model).order_by(model.id)
    if obj is not None:
        clean_choice(obj, OBJECT_NAMES, "object", "object")
        stmt = stmt.where(model.object == obj)
    return {"items": [rule_dict(r) for r in ctx.session.scalars(stmt)], "next_cursor": None}


def _rule(session: Session, kind: str, rule_id: int) -> SharingRule | RestrictionRule:
    model, label = _rule_kind(kind)
    row: SharingRule | RestrictionRule | None = session.get(model, rule_id)
    if row is None:
        raise NotFound(label, rule_id)
    return row


def get_rule(ctx: RequestContext, kind: str, rule_id: int) -> dict[str, Any]:
    require_any(ctx, *CONFIG_READERS)
    return rule_dict(_rule(ctx.session, kind, rule_id))


def validate_rule(session: Session, kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every check of creating a rule after authority and reason: the whole rule as it
    will be stored (values carry every field)."""
    obj = clean_choice(values.get("object"), OBJECT_NAMES, "object", "object")
    clean: dict[str, Any] = {
        "name": clean_name(values.get("name"), "name"),
        "object": obj,
        "condition": validate_condition(session, obj, values.get("condition")),
        "principals": validate_principals(session, values.get("principals")),
        "active": values.get("active", True),
        "description": clean_text(values.get("description"), "description", required=False,
                                  limit=4000),
    }
    if not isinstance(clean["active"], bool):
        raise Invalid("active must be true or false", field="active", type=ErrorType.FORMAT,
                      expected="boolean")
    if kind == "sharing":
        clean["access"] = clean_choice(values.get("access"), [a.value for a in ShareAccess],
                                       "access", "access")
    return clean


def create_rule(ctx: RequestContext, kind: str, values: Mapping[str, Any],
                reason: str) -> dict[str, Any]:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    model, label = _rule_kind(kind)
    with admin_change(ctx):
        clean = validate_rule(ctx.session, kind, values)
        rule = model(**clean, version=1)
        ctx.session.add(rule)
        ctx.session.flush()
        after = rule_dict(rule)
        log_change(ctx, f"access.{label}_created", label, rule.id, why, after=after)
    return after


def validate_rule_update(ctx: RequestContext, kind: str, rule_id: int,
                         changes: Mapping[str, Any], version: object
                         ) -> tuple[SharingRule | RestrictionRule, dict[str, Any]]:
    """Every check of changing a rule after authority and reason, read-only (version sent,
    404, the merged rule, version current): the rule and the whole rule as it will be
    stored. The change then claims the version."""
    require_version(version)
    model, label = _rule_kind(kind)
    rule = _rule(ctx.session, kind, rule_id)
    merged = {k: v for k, v in rule_dict(rule).items()
              if k not in ("id", "version")} | dict(changes)
    clean = validate_rule(ctx.session, kind, merged)
    check_version(ctx.session, model, rule_id, version, label)
    return rule, clean


def update_rule(ctx: RequestContext, kind: str, rule_id: int, changes: Mapping[str, Any],
                version: object, reason: str) -> dict[str, Any]:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    model, label = _rule_kind(kind)
    with admin_change(ctx):
        rule, clean = validate_rule_update(ctx, kind, rule_id, changes, version)
        before = rule_dict(rule)
        claim_version(ctx.session, model, rule_id, version, label)
        ctx.session.execute(update(model).where(model.id == rule_id).values(**clean)
                            .execution_options(synchronize_session=False))
        ctx.session.refresh(rule)
        after = rule_dict(rule)
        log_change(ctx, f"access.{label}_updated", label, rule_id, why, before=before,
                   after=after)
    return after


def validate_rule_delete(ctx: RequestContext, kind: str, rule_id: int,
                         version: object) -> SharingRule | RestrictionRule:
    """Every check of deleting a rule after authority and reason, read-only (version sent,
    404, version current): the rule. The deletion then claims the version."""
    require_version(version)
    model, label = _rule_kind(kind)
    rule = _rule(ctx.session, kind, rule_id)
    check_version(ctx.session, model, rule_id, version, label)
    return rule


def delete_rule(ctx: RequestContext, kind: str, rule_id: int, version: object,
                reason: str | None) -> None:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    model, label = _rule_kind(kind)
    with admin_change(ctx):
        rule = validate_rule_delete(ctx, kind, rule_id, version)
        before = rule_dict(rule)
        claim_version(ctx.session, model, rule_id, version, label)
        ctx.session.execute(delete(model).where(model.id == rule_id))
        log_change(ctx, f"access.{label}_deleted", label, rule_id, why, before=before)
