"""A whole world as plain, immutable data: what the reference model reads and what
`tests.property.load.load_world` puts into a database.

Nothing here knows about the engine. Datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Department:
    id: int
    parent_id: int | None


@dataclass(frozen=True)
class User:
    id: int
    department_id: int
    manager_id: int | None
    active: bool = True


@dataclass(frozen=True)
class GrantSpec:
    object: str
    action: str
    scope: str  # none | own | reports | department | department_tree | all


@dataclass(frozen=True)
class FieldRuleSpec:
    object: str
    field: str | None  # exactly one of field / sensitivity is set
    sensitivity: str | None
    level: str  # hidden | masked | read | edit


@dataclass(frozen=True)
class Role:
    id: int
    permissions: frozenset[str] = frozenset()
    grants: tuple[GrantSpec, ...] = ()
    field_rules: tuple[FieldRuleSpec, ...] = ()


@dataclass(frozen=True)
class Assignment:
    user_id: int
    role_id: int
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Record:
    id: int
    owner_id: int
    department_id: int
    values: dict[str, Any] = field(default_factory=dict)  # catalog field -> value (may be None)
    updated_at: datetime | None = None  # only for ordering in lists; None = world.now


@dataclass(frozen=True)
class ManualShare:
    object: str
    record_id: int
    principal_kind: str  # user | role | department | department_tree
    principal_id: int
    access: str  # read | read_write
    expires_at: datetime | None = None


@dataclass(frozen=True)
class SharingRule:
    id: int
    object: str
    condition: Any  # the JSON condition
    principals: tuple[dict[str, Any], ...]  # {"kind": ..., "id": ...}; kind "all" has no id
    access: str  # read | read_write


@dataclass(frozen=True)
class RestrictionRule:
    id: int
    object: str
    condition: Any
    principals: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class World:
    now: datetime
    departments: tuple[Department, ...]
    users: tuple[User, ...]
    roles: tuple[Role, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    records: dict[str, tuple[Record, ...]] = field(default_factory=dict)  # object -> records
    shares: tuple[ManualShare, ...] = ()
    sharing_rules: tuple[SharingRule, ...] = ()
    restriction_rules: tuple[RestrictionRule, ...] = ()

    # Plain look-ups (linear scans on purpose: this is a reference, not an engine).
    def user(self, user_id: int) -> User | None:
        for u in self.users:
            if u.id == user_id:
                return u
        return None

    def department(self, department_id: int) -> Department | None:
        for d in self.departments:
            if d.id == department_id:
                return d
        return None

    def role(self, role_id: int) -> Role | None:
        for r in self.roles:
            if r.id == role_id:
                return r
        return None

    def record(self, obj: str, record_id: int) -> Record | None:
        for r in self.records.get(obj, ()):
            if r.id == record_id:
                return r
        return None

    def objects(self) -> list[str]:
        return list(self.records)
