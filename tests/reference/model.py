# Plain loops and if/else on purpose (obviousness over brevity):
# ruff: noqa: SIM102, SIM108, SIM110
"""A deliberately naive reference implementation of /work/shared/design/PERMISSIONS.md.

It shares no code with the engine (only catalog facts: objects, fields, sensitivity
classes, default levels). Everything is a loop over plain lists; clarity over speed.

Enforcement windows are not modelled (worlds built by the property tests have none).

Readings of the contract that this model commits to (see also the brief of the tests):
- an assignment or share is active iff expires_at is None or now < expires_at;
- the record layer of every action other than `view` first needs the record to be
  viewable (view function granted, and view scope or a share or a sharing rule);
- a user with no active role (or a deactivated user) has field level `hidden` everywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tests.reference.world import Record, User, World
from vouch.catalog import DEFAULT_LEVEL, OBJECT_MAP, FieldType, Sensitivity

RECORD_ACTIONS = ["view", "edit", "delete", "export", "transfer", "share"]
OBJECT_ACTIONS = ["create", "import"]
LEVELS = ["hidden", "masked", "read", "edit"]  # from least to most


# ---------------------------------------------------------------------------------------
# Time, organisation, roles


def is_active_at(expires_at: datetime | None, now: datetime) -> bool:
    """Void from the instant of expiry on."""
    if expires_at is None:
        return True
    return now < expires_at


def subtree(world: World, department_id: int) -> set[int]:
    """`department_id` and all of its descendants (walk each department's parent chain)."""
    result = set()
    for d in world.departments:
        current: int | None = d.id
        steps = 0
        while current is not None and steps <= len(world.departments):
            if current == department_id:
                result.add(d.id)
                break
            parent = world.department(current)
            current = parent.parent_id if parent is not None else None
            steps += 1
    return result


def is_report_of(world: World, report_id: int, manager_id: int) -> bool:
    """True when `manager_id` is somewhere above `report_id` in the chain of managers."""
    person = world.user(report_id)
    steps = 0
    while person is not None and person.manager_id is not None and steps <= len(world.users):
        if person.manager_id == manager_id:
            return True
        person = world.user(person.manager_id)
        steps += 1
    return False


def active_role_ids(world: World, user_id: int, now: datetime) -> list[int]:
    ids = []
    for a in world.assignments:
        if a.user_id == user_id and is_active_at(a.expires_at, now) and a.role_id not in ids:
            if world.role(a.role_id) is not None:
                ids.append(a.role_id)
    return ids


def scopes_for(world: World, user_id: int, obj: str, action: str, now: datetime) -> list[str]:
    """Every scope level (other than none) that an active role of the user grants."""
    scopes = []
    for role_id in active_role_ids(world, user_id, now):
        role = world.role(role_id)
        assert role is not None
        for g in role.grants:
            if g.object == obj and g.action == action and g.scope != "none":
                scopes.append(g.scope)
    return scopes


def function_allows(world: World, user_id: int, obj: str, action: str, now: datetime) -> bool:
    return len(scopes_for(world, user_id, obj, action, now)) > 0


def scope_covers(world: World, user: User, scope: str, record: Record) -> bool:
    own = record.owner_id == user.id
    if scope == "none":
        return False
    if scope == "own":
        return own
    if scope == "reports":
        return own or is_report_of(world, record.owner_id, user.id)
    if scope == "department":
        return own or record.department_id == user.department_id
    if scope == "department_tree":
        return own or record.department_id in subtree(world, user.department_id)
    if scope == "all":
        return True
    raise ValueError(f"unknown scope {scope!r}")


def in_scope(world: World, user: User, obj: str, action: str, record: Record,
             now: datetime) -> bool:
    for scope in scopes_for(world, user.id, obj, action, now):
        if scope_covers(world, user, scope, record):
            return True
    return False


def principal_matches(world: World, user: User, kind: str, principal_id: Any,
                      now: datetime) -> bool:
    if kind == "user":
        return principal_id == user.id
    if kind == "role":
        return principal_id in active_role_ids(world, user.id, now)
    if kind == "department":
        return principal_id == user.department_id
    if kind == "department_tree":
        return user.department_id in subtree(world, principal_id)
    if kind == "all":
        return True
    raise ValueError(f"unknown principal kind {kind!r}")


def any_principal_matches(world: World, user: User, principals: Any, now: datetime) -> bool:
    for p in principals:
        if principal_matches(world, user, p["kind"], p.get("id"), now):
            return True
    return False


# ---------------------------------------------------------------------------------------
# Conditions


def field_type(obj: str, name: str) -> FieldType:
    if name in ("owner_id", "department_id"):
        return FieldType.INTEGER
    return OBJECT_MAP[obj].field_map[name].type


def convert(ftype: FieldType, raw: Any) -> Any:
    """A condition value (JSON) as the Python value of the field's type."""
    if ftype is FieldType.DATE:
        return date.fromisoformat(raw)
    if ftype is FieldType.DATETIME:
        value = datetime.fromisoformat(raw)
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value
    if ftype is FieldType.DECIMAL:
        return Decimal(str(raw))
    return raw


def record_value(record: Record, name: str) -> Any:
    if name == "owner_id":
        return record.owner_id
    if name == "department_id":
        return record.department_id
    return record.values.get(name)


def condition_matches(world: World, obj: str, record: Record, cond: Any) -> bool:
    """Two-valued: any comparison with a NULL value is false (only is_null sees NULL)."""
    if "and" in cond:
        for c in cond["and"]:
            if not condition_matches(world, obj, record, c):
                return False
        return True
    if "or" in cond:
        for c in cond["or"]:
            if condition_matches(world, obj, record, c):
                return True
        return False
    if "not" in cond:
        return not condition_matches(world, obj, record, cond["not"])
    if "relation" in cond:
        dept = cond["department"]
        if cond.get("subtree"):
            departments = subtree(world, dept)
        else:
            departments = {dept}
        if cond["relation"] == "owner_in_department":
            owner = world.user(record.owner_id)
            return owner is not None and owner.department_id in departments
        if cond["relation"] == "record_in_department":
            return record.department_id in departments
        raise ValueError(f"unknown relation {cond['relation']!r}")

    name, op, raw = cond["field"], cond["op"], cond.get("value")
    actual = record_value(record, name)
    if op == "is_null":
        if raw:
            return actual is None
        return actual is not None
    if actual is None:
        return False
    ftype = field_type(obj, name)
    if op in ("in", "not_in"):
        values = [convert(ftype, v) for v in raw]
        found = False
        for v in values:
            if actual == v:
                found = True
        return found if op == "in" else not found
    value = convert(ftype, raw)
    if op == "eq":
        return actual == value
    if op == "ne":
        return actual != value
    if op == "lt":
        return actual < value
    if op == "le":
        return actual <= value
    if op == "gt":
        return actual > value
    if op == "ge":
        return actual >= value
    if op == "contains":
        return value in actual
    raise ValueError(f"unknown op {op!r}")


# ---------------------------------------------------------------------------------------
# Shares and rules


def share_gives(world: World, user: User, obj: str, record: Record, need_write: bool,
                now: datetime) -> bool:
    for s in world.shares:
        if s.object != obj or s.record_id != record.id:
            continue
        if not is_active_at(s.expires_at, now):
            continue
        if need_write and s.access != "read_write":
            continue
        if principal_matches(world, user, s.principal_kind, s.principal_id, now):
            return True
    return False


def sharing_rule_gives(world: World, user: User, obj: str, record: Record, need_write: bool,
                       now: datetime) -> bool:
    for rule in world.sharing_rules:
        if rule.object != obj:
            continue
        if need_write and rule.access != "read_write":
            continue
        if not any_principal_matches(world, user, rule.principals, now):
            continue
        if condition_matches(world, obj, record, rule.condition):
            return True
    return False


def restricted(world: World, user: User, obj: str, record: Record, now: datetime) -> bool:
    for rule in world.restriction_rules:
        if rule.object != obj:
            continue
        if any_principal_matches(world, user, rule.principals, now) and condition_matches(
            world, obj, record, rule.condition
        ):
            return True
    return False


# ---------------------------------------------------------------------------------------
# Decisions


def view_record_layer(world: World, user: User, obj: str, record: Record, now: datetime) -> bool:
    """The record layer of `view` (the function layer of `view` included)."""
    if not function_allows(world, user.id, obj, "view", now):
        return False
    if in_scope(world, user, obj, "view", record, now):
        return True
    if share_gives(world, user, obj, record, False, now):
        return True
    return sharing_rule_gives(world, user, obj, record, False, now)


def record_layer(world: World, user: User, action: str, obj: str, record: Record,
                 now: datetime) -> bool:
    if not view_record_layer(world, user, obj, record, now):
        return False
    if action == "view":
        return True
    if action == "edit":
        if in_scope(world, user, obj, "edit", record, now):
            return True
        if share_gives(world, user, obj, record, True, now):
            return True
        return sharing_rule_gives(world, user, obj, record, True, now)
    # delete, export, transfer, share: scope only
    return in_scope(world, user, obj, action, record, now)


def can(world: World, user_id: int, action: str, obj: str, record_id: int | None,
        now: datetime) -> tuple[bool, str | None]:
    """(allowed, first denying layer among identity/function/record/restriction)."""
    user = world.user(user_id)
    if user is None or not user.active:
        return False, "identity"
    if not function_allows(world, user_id, obj, action, now):
        return False, "function"
    if action in OBJECT_ACTIONS:
        return True, None
    assert record_id is not None
    record = world.record(obj, record_id)
    if record is None or not record_layer(world, user, action, obj, record, now):
        return False, "record"
    if restricted(world, user, obj, record, now):
        return False, "restriction"
    return True, None


def allowed_ids(world: World, user_id: int, action: str, obj: str, now: datetime) -> set[int]:
    ids = set()
    for record in world.records.get(obj, ()):
        allowed, _ = can(world, user_id, action, obj, record.id, now)
        if allowed:
            ids.add(record.id)
    return ids


# ---------------------------------------------------------------------------------------
# Field security


def role_field_level(role: Any, obj: str, field: str) -> str:
    sensitivity = OBJECT_MAP[obj].field_map[field].sensitivity
    for rule in role.field_rules:
        if rule.object == obj and rule.field == field:
            return rule.level
    for rule in role.field_rules:
        if rule.object == obj and rule.field is None and rule.sensitivity == sensitivity.value:
            return rule.level
    return DEFAULT_LEVEL[Sensitivity(sensitivity)].value


def higher(a: str, b: str) -> str:
    return a if LEVELS.index(a) >= LEVELS.index(b) else b


def lower(a: str, b: str) -> str:
    return a if LEVELS.index(a) <= LEVELS.index(b) else b


def user_field_level(world: World, user_id: int, obj: str, field: str, now: datetime) -> str:
    """The user's level for a field, without a record: the highest among active roles
    (hidden when the user is deactivated or holds no active role)."""
    user = world.user(user_id)
    if user is None or not user.active:
        return "hidden"
    level = "hidden"
    for role_id in active_role_ids(world, user_id, now):
        role = world.role(role_id)
        level = higher(level, role_field_level(role, obj, field))
    return level


def record_field_levels(world: World, user_id: int, obj: str, record_id: int,
                        now: datetime) -> dict[str, str]:
    """Every field's level on one record: hidden when the user cannot view the record,
    capped at read when they can view but not edit it."""
    can_view, _ = can(world, user_id, "view", obj, record_id, now)
    can_edit, _ = can(world, user_id, "edit", obj, record_id, now)
    levels = {}
    for f in OBJECT_MAP[obj].fields:
        level = user_field_level(world, user_id, obj, f.name, now)
        if not can_view:
            level = "hidden"
        elif not can_edit:
            level = lower(level, "read")
        levels[f.name] = level
    return levels


def field_level(world: World, user_id: int, obj: str, field: str, record_id: int | None,
                now: datetime) -> str:
    if record_id is None:
        return user_field_level(world, user_id, obj, field, now)
    return record_field_levels(world, user_id, obj, record_id, now)[field]


def field_layer(world: World, user_id: int, action: str, obj: str, field: str,
                record_id: int | None, now: datetime) -> tuple[bool, str | None]:
    allowed, layer = can(world, user_id, action, obj, record_id, now)
    if not allowed:
        return allowed, layer
    level = field_level(world, user_id, obj, field, record_id, now)
    if action == "edit":
        ok = level == "edit"
    else:
        ok = level in ("read", "edit")
    return (True, None) if ok else (False, "field")
