"""Which records the actor can view, and the facts the engine decides on."""

from __future__ import annotations

from sqlalchemy import select

from vouch.access import query
from vouch.access.engine import RecordFacts
from vouch.access.service import load_shares, record_facts_of
from vouch.context import RequestContext
from vouch.org.models import User
from vouch.records.models import RecordBase, model_for


def visible_rows(ctx: RequestContext, obj: str, ids: list[int],
                 action: str = "view", lock: bool = False) -> dict[int, RecordBase]:
    if not ids:
        return {}
    model = model_for(obj)
    stmt = query.filtered_select(ctx.profile, obj, action, ctx.now).where(model.id.in_(ids))
    if lock:
        stmt = stmt.with_for_update()
    return {r.id: r for r in ctx.session.scalars(stmt)}


def visible_ids(ctx: RequestContext, obj: str, ids: set[int]) -> set[int]:
    """Which of `ids` the actor can view (one query per 500 ids)."""
    if not ids or not ctx.profile.access(obj, "view").granted:
        return set()
    model = model_for(obj)
    ordered, out = sorted(ids), set[int]()
    for i in range(0, len(ordered), 500):
        out.update(ctx.session.scalars(
            query.filtered_select(ctx.profile, obj, "view", ctx.now, model.id)
            .where(model.id.in_(ordered[i:i + 500]))))
    return out


def record_facts_by_id(ctx: RequestContext, obj: str,
                       rows: list[RecordBase]) -> dict[int, RecordFacts]:
    owners = {r.owner_id for r in rows}
    depts = dict(ctx.session.execute(
        select(User.id, User.department_id).where(User.id.in_(owners))
    ).tuples().all()) if owners else {}
    shares = load_shares(ctx.session, obj, [r.id for r in rows])
    return {r.id: record_facts_of(obj, r, depts.get(r.owner_id), shares) for r in rows}
