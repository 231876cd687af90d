"""Notifications through the API, on SQLite and PostgreSQL, with e-mail sent to a real
local SMTP server (aiosmtpd): stored for approvers and requesters, mailed after commit,
read and counted; "ends soon" notices generated lazily and by the sweep, once each; a mail
failure never fails the request."""

from __future__ import annotations

import itertools
import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.api.admin_helpers import uid
from tests.api.conftest import API, Clock, Login, TestClient
from tests.conftest import DEMO_PASSWORD
from vouch.app import create_app
from vouch.config import Settings
from vouch.db import system_session
from vouch.records.models import RECORD_MODELS
from vouch.workflow.models import Notification
from vouch.workflow.sweep import sweep

_names = itertools.count(1)


class Inbox:
    """An aiosmtpd handler keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content)
        self.messages.append({"to": list(envelope.rcpt_tos),
                              "subject": str(make_header(decode_header(msg["Subject"]))),
                              "from": envelope.mail_from})
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture(scope="module")
def smtp(inbox: tuple[Inbox, int]) -> Settings:
    return Settings(smtp_host="127.0.0.1", smtp_port=inbox[1], smtp_from="vouch@example.test")


@pytest.fixture(scope="module")
def app(api_engine: Engine, clock: Clock, smtp: Settings) -> FastAPI:
    """This module's app mails through the local SMTP server."""
    return create_app(api_engine, smtp, clock=clock)


def _role(admin: TestClient) -> int:
    r = admin.post(f"{API}/roles", json={"key": f"nt_role_{next(_names)}", "name": "通知测试",
                                         "reason": "notification test"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _notes(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    r = client.get(f"{API}/me/notifications", params=params)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_a_request_notifies_and_mails_its_approvers_then_its_requester(
        api_engine: Engine, as_user: Login, inbox: tuple[Inbox, int]) -> None:
    wangfang, lilei, zhangwei = as_user("wangfang"), as_user("lilei"), as_user("zhangwei")
    inbox[0].messages.clear()  # one server for both databases: this database's mail only
    r = zhangwei.post(f"{API}/requests", json={"kind": "role", "role_id": _role(wangfang),
                                                "reason": "cover for a colleague"})
    assert r.status_code == 201, r.text
    req = r.json()
    mine = [n for n in _notes(lilei) if n["payload"].get("request_id") == req["id"]]
    assert [n["kind"] for n in mine] == ["request.to_approve"]
    assert mine[0]["payload"]["requester"]["username"] == "zhangwei"
    assert mine[0]["emailed_at"] is not None
    mails = [m for m in inbox[0].messages if f"#{req['id']}" in m["subject"]]
    assert [m["to"] for m in mails] == [["lilei@huadong-trading.cn"]]
    assert "等待您审批" in mails[0]["subject"] and "waits for your decision" in mails[0]["subject"]

    step = lilei.post(f"{API}/requests/{req['id']}/approve", json={"version": req["version"]})
    assert step.status_code == 200, step.text
    assert "request.step_approved" in {n["kind"] for n in _notes(zhangwei)
                                       if n["payload"].get("request_id") == req["id"]}
    assert "request.to_approve" in {n["kind"] for n in _notes(wangfang)
                                    if n["payload"].get("request_id") == req["id"]}
    done = wangfang.post(f"{API}/requests/{req['id']}/approve",
                         json={"version": step.json()["version"]})
    assert done.status_code == 200, done.text
    approved = [n for n in _notes(zhangwei, unread="true")
                if n["kind"] == "request.approved" and n["payload"]["request_id"] == req["id"]]
    assert len(approved) == 1
    assert any(m["to"] == ["zhangwei@huadong-trading.cn"] and f"#{req['id']}" in m["subject"]
               for m in inbox[0].messages)


def test_reading_notifications(api_engine: Engine, as_user: Login) -> None:
    zhangwei, lilei = as_user("zhangwei"), as_user("lilei")
    unread = _notes(zhangwei, unread="true")
    assert unread
    first = unread[0]
    r = zhangwei.post(f"{API}/me/notifications/{first['id']}/read")
    assert r.status_code == 200 and r.json()["read_at"] is not None
    assert first["id"] not in {n["id"] for n in _notes(zhangwei, unread="true")}
    assert first["id"] in {n["id"] for n in _notes(zhangwei, unread="false")}
    assert lilei.post(f"{API}/me/notifications/{first['id']}/read").status_code == 404
    page = zhangwei.get(f"{API}/me/notifications", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"] is not None
    following = zhangwei.get(f"{API}/me/notifications",
                             params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert following["items"][0]["id"] < page["items"][0]["id"]
    marked = zhangwei.post(f"{API}/me/notifications/read-all").json()["marked"]
    assert marked == len(unread) - 1
    assert zhangwei.get(f"{API}/me/counts").json()["unread_notifications"] == 0
    bad = zhangwei.get(f"{API}/me/notifications", params={"cursor": "abc"})
    assert bad.status_code == 422


def test_counts_for_the_console_header(as_user: Login) -> None:
    wangfang, lilei, hanmeimei = as_user("wangfang"), as_user("lilei"), as_user("hanmeimei")
    r = hanmeimei.post(f"{API}/requests", json={"kind": "role", "role_id": _role(wangfang),
                                                 "reason": "x"})
    assert r.status_code == 201
    mine = hanmeimei.get(f"{API}/me/counts").json()
    assert mine["my_pending_requests"] >= 1
    theirs = lilei.get(f"{API}/me/counts").json()
    assert theirs["to_approve"] == lilei.get(f"{API}/approvals").json()["counts"]["total"] >= 1
    assert theirs["unread_notifications"] >= 1


def _customer_of(engine: Engine, owner: str) -> int:
    model = RECORD_MODELS["customer"]
    with system_session(engine, "test: a customer") as s:
        return int(s.scalars(select(model.id).where(model.owner_id == uid(engine, owner))
                             .order_by(model.id)).first())


def test_ends_soon_notices_once_per_grant_and_end(api_engine: Engine, as_user: Login,
                                                  clock: Clock) -> None:
    wangfang, hanmeimei, zhangwei = as_user("wangfang"), as_user("hanmeimei"), as_user("zhangwei")
    ends = clock.now + timedelta(days=3)
    made = wangfang.post(f"{API}/assignments", json={
        "user_id": uid(api_engine, "zhangwei"), "role_id": _role(wangfang),
        "expires_at": ends.isoformat(), "reason": "a short project"})
    assert made.status_code == 201, made.text
    rid = _customer_of(api_engine, "hanmeimei")
    shared = as_user("lilei").post(f"{API}/customers/{rid}/shares", json={
        "principal_kind": "user", "principal_id": uid(api_engine, "zhangwei"),
        "access": "read", "expires_at": (clock.now + timedelta(days=2)).isoformat()})
    assert shared.status_code == 201, shared.text

    soon = zhangwei.get(f"{API}/me/ending-soon").json()
    kinds = {(i["kind"], i["id"]) for i in soon["items"]}
    assert ("assignment", made.json()["id"]) in kinds and ("share", shared.json()["id"]) in kinds
    share_item = next(i for i in soon["items"] if i["kind"] == "share")
    assert share_item["record_name"] and share_item["days_left"] == 2
    assert zhangwei.get(f"{API}/me/counts").json()["ending_soon"] >= 2
    notices = [n for n in _notes(zhangwei) if n["kind"] == "access.ending_soon"]
    assert len(notices) == 2
    _notes(zhangwei)  # read again: nothing new
    assert len([n for n in _notes(zhangwei) if n["kind"] == "access.ending_soon"]) == 2
    # a changed end is a new notice
    changed = wangfang.patch(f"{API}/assignments/{made.json()['id']}", json={
        "expires_at": (clock.now + timedelta(days=4)).isoformat(), "reason": "one more day"})
    assert changed.status_code == 200, changed.text
    assert len([n for n in _notes(zhangwei) if n["kind"] == "access.ending_soon"]) == 3
    # hanmeimei (the sharer) has nothing ending
    assert hanmeimei.get(f"{API}/me/ending-soon").json()["items"] == []


def test_a_mail_failure_never_fails_the_request(api_engine: Engine, clock: Clock,
                                                as_user: Login) -> None:
    broken = create_app(api_engine, Settings(smtp_host="127.0.0.1", smtp_port=_free_port(),
                                             smtp_from="vouch@example.test"), clock=clock)
    with TestClient(broken, raise_server_exceptions=False) as client:
        token = client.post(f"{API}/auth/token", json={"username": "chenjing",
                                                       "password": DEMO_PASSWORD})
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        r = client.post(f"{API}/requests", json={
            "kind": "role", "role_id": _role(as_user("wangfang")), "reason": "x"})
        assert r.status_code == 201, r.text
    with Session(api_engine) as s:
        rows = list(s.scalars(select(Notification).where(Notification.kind ==
                                                         "request.to_approve")))
        mine = [n for n in rows if n.payload.get("request_id") == r.json()["id"]]
        assert mine and all(n.emailed_at is None for n in mine)


def test_the_sweep(api_engine: Engine, as_user: Login, clock: Clock, smtp: Settings,
                   inbox: tuple[Inbox, int], monkeypatch: pytest.MonkeyPatch) -> None:
    wangfang = as_user("wangfang")
    ends = clock.now + timedelta(days=5)
    made = wangfang.post(f"{API}/assignments", json={
        "user_id": uid(api_engine, "chenjing"), "role_id": _role(wangfang),
        "expires_at": ends.isoformat(), "reason": "sweep test"})
    assert made.status_code == 201
    req = as_user("zhaomin").post(f"{API}/requests", json={
        "kind": "role", "role_id": _role(wangfang), "reason": "sweep"}).json()
    counts = sweep(api_engine, smtp, clock.now + timedelta(hours=80))
    assert counts["requests_changed"] >= 1 and counts["ending_soon_notices"] >= 1
    with Session(api_engine) as s:
        notice = s.scalars(select(Notification).where(
            Notification.user_id == uid(api_engine, "chenjing"),
            Notification.kind == "access.ending_soon")).all()
        assert [n.payload["id"] for n in notice] == [made.json()["id"]]
        assert notice[0].emailed_at is not None
    again = sweep(api_engine, smtp, clock.now + timedelta(hours=80))
    assert again["ending_soon_notices"] == 0 and again["requests_changed"] == 0
    seen = wangfang.get(f"{API}/requests/{req['id']}").json()
    assert "escalated" in [h["decision"] for h in seen["history"]]
    if api_engine.dialect.name == "sqlite":
        from vouch.cli.main import app as cli

        monkeypatch.setenv("VOUCH_DATABASE_URL", str(api_engine.url))
        result = CliRunner().invoke(cli, ["workflow", "sweep", "--json"])
        assert result.exit_code == 0, result.output
        assert set(json.loads(result.output)) >= {"requests_changed", "ending_soon_notices",
                                                  "emailed"}
