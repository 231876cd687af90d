"""Administration of access configuration: roles (grants, field rules, system permissions,
allowed departments), role assignments, sharing and restriction rules, manual shares, and
the explanations of what a user may do.

Every change is one use case: the actor's system permission is checked, `reason` is
required, the change runs in one transaction that also bumps the policy version and
appends an audit event with the state before and after. Versioned rows are claimed with
`UPDATE … WHERE id = :id AND version = :v`, so of two requests holding the same version
exactly one wins and the other gets 409.

Who may read: the configuration (roles with their grants, assignments, rules, shares)
and anyone's explanation or matrix need `manage_roles` or `view_audit` (an auditor
inspects access without being able to change it); a summary of roles (id, key, names)
is open to every signed-in user for pickers; everyone may explain their own access.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vouch.access.engine import can, explain, matrix
from vouch.access.engine.condition import ConditionError, parse_condition
from vouch.access.models import (
    FieldRule,
    Grant,
    PolicyState,
    RestrictionRule,
    Role,
    RoleAssignment,
    RoleDepartment,
    RolePermission,
    Share,
    SharingRule,
)
from vouch.access.service import bump_policy_version, load_record_facts, profile_for
from vouch.audit import service as audit
from vouch.catalog import (
    ACTIONS,
    OBJECT_ACTIONS,
    OBJECT_MAP,
    OBJECT_NAMES,
    SYSTEM_PERMISSIONS,
    FieldLevel,
    FieldType,
    PrincipalKind,
    Scope,
    Sensitivity,
    ShareAccess,
)
from vouch.context import RequestContext
from vouch.errors import Conflict, Invalid, NotFound, PermissionDenied
from vouch.org.models import Department, DepartmentClosure, User
from vouch.records.service import atomic

CONFIG_READERS = ("manage_roles", "view_audit")
RULE_PRINCIPAL_KINDS = (*PrincipalKind, "all")
MAX_REASON = 2000
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
MAX_ID = 2**31 - 1

# --- shared by every administration use case ---------------------------------------------


def require_any(ctx: RequestContext, *permissions: str) -> None:
    """403 naming the permissions unless the actor holds at least one of them."""
    if any(p in ctx.profile.permissions for p in permissions):
        return
    exc = PermissionDenied(permissions[0])
    if len(permissions) > 1:
        exc.message = ("requires one of the system permissions "
                       + ", ".join(permissions))
        exc.args = (exc.message,)
        exc.details["any_of"] = list(permissions)
    raise exc


def reject_nul(value: object, path: str) -> None:
    """NUL cannot be stored or compared in PostgreSQL text: refused in every input, named
    by its path (a rule value with NUL would break every list the rule applies to)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise Invalid(f"{path} contains a NUL character", field=path)
    elif isinstance(value, dict):
        for key, item in value.items():
            reject_nul(key, path)
            reject_nul(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            reject_nul(item, f"{path}[{i}]")


def clean_text(value: object, field: str, *, required: bool, limit: int = 100) -> str | None:
    """A trimmed single value of text; empty is None (or 422 when required)."""
    if value is not None and not isinstance(value, str):
        raise Invalid(f"{field} must be text", field=field)
    reject_nul(value, field)
    cleaned = value.strip() if value else None
    if not cleaned:
        if required:
            raise Invalid(f"{field} must not be empty", field=field)
        return None
    if len(cleaned) > limit:
        raise Invalid(f"{field} is longer than {limit} characters", field=field)
    return cleaned


def clean_reason(reason: object) -> str:
    """Every change says why; the text lands in the audit log."""
    reject_nul(reason, "reason")
    cleaned = reason.strip() if isinstance(reason, str) else ""
    if not cleaned:
        raise Invalid("reason is required: say why you make this change", field="reason")
    if len(cleaned) > MAX_REASON:
        raise Invalid(f"reason is longer than {MAX_REASON} characters", field="reason")
    return cleaned


def require_version(version: object) -> int:
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid("version is required (the version you read)", field="version")
    return version


def claim_version(session: Session, model: Any, row_id: int, version: object,
                  label: str) -> int:
    """Move a row from `version` to the next one, or refuse: 404 when it is gone, 409 with
    the current version when someone else changed it first. The guarded UPDATE (not a
    read-then-write) is what makes exactly one of two concurrent writers win."""
    sent = require_version(version)
    result = session.execute(
        update(model).where(model.id == row_id, model.version == sent)
        .values(version=model.version + 1).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.scalar(select(model.version).where(model.id == row_id))
        if current is None:
            raise NotFound(label, row_id)
        raise Conflict(
            f"{label} {row_id} was changed by someone else (version {current}, you sent "
            f"{sent}); read it again and repeat your change",
            {"object": label, "id": row_id, "current_version": current,
             "sent_version": sent},
        )
    return sent + 1


ADMIN_LOCK = 0x766F7563  # PostgreSQL advisory lock key of administrative changes


@contextmanager
def admin_change(ctx: RequestContext) -> Iterator[None]:
    """One transaction for one administrative change, serialised with every other one.

    The checks of a change (no cycle in the tree, a manager outside the user's reports, a
    department that still exists) read the state they validate; run concurrently, two
    changes could each pass against the state before the other (two parent changes making
    a cycle between them). So each change first takes one lock — an advisory transaction
    lock on PostgreSQL (record use cases never take it, so lock order stays: admin lock,
    rows, policy version, audit head), the database's write lock on SQLite — and reads
    everything afresh after it. The guarded version UPDATE still decides stale writes."""
    with atomic(ctx):
        session = ctx.session
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADMIN_LOCK})
        else:  # a write as the first statement takes SQLite's write lock now
            session.execute(update(PolicyState).where(PolicyState.id == 1)
                            .values(version=PolicyState.version)
                            .execution_options(synchronize_session=False))
        session.expire_all()
        yield


def log_change(ctx: RequestContext, action: str, label: str, row_id: object, reason: str,
               before: Any = None, after: Any = None, details: Any = None) -> None:
    """The policy version moves and the audit event is queued, in the change's own
    transaction (the event is written at commit, or not at all)."""
    bump_policy_version(ctx.session)
    audit.record(ctx.session, ctx.origin, action, object=label, record_id=row_id,
                 reason=reason, before=before, after=after, details=details, at=ctx.now)


def iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


def future_instant(ctx: RequestContext, t: datetime | None, field: str) -> datetime | None:
    if t is None:
        return None
    if t.tzinfo is None:
        raise Invalid(f"{field} needs a time zone", field=field)
    if t <= ctx.now:
        raise Invalid(f"{field} must be in the future", field=field)
    return t.astimezone(UTC)


def page(session: Session, stmt: Select[Any], id_col: Any, limit: int | None,
         cursor: str | None, render: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Keyset paging by id: `items` and `next_cursor` (the last id, opaque to clients)."""
    size = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= size <= MAX_LIMIT:
        raise Invalid(f"limit must be 1 to {MAX_LIMIT}", field="limit")
    if cursor:
        if not cursor.isdigit() or len(cursor) > 12:
            raise Invalid("cursor is not one this API gave out", field="cursor")
        stmt = stmt.where(id_col > int(cursor))
    rows = list(session.scalars(stmt.order_by(id_col).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return {"items": [render(r) for r in rows],
            "next_cursor": str(rows[-1].id) if more and rows else None}


def flush_or_conflict(session: Session, message: str, details: dict[str, Any]) -> None:
    """Flush; a uniqueness or reference violation (a concurrent twin) is a 409, not a 500."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(message, details) from None


def is_db_id(value: object) -> bool:
    """An integer a database id column can hold (a larger one would be a 500 on
    PostgreSQL, not an unknown id)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _exists(session: Session, model: Any, row_id: object) -> bool:
    return is_db_id(row_id) and session.get(model, row_id) is not None


def department_parents(session: Session) -> dict[int, int | None]:
    return dict(session.execute(select(Department.id, Department.parent_id)).tuples().all())


def in_any_subtree(session: Session, department_id: int, roots: Iterable[int]) -> bool:
    roots = list(roots)
    if not roots:
        return True
    return session.scalar(
        select(func.count()).select_from(DepartmentClosure).where(
            DepartmentClosure.descendant_id == department_id,
            DepartmentClosure.ancestor_id.in_(roots))
    ) != 0


# --- delegated administration ----------------------------------------------------------------
# A delegated administrator (delegate_admin) manages only the users whose department is in
# the subtree of their own, and assigns them only delegable roles (PERMISSIONS.md). They
# also leave alone anyone holding a role that is not delegable: resetting such a user's
# password would hand the delegate that role's powers.


def require_admin_or_delegate(ctx: RequestContext, permission: str) -> bool:
    """True for a full administrator (`permission`), False for a delegated one; 403 naming
    `permission` for anyone else (before anything is looked up)."""
    if permission in ctx.profile.permissions:
        return True
    if "delegate_admin" in ctx.profile.permissions:
        return False
    raise PermissionDenied(permission)


def delegation_denied(permission: str, why: str) -> PermissionDenied:
    exc = PermissionDenied(permission)
    exc.message = f"requires the system permission {permission}: {why}"
    exc.args = (exc.message,)
    exc.details["delegate_admin"] = why
    return exc


def check_delegated(ctx: RequestContext, permission: str, departments: Iterable[int],
                    user_id: int | None = None) -> None:
    """For a delegated administrator: every department inside their subtree, and the user
    (if any) holding only delegable roles."""
    if permission in ctx.profile.permissions:
        return
    subtree = ctx.profile.department_subtree
    for d in departments:
        if d not in subtree:
            raise delegation_denied(permission, f"department {d} is outside your delegated "
                                    f"subtree (department {ctx.actor_department_id} and below)")
    if user_id is not None:
        keys = ctx.session.scalars(
            select(Role.key).join(RoleAssignment, RoleAssignment.role_id == Role.id)
            .where(RoleAssignment.user_id == user_id, Role.delegable.is_(False),
                   _assignment_active(ctx.now))).all()
        if keys:
            raise delegation_denied(permission, f"user {user_id} holds roles that are not "
                                    f"delegable ({', '.join(sorted(keys))})")


# --- roles ---------------------------------------------------------------------------------


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
        doc["active_assignments"] = _active_assignment_count(session, role.id, now)
    return doc


def _active_assignment_count(session: Session, role_id: int, now: datetime) -> int:
    return int(session.scalar(select(func.count()).select_from(RoleAssignment).where(
        RoleAssignment.role_id == role_id, _assignment_active(now))) or 0)


def _assignment_active(now: datetime) -> ColumnElement[bool]:
    return or_(RoleAssignment.expires_at.is_(None), RoleAssignment.expires_at > now)


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


def _choice(value: object, known: Iterable[str], what: str, path: str) -> str:
    names = tuple(known)
    if not isinstance(value, str) or value not in names:
        raise Invalid(f"{path}: unknown {what} {value!r}; known: {', '.join(names)}",
                      field=path)
    return value


def validate_grants(raw: object) -> list[tuple[str, str, str]]:
    if not isinstance(raw, list):
        raise Invalid("grants must be a list", field="grants")
    out: list[tuple[str, str, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for i, g in enumerate(raw):
        path = f"grants[{i}]"
        if not isinstance(g, Mapping):
            raise Invalid(f"{path} must be an object", field=path)
        obj = _choice(g.get("object"), OBJECT_NAMES, "object", f"{path}.object")
        action = _choice(g.get("action"), ACTIONS, "action", f"{path}.action")
        scope = _choice(g.get("scope"), [s.value for s in Scope], "scope", f"{path}.scope")
        if action in OBJECT_ACTIONS and scope not in (Scope.ALL, Scope.NONE):
            raise Invalid(f"{path}.scope: {action} is an object action; its scope is all "
                          "(granted) or none", field=f"{path}.scope")
        if (obj, action) in seen:
            raise Invalid(f"{path}: {action} on {obj} is already granted by "
                          f"grants[{seen[obj, action]}]", field=path)
        seen[obj, action] = i
        out.append((obj, action, scope))
    return out


def validate_field_rules(raw: object) -> list[tuple[str, str | None, str | None, str]]:
    if not isinstance(raw, list):
        raise Invalid("field_rules must be a list", field="field_rules")
    out: list[tuple[str, str | None, str | None, str]] = []
    seen: dict[tuple[str, str | None, str | None], int] = {}
    for i, r in enumerate(raw):
        path = f"field_rules[{i}]"
        if not isinstance(r, Mapping):
            raise Invalid(f"{path} must be an object", field=path)
        obj = _choice(r.get("object"), OBJECT_NAMES, "object", f"{path}.object")
        field, sens = r.get("field"), r.get("sensitivity")
        if (field is None) == (sens is None):
            raise Invalid(f"{path}: give exactly one of field or sensitivity", field=path)
        if field is not None:
            field = _choice(field, OBJECT_MAP[obj].field_map, f"field of {obj}",
                            f"{path}.field")
        if sens is not None:
            sens = _choice(sens, [s.value for s in Sensitivity], "sensitivity class",
                           f"{path}.sensitivity")
        level = _choice(r.get("level"), [v.value for v in FieldLevel], "level",
                        f"{path}.level")
        key = (obj, field, sens)
        if key in seen:
            raise Invalid(f"{path}: the same rule as field_rules[{seen[key]}]", field=path)
        seen[key] = i
        out.append((obj, field, sens, level))
    return out


def validate_permissions(raw: object) -> list[str]:
    if not isinstance(raw, list):
        raise Invalid("permissions must be a list", field="permissions")
    return sorted({_choice(p, SYSTEM_PERMISSIONS, "system permission", f"permissions[{i}]")
                   for i, p in enumerate(raw)})


def validate_departments(session: Session, raw: object, field: str = "departments"
                         ) -> list[int]:
    if not isinstance(raw, list):
        raise Invalid(f"{field} must be a list", field=field)
    for i, d in enumerate(raw):
        if not _exists(session, Department, d):
            raise Invalid(f"{field}[{i}]: no department {d!r}", field=f"{field}[{i}]")
    return sorted(set(raw))


def _clean_key(key: object) -> str:
    import re

    if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]{1,63}", key):
        raise Invalid("key: 2 to 64 lower-case letters, digits or _, starting with a letter",
                      field="key")
    return key


def _clean_name(value: object, field: str, required: bool = True) -> str | None:
    return clean_text(value, field, required=required)


def _write_role_parts(session: Session, role_id: int, parts: Mapping[str, Any]) -> None:
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


def _validate_role_parts(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
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


def _check_delegable(delegable: bool, permissions: list[str]) -> None:
    if delegable and permissions:
        raise Invalid("a delegable role grants no system permission (PERMISSIONS.md); "
                      f"remove {', '.join(permissions)} or make it not delegable",
                      field="delegable")


def create_role(ctx: RequestContext, values: Mapping[str, Any], reason: str) -> dict[str, Any]:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    key = _clean_key(values.get("key"))
    name = _clean_name(values.get("name"), "name")
    name_en = _clean_name(values.get("name_en"), "name_en", required=False)
    delegable = bool(values.get("delegable", False))
    with admin_change(ctx):
        parts = _validate_role_parts(ctx.session, {
            "grants": values.get("grants", []), "field_rules": values.get("field_rules", []),
            "permissions": values.get("permissions", []),
            "departments": values.get("departments", [])})
        _check_delegable(delegable, parts["permissions"])
        if ctx.session.scalar(select(Role.id).where(Role.key == key)) is not None:
            raise Conflict(f"a role with key {key!r} exists already", {"field": "key"})
        role = Role(key=key, name=name, name_en=name_en,
                    description=clean_text(values.get("description"), "description",
                                           required=False, limit=4000),
                    delegable=delegable,
                    created_at=ctx.now, version=1)
        ctx.session.add(role)
        flush_or_conflict(ctx.session, f"a role with key {key!r} exists already",
                          {"field": "key"})
        _write_role_parts(ctx.session, role.id, parts)
        after = role_document(ctx.session, role)
        log_change(ctx, "access.role_created", "role", role.id, why, after=after)
    return role_document(ctx.session, role, ctx.now)


def update_role(ctx: RequestContext, role_id: int, changes: Mapping[str, Any], version: object,
                reason: str) -> dict[str, Any]:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    require_version(version)
    scalars: dict[str, Any] = {}
    if "name" in changes:
        scalars["name"] = _clean_name(changes["name"], "name")
    if "name_en" in changes:
        scalars["name_en"] = _clean_name(changes["name_en"], "name_en", required=False)
    if "description" in changes:
        scalars["description"] = clean_text(changes["description"], "description",
                                            required=False, limit=4000)
    if "delegable" in changes:
        if not isinstance(changes["delegable"], bool):
            raise Invalid("delegable must be true or false", field="delegable")
        scalars["delegable"] = changes["delegable"]
    with admin_change(ctx):
        parts = _validate_role_parts(ctx.session, changes)
        role = _role(ctx.session, role_id)
        before = role_document(ctx.session, role)
        claim_version(ctx.session, Role, role_id, version, "role")
        _check_delegable(scalars.get("delegable", role.delegable),
                         parts.get("permissions", before["permissions"]))
        if parts.get("departments"):
            _check_holders_inside(ctx, role_id, parts["departments"])
        if scalars:
            ctx.session.execute(update(Role).where(Role.id == role_id).values(**scalars)
                                .execution_options(synchronize_session=False))
        _write_role_parts(ctx.session, role_id, parts)
        ctx.session.refresh(role)
        after = role_document(ctx.session, role)
        log_change(ctx, "access.role_updated", "role", role_id, why, before=before,
                   after=after, details={"changed": sorted(k for k in after
                                                           if before.get(k) != after[k])})
    return role_document(ctx.session, role, ctx.now)


def _check_holders_inside(ctx: RequestContext, role_id: int, departments: list[int]) -> None:
    """Limiting a role to departments must not leave holders outside them."""
    rows = ctx.session.execute(
        select(User.id, User.username, User.department_id)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role_id == role_id, _assignment_active(ctx.now))
    ).all()
    outside = [username for _uid, username, dept in rows
               if not in_any_subtree(ctx.session, dept, departments)]
    if outside:
        raise Conflict("users outside those departments hold the role; end their "
                       f"assignments first: {', '.join(sorted(outside))}",
                       {"field": "departments", "users": sorted(outside)})


def delete_role(ctx: RequestContext, role_id: int, version: object,
                reason: str | None) -> None:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    require_version(version)
    with admin_change(ctx):
        role = _role(ctx.session, role_id)
        before = role_document(ctx.session, role)
        claim_version(ctx.session, Role, role_id, version, "role")
        active = _active_assignment_count(ctx.session, role_id, ctx.now)
        if active:
            raise Conflict(f"role {role.key} has {active} active assignment(s); end them "
                           "first", {"active_assignments": active})
        refuse_if_rules_name(ctx.session, "role", (role_id,))
        shares = _delete_shares_to(ctx.session, ("role",), (role_id,))
        for model in (RoleAssignment, Grant, FieldRule, RolePermission, RoleDepartment):
            ctx.session.execute(delete(model).where(model.role_id == role_id))
        ctx.session.execute(delete(Role).where(Role.id == role_id))
        log_change(ctx, "access.role_deleted", "role", role_id, why, before=before,
                   details={"shares_removed": shares})


def rules_naming(session: Session, kinds: tuple[str, ...], ids: Iterable[int],
                  department_in_condition: bool = False) -> list[str]:
    """Rules whose principals (or, for departments, conditions) name one of `ids`."""
    wanted = set(ids)
    out = []
    models: tuple[tuple[str, Any], ...] = (("sharing rule", SharingRule),
                                           ("restriction rule", RestrictionRule))
    for kind_label, model in models:
        for rule in session.scalars(select(model).order_by(model.id)):
            named = any(isinstance(p, dict) and p.get("kind") in kinds and p.get("id") in wanted
                        for p in (rule.principals or []))
            if department_in_condition and wanted & _condition_departments(rule.condition):
                named = True
            if named:
                out.append(f"{kind_label} {rule.name} (#{rule.id})")
    return out


def _condition_departments(cond: object) -> set[int]:
    if isinstance(cond, dict):
        found = {cond["department"]} if "relation" in cond and is_db_id(
            cond.get("department")) else set()
        for value in cond.values():
            found |= _condition_departments(value)
        return found
    if isinstance(cond, list):
        return set().union(*(_condition_departments(c) for c in cond)) if cond else set()
    return set()


def refuse_if_rules_name(session: Session, kind: str, ids: tuple[int, ...]) -> None:
    kinds = ("department", "department_tree") if kind == "department" else (kind,)
    rules = rules_naming(session, kinds, ids, department_in_condition=kind == "department")
    if rules:
        raise Conflict(f"still named by {', '.join(rules)}; change those rules first",
                       {"rules": rules})


def _delete_shares_to(session: Session, kinds: tuple[str, ...], ids: tuple[int, ...]) -> int:
    """Manual shares to a principal that is going away (an id could be reused later)."""
    result = session.execute(delete(Share).where(Share.principal_kind.in_(kinds),
                                                 Share.principal_id.in_(ids)))
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- role assignments -----------------------------------------------------------------------


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
        live = _assignment_active(ctx.now)
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
                      departments=sorted(allowed))


def check_delegated_assignment(ctx: RequestContext, user: User, role: Role | None) -> None:
    """A delegated administrator assigns only delegable roles, to users of their subtree."""
    if "manage_roles" in ctx.profile.permissions:
        return
    check_delegated(ctx, "manage_roles", [user.department_id])
    if role is None or not role.delegable:
        raise delegation_denied("manage_roles", f"role {role.key if role else '?'} is not "
                                "delegable")


def create_assignment(ctx: RequestContext, user_id: int, role_id: int,
                      expires_at: datetime | None, reason: str) -> dict[str, Any]:
    require_admin_or_delegate(ctx, "manage_roles")
    why = clean_reason(reason)
    expiry = future_instant(ctx, expires_at, "expires_at")
    with admin_change(ctx):
        user = ctx.session.get(User, user_id) if is_db_id(user_id) else None
        if user is None:
            raise Invalid(f"user_id: no user {user_id!r}", field="user_id")
        if not user.active:
            raise Invalid(f"user_id: {user.username} is deactivated", field="user_id")
        role = ctx.session.get(Role, role_id) if is_db_id(role_id) else None
        if role is None:
            raise Invalid(f"role_id: no role {role_id!r}", field="role_id")
        check_delegated_assignment(ctx, user, role)
        check_role_departments(ctx.session, role.id, user.department_id)
        row = ctx.session.scalars(select(RoleAssignment).where(
            RoleAssignment.user_id == user.id, RoleAssignment.role_id == role.id)
            .with_for_update()).first()
        before = None
        if row is not None:
            if row.expires_at is None or ctx.now < row.expires_at:
                raise Conflict(f"{user.username} holds {role.key} already (assignment "
                               f"{row.id}); change its expiry instead",
                               {"assignment_id": row.id})
            before = assignment_dict(row, user, role, ctx.now)
            row.granted_by, row.granted_at = ctx.actor_id, ctx.now
            row.expires_at, row.reason = expiry, why
        else:
            row = RoleAssignment(user_id=user.id, role_id=role.id, granted_by=ctx.actor_id,
                                 granted_at=ctx.now, expires_at=expiry, reason=why)
            ctx.session.add(row)
        flush_or_conflict(ctx.session, f"{user.username} holds {role.key} already",
                          {"field": "role_id"})
        after = assignment_dict(row, user, role, ctx.now)
        log_change(ctx, "access.assignment_created", "role_assignment", row.id, why,
                   before=before, after=after)
    return after


def update_assignment(ctx: RequestContext, assignment_id: int, expires_at: datetime | None,
                      reason: str) -> dict[str, Any]:
    require_admin_or_delegate(ctx, "manage_roles")
    why = clean_reason(reason)
    expiry = future_instant(ctx, expires_at, "expires_at")
    with admin_change(ctx):
        row = ctx.session.scalars(select(RoleAssignment).where(
            RoleAssignment.id == assignment_id).with_for_update()).first()
        if row is None:
            raise NotFound("role_assignment", assignment_id)
        before = _assignment_dict(ctx.session, row, ctx.now)
        user = ctx.session.get(User, row.user_id)
        assert user is not None
        check_delegated_assignment(ctx, user, ctx.session.get(Role, row.role_id))
        if not user.active:
            raise Conflict(f"{user.username} is deactivated", {"user_id": user.id})
        allowed = list(ctx.session.scalars(select(RoleDepartment.department_id)
                                           .where(RoleDepartment.role_id == row.role_id)))
        if not in_any_subtree(ctx.session, user.department_id, allowed):
            raise Conflict(f"{user.username}'s department is outside the departments the "
                           "role is limited to", {"departments": sorted(allowed)})
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
        row = _assignment(ctx.session, assignment_id)
        user = ctx.session.get(User, row.user_id)
        assert user is not None
        check_delegated_assignment(ctx, user, ctx.session.get(Role, row.role_id))
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
            RoleAssignment.user_id == user_id, _assignment_active(ctx.now))
            .order_by(RoleAssignment.id)):
        if keep(a):
            continue
        ended.append(_assignment_dict(ctx.session, a, ctx.now))
        a.expires_at = ctx.now
    ctx.session.flush()
    return ended


# --- sharing and restriction rules ---------------------------------------------------------

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
        raise Invalid(f"{path}: {exc.message}", field=path) from None
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
                    raise Invalid(f"{where}: {v} is out of range", field=where)
        return
    for key in ("and", "or", "not"):
        if key in cond:
            _check_integers(obj, cond[key], f"{path}.{key}")


def is_number(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def validate_principals(session: Session, raw: object) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise Invalid("principals must be a non-empty list", field="principals")
    out: list[dict[str, Any]] = []
    models = {"user": User, "role": Role, "department": Department,
              "department_tree": Department}
    for i, p in enumerate(raw):
        path = f"principals[{i}]"
        if not isinstance(p, Mapping):
            raise Invalid(f"{path} must be an object", field=path)
        extra = set(p) - {"kind", "id"}
        if extra:
            raise Invalid(f"{path}: unknown key(s) {', '.join(sorted(extra))}",
                          field=f"{path}.{sorted(extra)[0]}")
        kind = _choice(p.get("kind"), RULE_PRINCIPAL_KINDS, "principal kind", f"{path}.kind")
        pid = p.get("id")
        if kind == "all":
            if pid is not None:
                raise Invalid(f"{path}.id: the principal all takes no id", field=f"{path}.id")
            entry: dict[str, Any] = {"kind": "all"}
        else:
            if not _exists(session, models[kind], pid):
                raise Invalid(f"{path}.id: no {kind.replace('_tree', '')} {pid!r}",
                              field=f"{path}.id")
            entry = {"kind": kind, "id": pid}
        if entry in out:
            raise Invalid(f"{path}: named twice", field=path)
        out.append(entry)
    return out


def _rule_kind(kind: str) -> tuple[Any, str]:
    return RULE_KINDS[kind]


def list_rules(ctx: RequestContext, kind: str, obj: str | None = None) -> dict[str, Any]:
    require_any(ctx, *CONFIG_READERS)
    model, _label = _rule_kind(kind)
    stmt = select(model).order_by(model.id)
    if obj is not None:
        _choice(obj, OBJECT_NAMES, "object", "object")
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


def _validate_rule(session: Session, kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The whole rule as it will be stored (values carry every field)."""
    obj = _choice(values.get("object"), OBJECT_NAMES, "object", "object")
    clean: dict[str, Any] = {
        "name": _clean_name(values.get("name"), "name"),
        "object": obj,
        "condition": validate_condition(session, obj, values.get("condition")),
        "principals": validate_principals(session, values.get("principals")),
        "active": values.get("active", True),
        "description": clean_text(values.get("description"), "description", required=False,
                                  limit=4000),
    }
    if not isinstance(clean["active"], bool):
        raise Invalid("active must be true or false", field="active")
    if kind == "sharing":
        clean["access"] = _choice(values.get("access"), [a.value for a in ShareAccess],
                                  "access", "access")
    return clean


def create_rule(ctx: RequestContext, kind: str, values: Mapping[str, Any],
                reason: str) -> dict[str, Any]:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    model, label = _rule_kind(kind)
    with admin_change(ctx):
        clean = _validate_rule(ctx.session, kind, values)
        rule = model(**clean, version=1)
        ctx.session.add(rule)
        ctx.session.flush()
        after = rule_dict(rule)
        log_change(ctx, f"access.{label}_created", label, rule.id, why, after=after)
    return after


def update_rule(ctx: RequestContext, kind: str, rule_id: int, changes: Mapping[str, Any],
                version: object, reason: str) -> dict[str, Any]:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    require_version(version)
    model, label = _rule_kind(kind)
    with admin_change(ctx):
        rule = _rule(ctx.session, kind, rule_id)
        before = rule_dict(rule)
        merged = {k: v for k, v in before.items() if k not in ("id", "version")} | dict(changes)
        clean = _validate_rule(ctx.session, kind, merged)
        claim_version(ctx.session, model, rule_id, version, label)
        ctx.session.execute(update(model).where(model.id == rule_id).values(**clean)
                            .execution_options(synchronize_session=False))
        ctx.session.refresh(rule)
        after = rule_dict(rule)
        log_change(ctx, f"access.{label}_updated", label, rule_id, why, before=before,
                   after=after)
    return after


def delete_rule(ctx: RequestContext, kind: str, rule_id: int, version: object,
                reason: str | None) -> None:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    require_version(version)
    model, label = _rule_kind(kind)
    with admin_change(ctx):
        rule = _rule(ctx.session, kind, rule_id)
        before = rule_dict(rule)
        claim_version(ctx.session, model, rule_id, version, label)
        ctx.session.execute(delete(model).where(model.id == rule_id))
        log_change(ctx, f"access.{label}_deleted", label, rule_id, why, before=before)


# --- manual shares (the administrators' view) ----------------------------------------------


def share_dict(s: Share, now: datetime) -> dict[str, Any]:
    return {"id": s.id, "object": s.object, "record_id": s.record_id,
            "principal_kind": s.principal_kind, "principal_id": s.principal_id,
            "access": s.access, "shared_by": s.shared_by, "created_at": iso(s.created_at),
            "expires_at": iso(s.expires_at), "reason": s.reason,
            "active": s.expires_at is None or now < s.expires_at}


def list_shares(ctx: RequestContext, *, obj: str | None = None, record_id: int | None = None,
                principal_kind: str | None = None, principal_id: int | None = None,
                limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
    require_any(ctx, *CONFIG_READERS)
    stmt = select(Share)
    if obj is not None:
        stmt = stmt.where(Share.object == _choice(obj, OBJECT_NAMES, "object", "object"))
    if record_id is not None:
        if obj is None:
            raise Invalid("record needs object", field="object")
        stmt = stmt.where(Share.record_id == record_id)
    if principal_kind is not None:
        stmt = stmt.where(Share.principal_kind == _choice(
            principal_kind, [k.value for k in PrincipalKind], "principal kind",
            "principal_kind"))
    if principal_id is not None:
        if principal_kind is None:
            raise Invalid("principal_id needs principal_kind", field="principal_kind")
        stmt = stmt.where(Share.principal_id == principal_id)
    return page(ctx.session, stmt, Share.id, limit, cursor, lambda s: share_dict(s, ctx.now))


def delete_share(ctx: RequestContext, share_id: int, reason: str | None) -> None:
    ctx.require("manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        share = ctx.session.get(Share, share_id)
        if share is None:
            raise NotFound("share", share_id)
        before = share_dict(share, ctx.now)
        ctx.session.execute(delete(Share).where(Share.id == share_id))
        log_change(ctx, "access.share_deleted", "share", share_id, why, before=before)


# --- explanations ----------------------------------------------------------------------------


def _target_user(ctx: RequestContext, user: str | int | None) -> User:
    """The user asked about: oneself by default; someone else needs manage_roles or
    view_audit."""
    reject_nul(user, "user")
    if user is None or user == "":
        found = ctx.session.get(User, ctx.actor_id)
    elif isinstance(user, int) or user.isdigit():
        found = ctx.session.get(User, int(user)) if int(user) < 2**31 else None
    else:
        found = ctx.session.scalars(select(User).where(User.username == user)).first()
    if found is None or found.id != ctx.actor_id:
        require_any(ctx, *CONFIG_READERS)
    if found is None:
        raise Invalid(f"user: no user {user!r}", field="user")
    return found


def explain_permission(profile: Any, permission: str) -> dict[str, Any]:
    """The identity and function layers of a system permission (it has no record layer)."""
    active = bool(profile.active)
    holders = [r.key for r in profile.roles if permission in r.permissions]
    granted = permission in profile.permissions
    layers = [
        {"layer": "identity", "allowed": active,
         "reason": f"user {profile.facts.username} is "
                   + ("active" if active else "deactivated"), "sources": []},
        {"layer": "function", "allowed": granted,
         "reason": (f"granted by {', '.join(holders)}" if holders
                    else f"no active role carries {permission}"),
         "sources": [f"role {k} carries {permission}" for k in holders]},
    ]
    ok = active and granted
    return {"allowed": ok, "first_denied": None if ok else next(
        x["layer"] for x in layers if not x["allowed"]), "user_id": profile.user_id,
        "permission": permission, "layers": layers}


def explain_access(ctx: RequestContext, *, user: str | int | None, action: str,
                   obj: str | None, record_id: int | None, field: str | None
                   ) -> dict[str, Any]:
    """Why `user` may or may not do `action` (on `obj`, record, field): every layer with
    what made it so. Only reasons travel, never field values. Someone explaining their own
    access to a record they cannot view gets the same 404 as for a missing record."""
    target = _target_user(ctx, user)
    admin = any(p in ctx.profile.permissions for p in CONFIG_READERS)
    if action in SYSTEM_PERMISSIONS and obj is None:
        if record_id is not None or field is not None:
            raise Invalid("a system permission concerns no record or field", field="action")
        profile = profile_for(ctx.session, target.id, ctx.now)
        return explain_permission(profile, action) | {"username": target.username}
    if action not in ACTIONS:
        raise Invalid(f"action: unknown action {action!r}; known: {', '.join(ACTIONS)} and "
                      f"the system permissions {', '.join(SYSTEM_PERMISSIONS)}",
                      field="action")
    if obj is None:
        raise Invalid("object is required for a record or object action", field="object")
    odef = OBJECT_MAP.get(obj)
    if odef is None:
        raise Invalid(f"object: unknown object {obj!r}; known: {', '.join(OBJECT_NAMES)}",
                      field="object")
    if field is not None and field not in odef.field_map:
        raise Invalid(f"field: unknown field {field!r} of {obj}; known: "
                      f"{', '.join(odef.field_map)}", field="field")
    if record_id is not None and action in OBJECT_ACTIONS:
        raise Invalid(f"{action} is an object action; it concerns no record", field="record")
    profile = profile_for(ctx.session, target.id, ctx.now)
    record = None
    if record_id is not None:
        record = load_record_facts(ctx.session, obj, record_id)
        if record is None:
            raise NotFound(obj, record_id)
        if not admin and not can(ctx.profile, obj, "view", record, ctx.now):
            raise NotFound(obj, record_id)
    exp = explain(profile, obj, action, record, ctx.now, field)
    return exp.as_dict() | {"username": target.username}


def matrix_of(ctx: RequestContext, user: str | int | None) -> dict[str, Any]:
    """The effective permissions of `user` (oneself by default)."""
    target = _target_user(ctx, user)
    return matrix(profile_for(ctx.session, target.id, ctx.now)) | {
        "display_name": target.display_name}

