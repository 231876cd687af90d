"""Reading records: list, count and get, rendered as the viewer may see them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement

from vouch.access import query
from vouch.access.engine import (
    FieldLevelInfo,
    can,
    capped_levels,
    check_queryable,
    object_field_levels,
    redact,
)
from vouch.catalog import FieldLevel, FieldType, ObjectDef, get_object
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid, NotFound
from vouch.records.cursor import cursor_fits, decode_cursor, encode_cursor
from vouch.records.filters import filter_clauses, parse_sort, search_clause
from vouch.records.models import RecordBase, model_for
from vouch.records.sensitive_reads import note_sensitive_read
from vouch.records.use_case import atomic, require_function
from vouch.records.values import has_nul
from vouch.records.visibility import record_facts_by_id, visible_rows

MAX_LIMIT = 500
NOT_NULL_SORTS = frozenset({"id", "created_at", "updated_at", "owner_id", "department_id"})


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None
    total: int | None = None


@dataclass(frozen=True)
class ListPlan:
    """A validated list query: what to read, in which order, under which action."""

    obj: str
    action: str
    sort_field: str
    descending: bool
    nullable: bool
    where: tuple[ColumnElement[bool], ...]


def plan_list(
    ctx: RequestContext, obj: str, *, action: str = "view", filters: Any = None,
    sort: str | None = None, q: str | None = None,
) -> ListPlan:
    """Check everything a list (or export) needs before reading: the function, the sort
    field, the filters and the field levels they use (403 naming a field below read)."""
    odef = get_object(obj)
    require_function(ctx, obj, action)
    for name, given in (("filter", filters), ("q", q)):
        if has_nul(given):
            raise Invalid(f"{name} contains a NUL character", field=name, type=ErrorType.NUL)
    sort_field, descending = parse_sort(odef, sort)
    where, used = filter_clauses(ctx, odef, filters)
    check_queryable(ctx.profile, obj, filter=used, sort=[sort_field])
    if q:
        where.append(search_clause(ctx, odef, q))
    nullable = sort_field not in NOT_NULL_SORTS and not (
        sort_field in odef.field_map and odef.field_map[sort_field].required
    )
    return ListPlan(obj, action, sort_field, descending, nullable, tuple(where))


def fetch_page(ctx: RequestContext, plan: ListPlan, *, limit: int,
               cursor: str | None = None) -> tuple[list[RecordBase], str | None]:
    """The next `limit` rows of a planned list and the cursor after them."""
    odef = get_object(plan.obj)
    after = decode_cursor(cursor) if cursor else None
    if after is not None and not cursor_fits(odef, plan.sort_field, after[0], plan.nullable):
        raise Invalid("cursor does not belong to this sort order", field="cursor",
                      type=ErrorType.CURSOR)
    params: dict[str, Any] = {}
    if plan.nullable:
        after_null = bool(after and after[0] is None)
        stmt = query.page_nullable(
            ctx.profile, plan.obj, plan.action, ctx.now, order_by=plan.sort_field,
            descending=plan.descending, where=plan.where, after=after, after_null=after_null,
            limit=limit + 1,
        )
    elif plan.where or after is not None:
        stmt = query.page(
            ctx.profile, plan.obj, plan.action, ctx.now,
            dialect=ctx.session.get_bind().dialect.name, order_by=plan.sort_field,
            descending=plan.descending, where=plan.where, after=after, limit=limit + 1,
        )
    else:
        stmt, params = query.first_page(
            ctx.profile, plan.obj, plan.action, ctx.now,
            dialect=ctx.session.get_bind().dialect.name, order_by=plan.sort_field,
            descending=plan.descending, limit=limit + 1,
        )
    rows = list(ctx.session.scalars(stmt, params))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, plan.sort_field), last.id)
    return rows, next_cursor


def list_records(
    ctx: RequestContext,
    obj: str,
    *,
    action: str = "view",
    filters: Any = None,
    sort: str | None = None,
    q: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
    total: bool = False,
) -> Page:
    plan = plan_list(ctx, obj, action=action, filters=filters, sort=sort, q=q)
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}", field="limit",
                      type=ErrorType.RANGE, min=1, max=MAX_LIMIT)
    with atomic(ctx):
        rows, next_cursor = fetch_page(ctx, plan, limit=limit, cursor=cursor)
        items = render_records(ctx, obj, rows)
        n = _count(ctx, plan) if total else None
        note_sensitive_read(ctx, obj, [i["id"] for i in items], purpose="list")
    return Page(items, next_cursor, n)


def _count(ctx: RequestContext, plan: ListPlan) -> int:
    return int(ctx.session.execute(
        query.count(ctx.profile, plan.obj, plan.action, ctx.now, plan.where)).scalar_one())


def count_records(
    ctx: RequestContext, obj: str, *, action: str = "view", filters: Any = None,
    q: str | None = None,
) -> int:
    return _count(ctx, plan_list(ctx, obj, action=action, filters=filters, q=q))


def render_records(ctx: RequestContext, obj: str, rows: list[RecordBase]) -> list[dict[str, Any]]:
    """Rows as the viewer may see them: field levels capped per record, references named
    only when the viewer can view the referenced record."""
    odef = get_object(obj)
    levels = object_field_levels(ctx.profile, obj)
    edit_granted = ctx.profile.access(obj, "edit").granted
    # record facts (owner departments, shares) only matter when some row may be editable
    facts = record_facts_by_id(ctx, obj, rows) if edit_granted and rows else {}
    refs = _reference_names(ctx, odef, rows, levels)
    out = []
    for r in rows:
        editable = edit_granted and bool(can(ctx.profile, obj, "edit", facts[r.id], ctx.now))
        capped = capped_levels(levels, editable)
        values = {f.name: getattr(r, f.name) for f in odef.fields}
        shown = redact(obj, values, capped)
        for f in odef.fields:
            if f.type is FieldType.REFERENCE and f.name in shown and shown[f.name] is not None \
                    and capped[f.name] is not FieldLevel.MASKED:
                shown[f.name] = refs[f.name].get(shown[f.name]) or {
                    "id": shown[f.name], "restricted": True}
        item = {
            "id": r.id, "owner_id": r.owner_id, "department_id": r.department_id,
            "created_at": r.created_at, "updated_at": r.updated_at, "version": r.version,
            **shown,
            "_editable": editable,
        }
        out.append(item)
    return out


def _reference_names(
    ctx: RequestContext, odef: ObjectDef, rows: list[RecordBase],
    levels: Mapping[str, FieldLevelInfo],
) -> dict[str, dict[int, dict[str, Any]]]:
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for f in odef.fields:
        if f.type is not FieldType.REFERENCE or levels[f.name].level is FieldLevel.HIDDEN:
            continue
        assert f.ref is not None
        ids = sorted({getattr(r, f.name) for r in rows if getattr(r, f.name) is not None})
        names: dict[int, dict[str, Any]] = {}
        target = get_object(f.ref)
        title_level = (object_field_levels(ctx.profile, f.ref)[target.title_field].level
                       if ctx.profile.access(f.ref, "view").granted else FieldLevel.HIDDEN)
        if ids and title_level.rank >= FieldLevel.READ.rank:
            model = model_for(f.ref)
            for rid, title in ctx.session.execute(
                query.filtered_select(ctx.profile, f.ref, "view", ctx.now, model.id,
                                      getattr(model, target.title_field))
                .where(model.id.in_(ids))
            ):
                names[rid] = {"id": rid, "name": title}
        out[f.name] = names
    return out


def get_record(ctx: RequestContext, obj: str, record_id: int) -> dict[str, Any]:
    with atomic(ctx):
        return shown_record(ctx, obj, record_id, purpose="get")


def shown_record(ctx: RequestContext, obj: str, record_id: int, *, purpose: str) -> dict[str, Any]:
    """The record as the actor sees it, noting a clear read of sensitive fields (inside
    the caller's transaction)."""
    get_object(obj)
    require_function(ctx, obj, "view")
    row = visible_rows(ctx, obj, [record_id]).get(record_id)
    if row is None:
        raise NotFound(obj, record_id)
    item = render_records(ctx, obj, [row])[0]
    note_sensitive_read(ctx, obj, [record_id], purpose=purpose)
    return item
