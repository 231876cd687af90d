"""The predicate tree compiled to Python closures: `fn(record, now) -> bool`.

The closures must answer exactly as sql.py's clauses do on the same data; the
differential tests hold both to the reference model.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from vouch.access.engine.facts import PrincipalRef, RecordFacts
from vouch.access.engine.predicate import (
    And,
    Const,
    DepartmentIn,
    FieldTest,
    Not,
    Or,
    OwnerDepartmentIn,
    OwnerIs,
    OwnerReportsTo,
    Pred,
    SharedWith,
)

Check = Callable[[RecordFacts, datetime], bool]


def _always(rec: RecordFacts, now: datetime) -> bool:
    return True


def _never(rec: RecordFacts, now: datetime) -> bool:
    return False


def compile_python(p: Pred) -> Check:
    match p:
        case Const(value=v):
            return _always if v else _never
        case OwnerIs(user_id=uid):
            return lambda rec, now: rec.owner_id == uid
        case OwnerReportsTo(reports=ids):
            return lambda rec, now: rec.owner_id in ids
        case DepartmentIn(ids=ids):
            return lambda rec, now: rec.department_id in ids
        case OwnerDepartmentIn(ids=ids):
            return lambda rec, now: rec.owner_department_id in ids
        case SharedWith(principals=principals, accesses=accesses):
            return _shared_with(principals, accesses)
        case FieldTest(field=f, op=op, value=v):
            return _field_test(f, op, v)
        case And(items=items):
            return _all(tuple(compile_python(i) for i in items))
        case Or(items=items):
            return _any(tuple(compile_python(i) for i in items))
        case Not(item=item):
            inner = compile_python(item)
            return lambda rec, now: not inner(rec, now)
    raise TypeError(f"not a predicate: {p!r}")


# The warm path of every check runs through these: no generators, arity-specialised.
def _any(parts: tuple[Check, ...]) -> Check:
    if len(parts) == 2:
        a, b = parts
        return lambda rec, now: a(rec, now) or b(rec, now)
    if len(parts) == 3:
        a, b, c = parts
        return lambda rec, now: a(rec, now) or b(rec, now) or c(rec, now)

    def check(rec: RecordFacts, now: datetime) -> bool:
        return any(part(rec, now) for part in parts)

    return check


def _all(parts: tuple[Check, ...]) -> Check:
    if len(parts) == 2:
        a, b = parts
        return lambda rec, now: a(rec, now) and b(rec, now)
    if len(parts) == 3:
        a, b, c = parts
        return lambda rec, now: a(rec, now) and b(rec, now) and c(rec, now)

    def check(rec: RecordFacts, now: datetime) -> bool:
        return all(part(rec, now) for part in parts)

    return check


def _shared_with(principals: tuple[PrincipalRef, ...], accesses: frozenset[str]) -> Check:
    keys = frozenset((p.kind, p.id) for p in principals)

    def check(rec: RecordFacts, now: datetime) -> bool:
        if not rec.shares:
            return False
        for s in rec.shares:
            if (
                (s.principal_kind, s.principal_id) in keys
                and s.access in accesses
                and (s.expires_at is None or now < s.expires_at)
            ):
                return True
        return False

    return check


def field_value(rec: RecordFacts, name: str) -> Any:
    if name == "owner_id":
        return rec.owner_id
    if name == "department_id":
        return rec.department_id
    if name == "id":
        return rec.id
    return rec.values.get(name)


def _field_test(name: str, op: str, value: Any) -> Check:
    if op == "is_null":
        want_null = bool(value)
        return lambda rec, now: (field_value(rec, name) is None) == want_null
    test = _COMPARE[op]

    def check(rec: RecordFacts, now: datetime) -> bool:
        v = field_value(rec, name)
        return v is not None and test(v, value)

    return check


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "in": lambda a, b: a in b,
    "not_in": lambda a, b: a not in b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "contains": lambda a, b: b in a,
}
