"""Small helpers for service tests on the demo organisation."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import DEMO_NOW
from vouch.context import RequestContext
from vouch.db import system_session
from vouch.org.models import User
from vouch.records.models import model_for


def user_id(engine: Engine, username: str) -> int:
    with Session(engine) as s:
        return s.scalars(select(User.id).where(User.username == username)).one()


def ctx_for(session: Session, username: str) -> RequestContext:
    uid = session.scalars(select(User.id).where(User.username == username)).one()
    return RequestContext.for_user(session, uid, DEMO_NOW)


def owned_ids(engine: Engine, obj: str, username: str) -> set[int]:
    """Ground truth straight from the table (a system session, outside any request)."""
    model = model_for(obj)
    uid = user_id(engine, username)
    with system_session(engine, "test ground truth") as s:
        return set(s.scalars(select(model.id).where(model.owner_id == uid)))


def all_ids(engine: Engine, obj: str) -> set[int]:
    model = model_for(obj)
    with system_session(engine, "test ground truth") as s:
        return set(s.scalars(select(model.id)))


def list_all(ctx: RequestContext, obj: str, **kw: object) -> list[dict[str, object]]:
    from vouch.records.service import list_records

    items, cursor = [], None
    while True:
        page = list_records(ctx, obj, limit=500, cursor=cursor, **kw)  # type: ignore[arg-type]
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            return items
