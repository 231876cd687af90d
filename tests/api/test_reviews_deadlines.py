"""Campaign deadlines on the clock: undecided items kept or revoked at the deadline as
the system, settled by the first read or decision after it (no scheduler) or by
`vouch reviews close-due`; nothing is decided after the deadline. On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.api.admin_helpers import error, events, uid, version_now
from tests.api.conftest import API, Clock, Login, TestClient
from tests.api.review_helpers import (
    assignment_exists,
    decide,
    item_for,
    items_of,
    role_id,
    started,
)
from vouch.workflow.models import ReviewCampaign
from vouch.workflow.reviews import close_due


def _login(as_user: Login, username: str) -> TestClient:
    """A new sign-in at the clock's current time (tokens of earlier hours expire)."""
    client: TestClient = as_user(username, fresh=True)  # type: ignore[call-arg]
    return client


def test_deadline_keep_and_revoke(as_user: Login, api_engine: Engine, clock: Clock) -> None:
    """Two campaigns end at the same instant: the undecided item of the `keep` one stays,
    the `revoke` one's grant ends, audited as the system with the campaign as reason; a
    decided item keeps its outcome."""
    admin = as_user("wangfang")
    deadline = clock.now + timedelta(hours=2)
    keep = started(admin, deadline, name="keep finance", scope="roles",
                   role_ids=[role_id(api_engine, "finance")], on_deadline="keep")
    revoke = started(admin, deadline, name="revoke support and reps", scope="roles",
                     role_ids=[role_id(api_engine, "support"),
                               role_id(api_engine, "sales_rep")], on_deadline="revoke")
    [kept] = items_of(admin, keep["id"])
    doomed = item_for(items_of(admin, revoke["id"]), "chenjing", "support")
    saved = item_for(items_of(admin, revoke["id"]), "hanmeimei", "sales_rep")
    r = decide(as_user("lilei"), saved, "certify")
    assert r.status_code == 200, r.text

    clock.advance(hours=1, minutes=59)  # not yet: nothing happens on a read
    assert admin.get(f"{API}/reviews/{revoke['id']}").json()["status"] == "open"
    assert assignment_exists(api_engine, doomed["assignment_id"])

    clock.advance(minutes=1)  # the deadline itself: decision time
    policy = version_now(api_engine)
    wang = _login(as_user, "wangfang")
    r = wang.get(f"{API}/reviews/{revoke['id']}")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "closed" and body["closed_at"] == body["deadline"]
    assert body["closed_early"] is False
    outcomes = body["progress"]["outcomes"]
    assert outcomes["certified"] == 1
    assert outcomes["revoked_at_deadline"] == body["progress"]["total"] - 1
    assert body["progress"]["pending"] == 0
    assert not assignment_exists(api_engine, doomed["assignment_id"])
    assert assignment_exists(api_engine, saved["assignment_id"])
    assert version_now(api_engine) == policy + outcomes["revoked_at_deadline"]
    [event] = events(api_engine, "review.item_revoked_at_deadline", doomed["id"])
    assert event.actor == "system" and event.actor_id is None
    assert "revoke support and reps" in (event.reason or "")
    [closed] = events(api_engine, "review.campaign_closed", revoke["id"])
    assert closed.actor == "system" and closed.details["trigger"] == "deadline"

    kept_now = wang.get(f"{API}/reviews/{keep['id']}").json()
    assert kept_now["status"] == "closed"
    assert kept_now["progress"]["outcomes"]["kept_at_deadline"] == 1
    assert assignment_exists(api_engine, kept["assignment_id"])

    chenjing = _login(as_user, "chenjing")
    r = chenjing.get(f"{API}/customers")
    assert r.status_code == 403  # support was her only role
    lilei = _login(as_user, "lilei")
    r = decide(lilei, item_for(items_of(lilei, revoke["id"]), "zhangwei", "sales_rep"),
               "certify")
    assert r.status_code == 409 and error(r)["details"]["reason"] == "campaign_closed"
    # restore what the module's other tests rely on
    for username, key in (("chenjing", "support"), ("zhangwei", "sales_rep"),
                          ("liuyang", "sales_rep")):
        wang.post(f"{API}/assignments", json={
            "user_id": uid(api_engine, username), "role_id": role_id(api_engine, key),
            "reason": "restored after the deadline test"})


def test_a_decision_at_the_deadline_comes_too_late(as_user: Login, api_engine: Engine,
                                                   clock: Clock) -> None:
    """The first touch after the deadline is a decision: the campaign is settled first,
    so the decision is refused and the deadline's outcome stands."""
    admin = _login(as_user, "wangfang")
    campaign = started(admin, clock.now + timedelta(minutes=30),
                       name="late", scope="roles",
                       role_ids=[role_id(api_engine, "finance")], on_deadline="revoke")
    [item] = items_of(admin, campaign["id"])
    clock.advance(minutes=30)
    r = decide(_login(as_user, "wangfang"), item, "certify")
    assert r.status_code == 409 and error(r)["details"]["reason"] == "campaign_closed"
    assert not assignment_exists(api_engine, item["assignment_id"])
    _login(as_user, "wangfang").post(f"{API}/assignments", json={
        "user_id": uid(api_engine, "zhaomin"), "role_id": role_id(api_engine, "finance"),
        "reason": "restored"})


def test_close_due_settles_without_a_reader(as_user: Login, api_engine: Engine,
                                            clock: Clock) -> None:
    admin = _login(as_user, "wangfang")
    campaign = started(admin, clock.now + timedelta(minutes=10),
                       name="cron", scope="roles",
                       role_ids=[role_id(api_engine, "auditor")], on_deadline="revoke")
    [item] = items_of(admin, campaign["id"])
    with Session(api_engine) as s:
        assert close_due(s, clock.now) == []  # nothing due yet
    clock.advance(minutes=10)
    with Session(api_engine, expire_on_commit=False) as s:
        done = close_due(s, clock.now)
    assert done == [{"id": campaign["id"], "name": "cron",
                     "outcomes": {"revoked_at_deadline": 1}}]
    with Session(api_engine) as s:
        row = s.get(ReviewCampaign, campaign["id"])
        assert row is not None and row.status == "closed"
        assert close_due(s, clock.now) == []
    assert not assignment_exists(api_engine, item["assignment_id"])
    _login(as_user, "wangfang").post(f"{API}/assignments", json={
        "user_id": uid(api_engine, "sunli"), "role_id": role_id(api_engine, "auditor"),
        "reason": "restored"})


def test_the_cli_sweep(as_user: Login, api_engine: Engine, clock: Clock,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`vouch reviews close-due` on the real clock: a campaign whose deadline is already
    past on the wall clock (the test clock is in 2026) is closed; a second run finds
    nothing."""
    from vouch.cli.main import app

    admin = _login(as_user, "wangfang")
    campaign = started(admin, clock.now + timedelta(minutes=5),
                       name="wall clock", scope="roles",
                       role_ids=[role_id(api_engine, "finance")], on_deadline="keep")
    with Session(api_engine) as s:  # move its deadline to before the wall clock
        row = s.get(ReviewCampaign, campaign["id"])
        assert row is not None
        row.deadline = datetime(2001, 1, 1, tzinfo=UTC)
        s.commit()
    monkeypatch.setenv("VOUCH_DATABASE_URL",
                       api_engine.url.render_as_string(hide_password=False))
    runner = CliRunner()
    result = runner.invoke(app, ["reviews", "close-due", "--json"])
    assert result.exit_code == 0, result.output
    assert f'"id": {campaign["id"]}' in result.output and "kept_at_deadline" in result.output
    result = runner.invoke(app, ["reviews", "close-due"])
    assert result.exit_code == 0 and "no campaign is past its deadline" in result.output


def test_a_revoking_deadline_ends_the_grant_for_the_very_next_request(
        as_user: Login, api_engine: Engine, clock: Clock) -> None:
    """Nobody looks at reviews: the support user's own next record request, one
    microsecond past the deadline, is already decided without the revoked role."""
    admin = as_user("wangfang")
    deadline = clock.now + timedelta(hours=1)
    campaign = started(admin, deadline, name="support only", scope="roles",
                       role_ids=[role_id(api_engine, "support")], on_deadline="revoke")
    doomed = item_for(items_of(admin, campaign["id"]), "chenjing", "support")
    chenjing = as_user("chenjing")
    clock.advance(minutes=59, seconds=59)
    assert chenjing.get(f"{API}/service-records?limit=1").status_code == 200
    assert assignment_exists(api_engine, doomed["assignment_id"])

    clock.advance(seconds=1, microseconds=1)
    r = chenjing.get(f"{API}/service-records?limit=1")
    assert r.status_code == 403, r.text
    assert not assignment_exists(api_engine, doomed["assignment_id"])
    with Session(api_engine) as s:
        assert s.get(ReviewCampaign, campaign["id"]).status == "closed"  # type: ignore[union-attr]
