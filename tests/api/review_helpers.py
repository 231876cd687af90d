"""Small helpers of the access-review API tests: start a campaign, read its items, and the
ground truth of grants and audit events straight from the tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.api.conftest import API, TestClient
from vouch.access.models import Role, RoleAssignment, Share


def at(t: datetime) -> str:
    return t.isoformat()


def start(client: TestClient, when: datetime, **body: Any) -> Any:
    payload = {"name": "review", "scope": "all", "deadline": at(when),
               "on_deadline": "keep", "reason": "quarterly access review"} | body
    return client.post(f"{API}/reviews", json=payload)


def started(client: TestClient, when: datetime, **body: Any) -> dict[str, Any]:
    r = start(client, when, **body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def items_of(client: TestClient, campaign_id: int, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = params | ({"cursor": cursor} if cursor else {})
        r = client.get(f"{API}/reviews/{campaign_id}/items", params=query)
        assert r.status_code == 200, r.text
        out += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return out


def item_for(items: list[dict[str, Any]], username: str, role_key: str | None = None,
             share_id: int | None = None) -> dict[str, Any]:
    for i in items:
        if i["user"]["username"] != username:
            continue
        if role_key is not None and i["grant"].get("role_key") == role_key:
            return i
        if share_id is not None and i["share_id"] == share_id:
            return i
    raise AssertionError(f"no item for {username} {role_key or share_id}")


def decide(client: TestClient, item: dict[str, Any], decision: str, **body: Any) -> Any:
    return client.post(f"{API}/review-items/{item['id']}/{decision}",
                       json={"version": item["version"]} | body)


def assignment_exists(engine: Engine, assignment_id: int) -> bool:
    with Session(engine) as s:
        return s.get(RoleAssignment, assignment_id) is not None


def share_exists(engine: Engine, share_id: int) -> bool:
    with Session(engine) as s:
        return s.get(Share, share_id) is not None


def role_id(engine: Engine, key: str) -> int:
    with Session(engine) as s:
        return s.scalars(select(Role.id).where(Role.key == key)).one()


def assignment_of(engine: Engine, user_id: int, key: str) -> RoleAssignment | None:
    with Session(engine) as s:
        return s.scalars(select(RoleAssignment).join(Role).where(
            RoleAssignment.user_id == user_id, Role.key == key)).first()
