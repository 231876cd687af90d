"""Permission-filtered statements over record tables: the only way to SELECT records.

Every statement built here carries the FILTERED marker the single-door hook looks for.
Lists use the union-of-branches shape (ARCHITECTURE.md, SQL shape): each branch of the
scope takes its first N rows in the requested order on its own index, the branches are
merged, and only the final N rows are fetched whole. A plain OR of branches would make
the planner sort every match.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
    union,
)
from sqlalchemy.sql.elements import UnaryExpression

from vouch.access.engine import AccessProfile, record_branches, record_filter
from vouch.db import FILTERED
from vouch.records.models import RecordBase, model_for


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


def page(
    profile: AccessProfile,
    obj: str,
    action: str,
    now: datetime,
    *,
    order_by: str = "updated_at",
    descending: bool = True,
    where: Sequence[ColumnElement[bool]] = (),
    after: tuple[Any, int] | None = None,
    limit: int = 50,
) -> Select[Any]:
    """The next `limit` records in (order_by, id) order after the cursor `after`.

    `order_by` must be a NOT NULL column (nullable sorts use `page_nullable`)."""
    model: type[RecordBase] = model_for(obj)
    table = model.__table__
    col, id_col = table.c[order_by], table.c.id

    def ordered(c: Any, i: Any) -> list[UnaryExpression[Any]]:
        return [c.desc(), i.desc()] if descending else [c.asc(), i.asc()]

    conds = list(where)
    if after is not None:
        conds.append(after_clause(col, id_col, descending, after))
    branches = record_branches(profile, obj, action, now)
    if not branches:
        return mark(select(model).where(false()))
    if len(branches) == 1:
        return mark(select(model).where(branches[0], *conds)
                    .order_by(*ordered(col, id_col)).limit(limit))
    parts = [
        select(
            select(id_col.label("rid"), col.label("k"))
            .where(b, *conds).order_by(*ordered(col, id_col)).limit(limit).subquery()
        )
        for b in branches
    ]
    merged = union(*parts).subquery("visible")
    top = (
        select(merged.c.rid, merged.c.k)
        .order_by(*ordered(merged.c.k, merged.c.rid)).limit(limit).subquery("top")
    )
    return mark(
        select(model).join(top, top.c.rid == model.id).order_by(*ordered(top.c.k, top.c.rid))
    )


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
