"""Put a `tests.reference.world.World` into a database with the vouch models, and clear it.

Inserts only (plain INSERT / DELETE, never a SELECT of a record table). The world's ids are
the primary keys. Closure tables are filled here, from the world, not by vouch code.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

import vouch.models  # noqa: F401  (every model in Base.metadata)
from tests.reference.world import World
from vouch.access.models import (
    FieldRule,
    Grant,
    PolicyState,
    RestrictionRule,
    Role,
    RoleAssignment,
    RolePermission,
    Share,
    SharingRule,
)
from vouch.base import Base
from vouch.org.models import Department, DepartmentClosure, ReportingClosure, User
from vouch.records.models import RECORD_MODELS

POLICY_VERSION = 7


def _department_closure(world: World) -> list[dict[str, int]]:
    parent = {d.id: d.parent_id for d in world.departments}
    rows = []
    for d in world.departments:
        current: int | None = d.id
        depth = 0
        while current is not None:
            rows.append({"ancestor_id": current, "descendant_id": d.id, "depth": depth})
            current = parent[current]
            depth += 1
    return rows


def _reporting_closure(world: World) -> list[dict[str, int]]:
    manager = {u.id: u.manager_id for u in world.users}
    rows = []
    for u in world.users:
        current: int | None = u.id
        depth = 0
        while current is not None:
            rows.append({"ancestor_id": current, "descendant_id": u.id, "depth": depth})
            current = manager[current]
            depth += 1
    return rows


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """A Core INSERT (executemany), parents-first order kept."""
    if rows:
        session.connection().execute(insert(model.__table__), rows)


def load_world(session: Session, world: World, policy_version: int = POLICY_VERSION) -> None:
    """Insert every row of `world` (departments and users parents-first, as the world
    lists them) and flush. The caller commits."""
    now = world.now
    # Departments and users are listed parents-first / managers-first, so self-references
    # hold row by row (SQLite executemany) and per statement (multi-row VALUES).
    _insert(session, Department, [
        {"id": d.id, "name": f"Department {d.id}", "name_en": f"Department {d.id}",
         "parent_id": d.parent_id, "head_id": None, "version": 1}
        for d in world.departments
    ])
    _insert(session, DepartmentClosure, _department_closure(world))
    _insert(session, User, [
        {"id": u.id, "username": f"user{u.id}", "display_name": f"User {u.id}",
         "email": None, "phone": None, "department_id": u.department_id,
         "manager_id": u.manager_id, "active": u.active, "password_hash": None,
         "created_at": now - timedelta(days=400),
         "deactivated_at": None if u.active else now - timedelta(days=3), "version": 1}
        for u in world.users
    ])
    _insert(session, ReportingClosure, _reporting_closure(world))

    _insert(session, Role, [
        {"id": r.id, "key": f"role{r.id}", "name": f"Role {r.id}", "name_en": f"Role {r.id}",
         "description": None, "delegable": False, "created_at": now - timedelta(days=100),
         "version": 1}
        for r in world.roles
    ])
    _insert(session, RolePermission, [
        {"role_id": r.id, "permission": p} for r in world.roles for p in sorted(r.permissions)
    ])
    grant_rows = []
    rule_rows = []
    for r in world.roles:
        for g in r.grants:
            grant_rows.append({"id": len(grant_rows) + 1, "role_id": r.id, "object": g.object,
                               "action": g.action, "scope": g.scope})
        for fr in r.field_rules:
            rule_rows.append({"id": len(rule_rows) + 1, "role_id": r.id, "object": fr.object,
                              "field": fr.field, "sensitivity": fr.sensitivity,
                              "level": fr.level})
    _insert(session, Grant, grant_rows)
    _insert(session, FieldRule, rule_rows)
    _insert(session, RoleAssignment, [
        {"id": i + 1, "user_id": a.user_id, "role_id": a.role_id, "granted_by": None,
         "granted_at": now - timedelta(days=10), "expires_at": a.expires_at, "reason": None}
        for i, a in enumerate(world.assignments)
    ])

    for obj, recs in world.records.items():
        _insert(session, RECORD_MODELS[obj], [
            {"id": r.id, "owner_id": r.owner_id, "department_id": r.department_id,
             "created_at": now - timedelta(days=30),
             "updated_at": r.updated_at if r.updated_at is not None else now,
             "created_by": None, "updated_by": None, "version": 1, **r.values}
            for r in recs
        ])

    _insert(session, Share, [
        {"id": i + 1, "object": s.object, "record_id": s.record_id,
         "principal_kind": s.principal_kind, "principal_id": s.principal_id,
         "access": s.access, "shared_by": None, "created_at": now - timedelta(days=1),
         "expires_at": s.expires_at, "reason": None}
        for i, s in enumerate(world.shares)
    ])
    _insert(session, SharingRule, [
        {"id": r.id, "name": f"Sharing rule {r.id}", "object": r.object,
         "condition": r.condition, "principals": list(r.principals), "access": r.access,
         "active": True, "description": None, "version": 1}
        for r in world.sharing_rules
    ])
    _insert(session, RestrictionRule, [
        {"id": r.id, "name": f"Restriction rule {r.id}", "object": r.object,
         "condition": r.condition, "principals": list(r.principals), "active": True,
         "description": None, "version": 1}
        for r in world.restriction_rules
    ])
    _insert(session, PolicyState, [{"id": 1, "version": policy_version}])


# The audit log outlives worlds: it is append-only (PostgreSQL refuses DELETE on it) and
# record reads write to it (clear reads of sensitive fields).
KEPT_TABLES = frozenset({"audit_events", "audit_head"})


def clear_world(session: Session) -> None:
    """Delete every row of every table, children first. The caller commits."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEPT_TABLES]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # one round trip: several statements in one simple query (no parameters)
        preparer = connection.dialect.identifier_preparer
        connection.exec_driver_sql(
            "; ".join(f"DELETE FROM {preparer.format_table(t)}" for t in tables)
        )
        return
    for table in tables:
        connection.execute(delete(table))
