"""The predicate tree compiled to SQLAlchemy clauses over a record table.

Clauses are two-valued like evaluate.py: every leaf is guarded so that a NULL column makes
it false, never NULL, so NOT means the same in SQL and in Python. Reporting lines and
department subtrees are answered from the closure tables by sub-select, never as literal
id lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Boolean

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
    all_of,
    any_of,
    negate,
)
from vouch.access.models import Share

if TYPE_CHECKING:
    from vouch.access.engine.profile import AccessProfile
from vouch.org.models import DepartmentClosure, ReportingClosure, User


class contains_text(FunctionElement[bool]):
    """Case-sensitive substring test, the same on both databases and in Python (`in`)."""

    type = Boolean()
    inherit_cache = True
    name = "contains_text"


@compiles(contains_text, "sqlite")
def _contains_sqlite(element: contains_text, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, needle = list(element.clauses)
    return f"(instr({compiler.process(haystack, **kw)}, {compiler.process(needle, **kw)}) > 0)"


@compiles(contains_text)
def _contains_default(element: contains_text, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, needle = list(element.clauses)
    return f"(strpos({compiler.process(haystack, **kw)}, {compiler.process(needle, **kw)}) > 0)"


# Core columns, not ORM attributes: comparisons on instrumented attributes cost several
# times more Python per request, and these clauses are built on every list.
_SHARES = Share.__table__.c
_USERS = User.__table__.c
_DEPT_CLOSURE = DepartmentClosure.__table__.c
_REPORTING = ReportingClosure.__table__.c


def department_subtree_select(root: int) -> Any:
    return select(_DEPT_CLOSURE.descendant_id).where(_DEPT_CLOSURE.ancestor_id == root)


def compile_sql(
    p: Pred, table: Table, now: datetime | Any, likelihood: Mapping[Pred, float] | None = None
) -> ColumnElement[bool]:
    """`likelihood` (SQLite only) attaches an estimated truth probability to leaves, so
    the planner scans the ordered index for a dense branch instead of sorting it."""
    clause = _compile(p, table, now, likelihood or {})
    return clause


def _compile(
    p: Pred, table: Table, now: datetime | Any, hints: Mapping[Pred, float]
) -> ColumnElement[bool]:
    if p in hints:
        inner = _compile(p, table, now, {})
        # SQLite wants the probability as a literal constant, not a bound parameter.
        hinted: ColumnElement[bool] = func.likelihood(inner, literal_column(f"{hints[p]:.4f}"))
        return hinted
    c = table.c
    match p:
        case Const(value=v):
            return true() if v else false()
        case OwnerIs(user_id=uid):
            return c.owner_id == uid
        case OwnerReportsTo(manager_id=mid):
            return c.owner_id.in_(
                select(_REPORTING.descendant_id).where(
                    _REPORTING.ancestor_id == mid, _REPORTING.depth > 0
                )
            )
        case DepartmentIn(root=root, subtree=subtree):
            if not subtree:
                return c.department_id == root
            return c.department_id.in_(department_subtree_select(root))
        case OwnerDepartmentIn(root=root, subtree=subtree):
            depts = (_USERS.department_id.in_(department_subtree_select(root)) if subtree
                     else _USERS.department_id == root)
            return c.owner_id.in_(select(_USERS.id).where(depts))
        case SharedWith(object=obj, principals=principals, accesses=accesses):
            by_kind: dict[str, list[int]] = {}
            for pr in principals:
                if pr.id is not None:
                    by_kind.setdefault(pr.kind, []).append(pr.id)
            who = or_(*(
                and_(_SHARES.principal_kind == kind,
                     _SHARES.principal_id == ids[0] if len(ids) == 1
                     else _SHARES.principal_id.in_(ids))
                for kind, ids in by_kind.items()
            ))
            # IN (sub-select), not a correlated EXISTS: both databases then drive the
            # branch from the user's shares (ix_shares_principal) and fetch the few
            # records by primary key; SQLite ran EXISTS once per record of the table.
            return c.id.in_(select(_SHARES.record_id).where(
                _SHARES.object == obj,
                who,
                _SHARES.access.in_(sorted(accesses)),
                or_(_SHARES.expires_at.is_(None), _SHARES.expires_at > now),
            ))
        case FieldTest(field=name, op=op, value=v):
            return _field_test(table, name, op, v)
        case And(items=items):
            return and_(*(_compile(i, table, now, hints) for i in items))
        case Or(items=items):
            return or_(*(_compile(i, table, now, hints) for i in items))
        case Not(item=item):
            return not_(_compile(item, table, now, hints))
    raise TypeError(f"not a predicate: {p!r}")


def _field_test(table: Table, name: str, op: str, v: Any) -> ColumnElement[bool]:
    col = table.c[name]
    if op == "is_null":
        return col.is_(None) if v else col.is_not(None)
    test: ColumnElement[bool]
    match op:
        case "eq":
            test = col == v
        case "ne":
            test = col != v
        case "in":
            test = col.in_(list(v))
        case "not_in":
            test = col.not_in(list(v))
        case "lt":
            test = col < v
        case "le":
            test = col <= v
        case "gt":
            test = col > v
        case "ge":
            test = col >= v
        case "contains":
            test = contains_text(col, v)
        case _:
            raise ValueError(op)
    return and_(col.is_not(None), test)


def _table(obj: str) -> Table:
    from vouch.records.models import model_for

    return model_for(obj).__table__  # type: ignore[return-value]


def record_filter(profile: Any, obj: str, action: str, now: datetime) -> ColumnElement[bool]:
    """The record layer and restrictions of (user, obj, action) as one WHERE clause."""
    if not profile.active:
        return false()
    return compile_sql(profile.access(obj, action).predicate, _table(obj), now)


def branch_predicates(profile: AccessProfile, obj: str, action: str) -> list[Pred]:
    """The same set as record_filter, as predicates whose union it is.

    Each carries the whole conjunction (view gate, restrictions) so that a query may read
    each on its own index and merge them. An empty list means no record."""
    if not profile.active:
        return []
    entry = profile.access(obj, action)
    if not entry.granted:
        return []
    guard = [entry.view_gate, negate(entry.restriction_pred)]
    if any_of([b.pred for b in entry.branches]) == Const(True):
        return [all_of(guard)]
    out: list[Pred] = []
    for b in entry.branches:
        p = all_of([b.pred, *guard])
        if p not in out and p != Const(False):
            out.append(p)
    return out


def density(profile: AccessProfile, p: Pred) -> float | None:
    """An estimate of the share of records a scope leaf reaches (for the query shape, never
    for a decision): a team over all users, a subtree over all departments."""
    facts = profile.facts
    users: int = max(facts.user_count, 1)
    departments: int = max(len(facts.department_parents), 1)
    match p:
        case OwnerReportsTo(reports=ids):
            return len(ids) / users
        case DepartmentIn(ids=ids) | OwnerDepartmentIn(ids=ids):
            return len(ids) / departments
        case OwnerIs():
            return 1 / users
    return None


def leaves(p: Pred) -> list[Pred]:
    if isinstance(p, And | Or):
        return [x for i in p.items for x in leaves(i)]
    if isinstance(p, Not):
        return leaves(p.item)
    return [p]
