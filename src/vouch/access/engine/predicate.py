"""The predicate tree: one description of "which records", compiled to SQL (sql.py) and to
Python (evaluate.py). Nodes are immutable and hashable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vouch.access.engine.facts import PrincipalRef


@dataclass(frozen=True, slots=True)
class Const:
    value: bool


TRUE = Const(True)
FALSE = Const(False)


@dataclass(frozen=True, slots=True)
class OwnerIs:
    user_id: int


@dataclass(frozen=True, slots=True)
class OwnerReportsTo:
    """The owner is a direct or indirect report of `manager_id` (not the manager)."""

    manager_id: int
    reports: frozenset[int]


@dataclass(frozen=True, slots=True)
class DepartmentIn:
    """The record's department is `root` (or in its subtree, when `subtree`)."""

    root: int
    subtree: bool
    ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class OwnerDepartmentIn:
    """The owner's current department is `root` (or in its subtree, when `subtree`)."""

    root: int
    subtree: bool
    ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class SharedWith:
    """An unexpired manual share of the record to one of `principals` at one of `accesses`."""

    object: str
    principals: tuple[PrincipalRef, ...]
    accesses: frozenset[str]


@dataclass(frozen=True, slots=True)
class FieldTest:
    """Two-valued: a NULL value makes every op false except is_null."""

    field: str
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Pred, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Pred, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Pred


Pred = (
    Const | OwnerIs | OwnerReportsTo | DepartmentIn | OwnerDepartmentIn | SharedWith
    | FieldTest | And | Or | Not
)


def any_of(items: list[Pred] | tuple[Pred, ...]) -> Pred:
    """OR with constant folding and de-duplication (order kept)."""
    out: list[Pred] = []
    for p in items:
        if p == TRUE:
            return TRUE
        if p == FALSE or p in out:
            continue
        out.extend(p.items if isinstance(p, Or) else (p,))
    if not out:
        return FALSE
    return out[0] if len(out) == 1 else Or(tuple(out))


def all_of(items: list[Pred] | tuple[Pred, ...]) -> Pred:
    """AND with constant folding and de-duplication (order kept)."""
    out: list[Pred] = []
    for p in items:
        if p == FALSE:
            return FALSE
        if p == TRUE or p in out:
            continue
        out.extend(p.items if isinstance(p, And) else (p,))
    if not out:
        return TRUE
    return out[0] if len(out) == 1 else And(tuple(out))


def negate(p: Pred) -> Pred:
    if isinstance(p, Const):
        return Const(not p.value)
    if isinstance(p, Not):
        return p.item
    return Not(p)
