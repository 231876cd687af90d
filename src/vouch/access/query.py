"""Permission-filtered statements over record tables: the only way to SELECT records.

Every statement built here carries the FILTERED marker the single-door hook looks for.
Lists use the union-of-branches shape (ARCHITECTURE.md, SQL shape): each branch of the
scope is read in the requested order on its own index and the branches are merged, per
database as `page` describes. A plain OR of branches would make the planner sort every
match.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.sql.elements import BindParameter, UnaryExpression

from vouch.access.engine import (
    AccessProfile,
    branch_predicates,
    compile_sql,
    density,
    leaves,
    record_filter,
)
from vouch.access.engine.predicate import And, DepartmentIn, OwnerReportsTo, Pred, all_of, negate
from vouch.db import FILTERED
from vouch.records.models import RecordBase, model_for
from vouch.types import UTCDateTime


def mark(stmt: Select[Any]) -> Select[Any]:
    return stmt.execution_options(**{FILTERED: True})


def filtered_select(
    profile: AccessProfile, obj: str, action: str, now: datetime, *columns: Any
) -> Select[Any]:
    """SELECT `columns` (default: the model) of the records `action` reaches."""
    model = model_for(obj)
    stmt = select(*(columns or (model,))).where(record_filter(profile, obj, action, now))
    return mark(stmt)


def count(
    profile: AccessProfile, obj: str, action: str, now: datetime,
    where: Sequence[ColumnElement[bool]] = (),
) -> Select[Any]:
    model = model_for(obj)
    return mark(
        select(func.count()).select_from(model)
        .where(record_filter(profile, obj, action, now), *where)
    )


def after_clause(
    col: Any, id_col: Any, descending: bool, after: tuple[Any, int]
) -> ColumnElement[bool]:
    """Keyset condition for (col, id) strictly after `after` in the page order."""
    value, last_id = after
    bound = tuple_(literal(value, col.type), literal(last_id, id_col.type))
    if descending:
        return tuple_(col, id_col) < bound
    return tuple_(col, id_col) > bound


# The decision time in statements cached on a profile: a required parameter, so executing
# one without the time fails loudly instead of using a stale instant.
NOW = "vouch_now"
_NOW_PARAM = bindparam(NOW, type_=UTCDateTime(), required=True)


def first_page(
    profile: AccessProfile, obj: str, action: str, now: datetime, *, dialect: str,
    order_by: str = "updated_at", descending: bool = True, limit: int = 50,
) -> tuple[Select[Any], dict[str, Any]]:
    """`page` with no filter and no cursor (a list as first opened), built once per
    profile and order and executed with `now` as a parameter: `session.scalars(stmt,
    params)`. Building the statement of a scope with several branches costs about a
    millisecond of Python (bench/o8_http.py); reusing it costs nothing."""
    key = (obj, action, dialect, order_by, descending, limit)
    stmt = profile._statements.get(key)
    if stmt is None:
        stmt = profile._statements[key] = page(
            profile, obj, action, _NOW_PARAM, dialect=dialect, order_by=order_by,
            descending=descending, limit=limit)
    return stmt, {NOW: now}


DENSE = 0.05  # estimated share of records above which a branch counts as dense
SPLIT_MAX_DEPARTMENTS = 16  # SQLite: a subtree up to this size becomes one arm each


def page(
    profile: AccessProfile,
    obj: str,
    action: str,
    now: datetime | BindParameter[datetime],
    *,
    dialect: str,
    order_by: str = "updated_at",
    descending: bool = True,
    where: Sequence[ColumnElement[bool]] = (),
    after: tuple[Any, int] | None = None,
    limit: int = 50,
) -> Select[Any]:
    """The next `limit` records in (order_by, id) order after the cursor `after`.

    `order_by` must be a NOT NULL column (nullable sorts use `page_nullable`). The shape
    depends on the database (measured in bench/o5_lists.py):
    - SQLite: keys-only arms under one compound UNION … ORDER BY … LIMIT, which SQLite
      runs as a lazy merge of index-ordered arms; dense arms carry a likelihood hint and
      a small department subtree becomes one arm per department.
    - PostgreSQL: a dense scope is one ordered scan with the branches OR-ed (it stops
      after `limit` matches); otherwise disjoint keys-only arms, each the first `limit`
      keys of its index, UNION ALL, and the page's rows joined by primary key.
    """
    model: type[RecordBase] = model_for(obj)
    table: Table = model.__table__  # type: ignore[assignment]
    col, id_col = table.c[order_by], table.c.id
    k: Any = literal_column("k")
    rid: Any = literal_column("rid")

    def ordered(c: Any, i: Any) -> list[UnaryExpression[Any]]:
        return [c.desc(), i.desc()] if descending else [c.asc(), i.asc()]

    conds = list(where)
    if after is not None:
        conds.append(after_clause(col, id_col, descending, after))
    preds = branch_predicates(profile, obj, action)
    if not preds:
        return mark(select(model).where(false()))
    if dialect == "sqlite":
        arms = [arm for p in preds for arm in split_small_subtree(p)]
        clauses = [compile_sql(a, table, now, sqlite_likelihoods(profile, a)) for a in arms]
        if len(clauses) == 1:
            return mark(select(model).where(clauses[0], *conds)
                        .order_by(*ordered(col, id_col)).limit(limit))
        top = (
            union(*(select(id_col.label("rid"), col.label("k")).where(c, *conds)
                    for c in clauses))
            .order_by(*ordered(k, rid)).limit(limit).subquery("top")
        )
        return mark(select(model).join(top, top.c.rid == model.id)
                    .order_by(*ordered(top.c.k, top.c.rid)))
    if len(preds) == 1 or _dense(profile, preds):
        clauses = [compile_sql(p, table, now) for p in preds]
        return mark(select(model).where(or_(*clauses), *conds)
                    .order_by(*ordered(col, id_col)).limit(limit))
    # Disjoint keys-only arms (the first `limit` of each on its own index), merged, then
    # the rows fetched by primary key: building subqueries of the full model costs far more
    # Python time per request than the query itself (measured by bench/o8_http.py).
    disjoint = [all_of([p, *(negate(q) for q in preds[:i])]) for i, p in enumerate(preds)]
    keys: list[Select[Any]] = [
        select(select(id_col.label("rid"), col.label("k"))
               .where(compile_sql(p, table, now), *conds)
               .order_by(*ordered(col, id_col)).limit(limit).subquery())
        for p in disjoint
    ]
    top = union_all(*keys).order_by(*ordered(k, rid)).limit(limit).subquery("top")
    return mark(select(model).join(top, top.c.rid == model.id)
                .order_by(*ordered(top.c.k, top.c.rid)))


def _dense(profile: AccessProfile, preds: Sequence[Pred]) -> bool:
    return any((density(profile, leaf) or 0.0) >= DENSE for p in preds for leaf in leaves(p))


def sqlite_likelihoods(profile: AccessProfile, p: Pred) -> dict[Pred, float]:
    """SQLite hints for the reports and subtree leaves of one arm."""
    out: dict[Pred, float] = {}
    for leaf in leaves(p):
        if isinstance(leaf, OwnerReportsTo) or (isinstance(leaf, DepartmentIn) and leaf.subtree):
            d = density(profile, leaf)
            if d is not None:
                out[leaf] = min(max(d, 0.0001), 0.9)
    return out


def split_small_subtree(p: Pred) -> list[Pred]:
    """`department in subtree AND rest` as one arm per department (each read in order on
    (department_id, updated_at, id)) when the subtree is small; the ids come from the
    cached profile, which the policy version invalidates."""
    items = p.items if isinstance(p, And) else (p,)
    subtrees = [x for x in items if isinstance(x, DepartmentIn) and x.subtree]
    if len(subtrees) != 1 or len(subtrees[0].ids) > SPLIT_MAX_DEPARTMENTS:
        return [p]
    rest = [x for x in items if x is not subtrees[0]]
    return [all_of([DepartmentIn(d, False, frozenset({d})), *rest])
            for d in sorted(subtrees[0].ids)]


def page_nullable(
    profile: AccessProfile,
    obj: str,
    action: str,
    now: datetime,
    *,
    order_by: str,
    descending: bool,
    where: Sequence[ColumnElement[bool]] = (),
    after: tuple[Any, int] | None = None,
    after_null: bool = False,
    limit: int = 50,
) -> Select[Any]:
    """Pages sorted by a nullable column: non-null values in order, then NULLs by id (the
    same on both databases, whose default NULL orders differ)."""
    model = model_for(obj)
    table = model.__table__
    col, id_col = table.c[order_by], table.c.id
    conds = list(where)
    if after is not None:
        if after_null:
            conds.append(and_(col.is_(None), id_col < after[1] if descending
                              else id_col > after[1]))
        else:
            conds.append(or_(and_(col.is_not(None),
                                  after_clause(col, id_col, descending, after)), col.is_(None)))
    direction = [col.desc(), id_col.desc()] if descending else [col.asc(), id_col.asc()]
    return mark(
        select(model)
        .where(record_filter(profile, obj, action, now), *conds)
        .order_by(col.is_(None), *direction)
        .limit(limit)
    )
