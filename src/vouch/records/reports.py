"""Reports: counts and sums computed in SQL under the viewer's scope and field levels.

Each report starts from `access.query.filtered_select` for `view` (scope, shares, rules,
windows and restrictions: exactly the records the viewer can list) and groups in SQL. A
field summed must be at least `read` for the viewer: a fixed report leaves the sum out
and says which field it withheld (counts are still shown); a field the caller chose to
group or sum by is refused with 403 naming it. An amount the viewer cannot read is never
summed into anything they see.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select

from vouch.access import query
from vouch.access.engine import check_queryable, object_field_levels
from vouch.catalog import QUERYABLE_SYSTEM_COLUMNS, FieldLevel, FieldType, get_object
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid
from vouch.org.models import User
from vouch.records.models import model_for
from vouch.records.service import require_function

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_GROUPS = 1000
GROUPABLE = frozenset({FieldType.ENUM, FieldType.REFERENCE, FieldType.STRING, FieldType.PHONE,
                       FieldType.EMAIL, FieldType.INTEGER, FieldType.DATE})
SUMMABLE = frozenset({FieldType.DECIMAL, FieldType.INTEGER})


def _money(value: Any) -> str:
    return str(Decimal(str(value or 0)).quantize(Decimal("0.01")))


def _measure(ctx: RequestContext, obj: str, name: str | None, chosen: bool
             ) -> tuple[str | None, list[dict[str, str]]]:
    """The field to sum, or None and the withheld field with its level. A field the
    caller chose must be at least read (403 naming it); a fixed one is withheld."""
    if name is None:
        return None, []
    odef = get_object(obj)
    f = odef.field_map.get(name)
    if f is None or f.type not in SUMMABLE:
        raise Invalid(f"{name} is not a number field of {obj}", field="sum",
                      type=ErrorType.CHOICE,
                      choices=[n for n, d in odef.field_map.items() if d.type in SUMMABLE])
    if chosen:
        check_queryable(ctx.profile, obj, sum=[name])
        return name, []
    level = object_field_levels(ctx.profile, obj)[name].level
    if level.rank >= FieldLevel.READ.rank:
        return name, []
    return None, [{"field": name, "level": level.value}]


def _grouped(ctx: RequestContext, obj: str, key: Any, summed: str | None,
             where: Sequence[ColumnElement[bool]] = ()) -> list[tuple[Any, int, Any]]:
    """(group key, count, sum or None) over the records the viewer can view."""
    model = model_for(obj)
    cols: list[Any] = [key.label("k"), func.count(model.id)]
    if summed is not None:
        cols.append(func.sum(getattr(model, summed)))
    stmt = (query.filtered_select(ctx.profile, obj, "view", ctx.now, *cols)
            .where(*where).group_by(key).order_by(key).limit(MAX_GROUPS + 1))
    return [(r[0], int(r[1]), r[2] if summed is not None else None)
            for r in ctx.session.execute(stmt)]


def _answer(obj: str, group: str, summed: str | None, withheld: list[dict[str, str]],
            groups: list[dict[str, Any]], rows: list[tuple[Any, int, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {"count": sum(r[1] for r in rows)}
    if summed is not None:
        total[summed] = _money(sum((Decimal(str(r[2])) for r in rows if r[2] is not None),
                                   Decimal(0)))
    return {"object": obj, "group_by": group, "sum": summed, "withheld": withheld,
            "groups": groups[:MAX_GROUPS], "truncated": len(groups) > MAX_GROUPS,
            "total": total}


def _group(key_name: str, key: Any, count: int, value: Any, summed: str | None
           ) -> dict[str, Any]:
    out = {key_name: key, "count": count}
    if summed is not None:
        out[summed] = _money(value)
    return out


def pipeline(ctx: RequestContext) -> dict[str, Any]:
    """Opportunities by stage: count and sum of amount (every stage, zeros included)."""
    obj = "opportunity"
    require_function(ctx, obj, "view")
    check_queryable(ctx.profile, obj, group=["stage"])
    summed, withheld = _measure(ctx, obj, "amount", chosen=False)
    rows = _grouped(ctx, obj, model_for(obj).__table__.c["stage"], summed)
    found = {r[0]: r for r in rows}
    groups = [_group("stage", *found.get(s, (s, 0, None)), summed=summed)
              for s in get_object(obj).field("stage").choices]
    return _answer(obj, "stage", summed, withheld, groups, rows)


def _month_start(text: str, field: str) -> date:
    m = MONTH.match(text)
    if m is None or not 1 <= int(m.group(1)) <= 9998:  # date() has no year 0 or 10000
        raise Invalid(f"{field} must be a month YYYY-MM", field=field, type=ErrorType.FORMAT,
                      expected="month")
    return date(int(m.group(1)), int(m.group(2)), 1)


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def sales_by_month(ctx: RequestContext, start: str | None = None,
                   end: str | None = None) -> dict[str, Any]:
    """Contracts by month of signed_on (`start`..`end` inclusive, YYYY-MM): count and sum
    of amount. Contracts with no signing date are one group with month null (only when
    no range is given)."""
    obj = "contract"
    require_function(ctx, obj, "view")
    check_queryable(ctx.profile, obj, group=["signed_on"])
    summed, withheld = _measure(ctx, obj, "amount", chosen=False)
    model = model_for(obj)
    col = model.__table__.c["signed_on"]
    where: list[ColumnElement[bool]] = []
    if start is not None:
        where.append(col >= _month_start(start, "from"))
    if end is not None:
        where.append(col < _next_month(_month_start(end, "to")))
    if start is not None and end is not None and start > end:
        raise Invalid("from is after to", field="from", type=ErrorType.ORDER, other="to")
    dialect = ctx.session.get_bind().dialect.name
    month = func.to_char(col, "YYYY-MM") if dialect == "postgresql" \
        else func.strftime("%Y-%m", col)
    rows = _grouped(ctx, obj, month, summed, where)
    rows.sort(key=lambda r: (r[0] is None, r[0] or ""))
    groups = [_group("month", *r, summed=summed) for r in rows]
    return _answer(obj, "month", summed, withheld, groups, rows) | {"from": start, "to": end}


def _owner_names(ctx: RequestContext, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(ctx.session.execute(
        select(User.id, User.display_name).where(User.id.in_(ids))).tuples().all())


def by_owner(ctx: RequestContext, obj: str = "opportunity",
             sum_field: str | None = None) -> dict[str, Any]:
    """Count (and sum of `sum_field`, default the object's amount when it has one) per
    owner, with the owners' display names."""
    odef = get_object(obj)
    require_function(ctx, obj, "view")
    chosen = sum_field is not None
    if sum_field is None and "amount" in odef.field_map:
        sum_field = "amount"
    summed, withheld = _measure(ctx, obj, sum_field, chosen)
    rows = _grouped(ctx, obj, model_for(obj).owner_id, summed)
    names = _owner_names(ctx, {r[0] for r in rows})
    groups = [_group("owner_id", *r, summed=summed) | {"owner_name": names.get(r[0])}
              for r in rows]
    return _answer(obj, "owner_id", summed, withheld, groups, rows)


def summary(ctx: RequestContext, obj: str, group: str,
            sum_field: str | None = None) -> dict[str, Any]:
    """Count (and sum of `sum_field`) per value of `group`: both chosen by the caller, so
    both need at least read (403 naming the field)."""
    odef = get_object(obj)
    require_function(ctx, obj, "view")
    f = odef.field_map.get(group)
    if group not in ("owner_id", "department_id") and (f is None or f.type not in GROUPABLE):
        known = [n for n, d in odef.field_map.items() if d.type in GROUPABLE]
        raise Invalid(f"cannot group {obj} by {group!r}; by one of owner_id, department_id, "
                      f"{', '.join(known)}", field="group", type=ErrorType.CHOICE,
                      choices=["owner_id", "department_id", *known])
    assert group in QUERYABLE_SYSTEM_COLUMNS or f is not None
    check_queryable(ctx.profile, obj, group=[group])
    summed, withheld = _measure(ctx, obj, sum_field, chosen=True)
    rows = _grouped(ctx, obj, getattr(model_for(obj), group), summed)
    rows.sort(key=lambda r: (r[0] is None, r[0] if r[0] is not None else 0))
    groups = [_group(group, *r, summed=summed) for r in rows]
    return _answer(obj, group, summed, withheld, groups, rows)
