"""The predicate tree compiled to Python closures: `fn(record, now) -> bool`.

The closures must answer exactly as sql.py's clauses do on the same data; the
differential tests hold both to the reference model.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
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


@lru_cache(maxsize=4096)
def compile_python(p: Pred) -> Check:
    """One flat function for the whole tree: `lambda r, now: <expression>`. Predicates are
    immutable and hashable, so explanations and denials reuse compiled functions."""
    check: Check = _generate(p, None)
    return check


def compile_choice(p: Pred, then: Any, otherwise: Any) -> Callable[..., Any]:
    """`lambda r, now: then if <expression> else otherwise` — a decision in one call."""
    choose: Callable[..., Any] = _generate(p, (then, otherwise))
    return choose


def _generate(p: Pred, choice: tuple[Any, Any] | None) -> Any:
    # The expression is generated from the typed nodes only: integers are formatted with
    # int(), every other constant (id sets, share and field tests, the decisions) is bound
    # by name in the function's namespace, never spliced in as text.
    env: dict[str, Any] = {}
    expr = _expr(p, env)
    if choice is not None:
        expr = f"{_bind(env, choice[0])} if {expr} else {_bind(env, choice[1])}"
    code = compile(f"lambda r, now: {expr}", "<vouch predicate>", "eval")
    return eval(code, env)  # nosec B307: source generated from typed nodes, see above


def _bind(env: dict[str, Any], value: Any) -> str:
    name = f"_c{len(env)}"
    env[name] = value
    return name


def _expr(p: Pred, env: dict[str, Any]) -> str:
    match p:
        case Const(value=v):
            return "True" if v else "False"
        case OwnerIs(user_id=uid):
            return f"r.owner_id == {int(uid)}"
        case OwnerReportsTo(reports=ids):
            return f"r.owner_id in {_bind(env, ids)}"
        case DepartmentIn(ids=ids):
            if len(ids) == 1:
                return f"r.department_id == {int(next(iter(ids)))}"
            return f"r.department_id in {_bind(env, ids)}"
        case OwnerDepartmentIn(ids=ids):
            return f"r.owner_department_id in {_bind(env, ids)}"
        case SharedWith(principals=principals, accesses=accesses):
            return f"(bool(r.shares) and {_bind(env, _shared_with(principals, accesses))}(r, now))"
        case FieldTest(field=f, op=op, value=v):
            return f"{_bind(env, _field_test(f, op, v))}(r, now)"
        case And(items=items):
            return "(" + " and ".join(_expr(i, env) for i in items) + ")"
        case Or(items=items):
            return "(" + " or ".join(_expr(i, env) for i in items) + ")"
        case Not(item=item):
            return f"(not {_expr(item, env)})"
    raise TypeError(f"not a predicate: {p!r}")


def _shared_with(principals: tuple[PrincipalRef, ...], accesses: frozenset[str]) -> Check:
    keys = frozenset((p.kind, p.id) for p in principals)

    def check(rec: RecordFacts, now: datetime) -> bool:
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
