"""Plain, immutable inputs of the engine. `access.service` loads them from the database;
the engine only reads them (it never does I/O and never reads the clock)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class GrantFact:
    object: str
    action: str
    scope: str


@dataclass(frozen=True, slots=True)
class FieldRuleFact:
    object: str
    field: str | None
    sensitivity: str | None
    level: str


@dataclass(frozen=True, slots=True)
class RoleFact:
    id: int
    key: str
    name: str
    grants: tuple[GrantFact, ...] = ()
    field_rules: tuple[FieldRuleFact, ...] = ()
    permissions: frozenset[str] = frozenset()
    delegable: bool = False


@dataclass(frozen=True, slots=True)
class AssignmentFact:
    id: int
    role_id: int
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PrincipalRef:
    kind: str  # user | role | department | department_tree | all
    id: int | None = None


@dataclass(frozen=True, slots=True)
class RuleFact:
    """A sharing rule (access set) or a restriction rule (access None)."""

    id: int
    name: str
    object: str
    condition: Any  # the JSON condition as stored
    principals: tuple[PrincipalRef, ...]
    access: str | None = None


@dataclass(frozen=True, slots=True)
class WindowFact:
    id: int
    object: str
    actions: frozenset[str]
    principals: tuple[PrincipalRef, ...]  # kind "all" means every active user
    starts_at: datetime
    ends_at: datetime
    closed_at: datetime | None
    reason: str = ""
    ip_ranges: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UserFacts:
    """Everything a user's decisions depend on, except the records themselves."""

    user_id: int
    username: str
    active: bool
    department_id: int
    policy_version: int
    department_parents: Mapping[int, int | None]  # the whole department tree
    reports: frozenset[int]  # direct and indirect reports (not the user)
    assignments: tuple[AssignmentFact, ...] = ()
    roles: Mapping[int, RoleFact] = field(default_factory=dict)  # roles of the assignments
    sharing_rules: tuple[RuleFact, ...] = ()
    restriction_rules: tuple[RuleFact, ...] = ()
    windows: tuple[WindowFact, ...] = ()
    user_departments: Mapping[int, int] = field(default_factory=dict)  # user → department
    display_name: str = ""
    user_count: int = 0  # active users of the organisation: a query-shape estimate only


@dataclass(frozen=True, slots=True)
class ShareFact:
    id: int
    principal_kind: str
    principal_id: int
    access: str
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """One record as the engine sees it: system columns, field values, its manual shares."""

    id: int
    owner_id: int
    department_id: int
    owner_department_id: int | None
    values: Mapping[str, Any]
    shares: tuple[ShareFact, ...] = ()
