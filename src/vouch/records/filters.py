"""A list's filter, sort and free-text search, turned into SQL the viewer may use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_

from vouch.access.engine import ConditionError, compile_sql, parse_condition, readable_fields
from vouch.catalog import QUERYABLE_SYSTEM_COLUMNS, ObjectDef
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid
from vouch.records.models import model_for
from vouch.records.values import MAX_ID


def filter_clauses(
    ctx: RequestContext, odef: ObjectDef, filters: Any
) -> tuple[list[ColumnElement[bool]], list[str]]:
    """User filters in the condition language (a list of leaf conditions or any
    condition); returns clauses and the fields they use."""
    if not filters:
        return [], []
    cond = {"and": list(filters)} if isinstance(filters, list) else filters
    try:
        pred = parse_condition(odef.name, cond, ctx.profile.facts.department_parents)
    except ConditionError as exc:
        raise Invalid(f"bad filter: {exc}", field=exc.path, type=ErrorType.CONDITION,
                      path=exc.path) from None
    except ArithmeticError:  # a number too large for a decimal field's precision
        raise Invalid("bad filter: a number is out of range", field="filter",
                      type=ErrorType.RANGE) from None
    check_integers(cond, "$")
    used = _fields_of(cond)
    return [compile_sql(pred, model_for(odef.name).__table__, ctx.now)], used  # type: ignore[arg-type]


def check_integers(value: Any, path: str) -> None:
    """Integers beyond the columns' 32 bits would make PostgreSQL fail the whole query."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ID:
        raise Invalid(f"bad filter: {path}: {value} is out of range", field="filter",
                      type=ErrorType.RANGE, path=path, min=-MAX_ID, max=MAX_ID)
    if isinstance(value, dict):
        for key, item in value.items():
            check_integers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_integers(item, f"{path}[{i}]")


def _fields_of(cond: Any) -> list[str]:
    if isinstance(cond, dict):
        if "field" in cond:
            return [cond["field"]]
        out: list[str] = []
        for key in ("and", "or"):
            for c in cond.get(key, []):
                out += _fields_of(c)
        if "not" in cond:
            out += _fields_of(cond["not"])
        return out
    return []


def parse_sort(odef: ObjectDef, sort: str | None) -> tuple[str, bool]:
    sort = sort or "-updated_at"
    descending = sort.startswith("-")
    name = sort.lstrip("-+")
    if name not in QUERYABLE_SYSTEM_COLUMNS and name not in odef.field_map:
        raise Invalid(f"unknown sort field {name!r} of {odef.name}", field="sort", name=name,
                      type=ErrorType.UNKNOWN)
    return name, descending


def search_clause(ctx: RequestContext, odef: ObjectDef, q: str) -> ColumnElement[bool]:
    """Free text over the searchable fields the viewer can read: a field they cannot read
    never takes part, so a match can never reveal its value."""
    readable = set(readable_fields(ctx.profile, odef.name))
    cols = [model_for(odef.name).__table__.c[f.name]
            for f in odef.search_fields if f.name in readable]
    if not cols:
        raise Invalid("no searchable field is readable for you", field="q",
                      type=ErrorType.NO_SEARCH)
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    needle = f"%{escaped}%"
    return or_(*(func.lower(c).like(needle, escape="\\") for c in cols))
