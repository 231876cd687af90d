"""Ground truth for the record API tests: rows read straight from the tables with a system
session (outside the engine), audit events, and paging through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.api.conftest import API
from vouch.audit.models import AuditEvent
from vouch.db import system_session
from vouch.org.models import User
from vouch.records.models import RecordBase, model_for

SALES_TREE = frozenset({2, 3, 4, 5})  # 销售部 and its three teams


def uid(engine: Engine, username: str) -> int:
    with Session(engine) as s:
        return s.scalars(select(User.id).where(User.username == username)).one()


def rows(engine: Engine, obj: str,
         keep: Callable[[RecordBase], bool] = lambda _r: True) -> list[RecordBase]:
    """Every row of `obj` that `keep` accepts, detached."""
    with system_session(engine, "test ground truth") as s:
        found = [r for r in s.scalars(select(model_for(obj))) if keep(r)]
        s.expunge_all()
        return found


def count(engine: Engine, obj: str) -> int:
    model = model_for(obj)
    with system_session(engine, "test ground truth") as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def row(engine: Engine, obj: str, rid: int) -> RecordBase | None:
    with system_session(engine, "test ground truth") as s:
        found = s.get(model_for(obj), rid)
        if found is not None:
            s.expunge(found)
        return found


def last_seq(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.execute(select(func.coalesce(func.max(AuditEvent.seq), 0))).scalar_one())


def events(engine: Engine, action: str, since: int = 0, **where: Any) -> list[AuditEvent]:
    """Audit events of `action` after sequence number `since`."""
    with Session(engine) as s:
        q = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.seq > since)
        for name, value in where.items():
            q = q.where(getattr(AuditEvent, name) == value)
        found = list(s.scalars(q.order_by(AuditEvent.seq)))
        s.expunge_all()
        return found


def list_all(client: TestClient, plural: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list, page by page."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = dict(params, limit=500) | ({"cursor": cursor} if cursor else {})
        r = client.get(f"{API}/{plural}", params=query)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return items


def error(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    return body
