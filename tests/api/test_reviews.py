"""Access reviews over the API: starting campaigns (scope, reviewers, validation), who
decides, certify and revoke with their effects, stale versions, grants already gone, early
close, the reviewer's queue, report and export — on SQLite and PostgreSQL.

Deadlines are in test_reviews_deadlines.py (they move the clock)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.api.admin_helpers import error, events, uid, version_now
from tests.api.conftest import API, Clock, Login
from tests.api.review_helpers import (
    assignment_exists,
    assignment_of,
    decide,
    item_for,
    items_of,
    role_id,
    share_exists,
    start,
    started,
)
from vouch.access.models import RoleAssignment, Share
from vouch.db import system_session
from vouch.org.models import DepartmentClosure, User
from vouch.records.models import model_for
from vouch.workflow.models import ReviewCampaign, ReviewItem
from vouch.workflow.reviews.export import COLUMNS

SALES, IT = 2, 8


def _sales_truth(engine: Engine, now: Any) -> dict[str, Any]:
    """Active users of the Sales subtree, their active assignments and user shares."""
    with Session(engine) as s:
        depts = set(s.scalars(select(DepartmentClosure.descendant_id)
                              .where(DepartmentClosure.ancestor_id == SALES)))
        users = {u.id: u.username for u in s.scalars(select(User).where(
            User.active.is_(True), User.department_id.in_(depts)))}
        assignments = {a.id for a in s.scalars(select(RoleAssignment).where(
            RoleAssignment.user_id.in_(users))) if a.expires_at is None or a.expires_at > now}
        shares = {sh.id for sh in s.scalars(select(Share).where(
            Share.principal_kind == "user", Share.principal_id.in_(users)))
            if sh.expires_at is None or sh.expires_at > now}
    return {"users": users, "assignments": assignments, "shares": shares}


def _share(admin: Any, plural: str, record_id: int, user_id: int) -> dict[str, Any]:
    r = admin.post(f"{API}/{plural}/{record_id}/shares",
                   json={"principal_kind": "user", "principal_id": user_id, "access": "read",
                         "reason": "helping out"})
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


# --- starting a campaign -------------------------------------------------------------------


@pytest.mark.parametrize("username", ["hanmeimei", "sunli", "zhaomin"])
def test_starting_a_campaign_needs_run_reviews(as_user: Login, clock: Clock,
                                               username: str) -> None:
    r = start(as_user(username), clock.now + timedelta(days=7))
    assert r.status_code == 403
    assert error(r)["details"]["permission"] == "run_reviews"


def test_bad_campaign_input_names_the_field(as_user: Login, clock: Clock,
                                            api_engine: Engine) -> None:
    admin = as_user("wangfang")
    week = clock.now + timedelta(days=7)
    count = len(admin.get(f"{API}/reviews").json()["items"])
    cases: list[tuple[dict[str, Any], str]] = [
        ({"scope": "everyone"}, "scope"),
        ({"scope": "department"}, "department_id"),
        ({"scope": "department", "department_id": 9999}, "department_id"),
        ({"scope": "all", "department_id": SALES}, "department_id"),
        ({"scope": "all", "role_ids": [1]}, "role_ids"),
        ({"scope": "roles"}, "role_ids"),
        ({"scope": "roles", "role_ids": []}, "role_ids"),
        ({"scope": "roles", "role_ids": [1, 1]}, "role_ids[1]"),
        ({"scope": "roles", "role_ids": [99999]}, "role_ids[0]"),
        ({"deadline": (clock.now - timedelta(hours=1)).isoformat()}, "deadline"),
        ({"deadline": "2030-01-01T00:00:00"}, "deadline"),
        ({"deadline": "9999-12-31T23:00:00-05:00"}, "deadline"),
        ({"deadline": (clock.now + timedelta(days=400)).isoformat()}, "deadline"),
        ({"on_deadline": "forget"}, "on_deadline"),
        ({"reason": "  "}, "reason"),
        ({"name": " "}, "name"),
        ({"extra": 1}, "extra"),
    ]
    for body, field in cases:
        r = start(admin, week, **body)
        assert r.status_code == 422, (body, r.text)
        assert error(r)["details"]["field"] == field, (body, r.text)
    # a scope whose users hold nothing: no campaign
    empty = admin.post(f"{API}/roles", json={"key": "nobody_holds", "name": "空角色",
                                             "reason": "review test"}).json()
    r = start(admin, week, scope="roles", role_ids=[empty["id"]])
    assert r.status_code == 422 and error(r)["details"]["field"] == "scope"
    assert len(admin.get(f"{API}/reviews").json()["items"]) == count


def test_a_department_campaign_reviews_its_subtree(as_user: Login, clock: Clock,
                                                   api_engine: Engine) -> None:
    """One item per active assignment and user share in Sales and below; the reps'
    manager reviews them; lilei heads Sales and has no manager, so the creator reviews
    him. Starting a campaign changes nobody's access."""
    admin = as_user("wangfang")
    policy = version_now(api_engine)
    truth = _sales_truth(api_engine, clock.now)
    campaign = started(admin, clock.now + timedelta(days=14), name="Q4 Sales",
                       scope="department", department_id=SALES)
    assert campaign["status"] == "open" and campaign["scope"]["department_id"] == SALES
    assert campaign["created_by"]["username"] == "wangfang"
    total = len(truth["assignments"]) + len(truth["shares"])
    assert campaign["progress"]["total"] == campaign["progress"]["pending"] == total
    items = items_of(admin, campaign["id"])
    assert {i["assignment_id"] for i in items if i["kind"] == "assignment"} \
        == truth["assignments"]
    assert {i["share_id"] for i in items if i["kind"] == "share"} == truth["shares"]
    reviewers = {i["user"]["username"]: i["reviewer"]["username"] for i in items}
    assert reviewers == {"hanmeimei": "lilei", "zhangwei": "lilei", "liuyang": "lilei",
                         "lilei": "wangfang"}
    rep = item_for(items, "hanmeimei", "sales_rep")
    assert rep["grant"]["role_name"] == "销售人员" and rep["grant"]["role_name_en"]
    assert rep["pending"] is True and rep["decision"] is None and rep["version"] == 1
    by_reviewer = {p["reviewer"]["username"]: p["total"] for p in campaign["by_reviewer"]}
    assert by_reviewer == {"lilei": total - 1, "wangfang": 1}
    # Creating a campaign moves the policy version: every process re-reads its deadline.
    assert version_now(api_engine) == policy + 1
    [created] = events(api_engine, "review.campaign_created", campaign["id"])
    assert created.actor == "wangfang" and created.reason == "quarterly access review"
    assert created.details["per_reviewer"] == {"lilei": total - 1, "wangfang": 1}
    # filters
    assert {i["user"]["username"] for i in items_of(
        admin, campaign["id"], reviewer=uid(api_engine, "wangfang"))} == {"lilei"}
    assert len(items_of(admin, campaign["id"], user=uid(api_engine, "zhangwei"))) >= 1
    assert items_of(admin, campaign["id"], decided="true") == []


def test_campaigns_are_read_by_reviews_roles_and_auditors(as_user: Login) -> None:
    for username in ("wangfang", "lilei", "sunli"):
        r = as_user(username).get(f"{API}/reviews")
        assert r.status_code == 200 and r.json()["items"], username
    for username in ("hanmeimei", "zhaomin"):
        r = as_user(username).get(f"{API}/reviews")
        assert r.status_code == 403
        assert error(r)["details"]["any_of"] == ["run_reviews", "view_audit", "manage_roles"]
    r = as_user("wangfang").get(f"{API}/reviews/99999")
    assert r.status_code == 404


def test_everyone_is_reviewed_by_someone_else(as_user: Login, clock: Clock,
                                              api_engine: Engine) -> None:
    """In a campaign over everyone, wangfang (IT's head, no manager, HQ without a head,
    herself the creator) is reviewed by another holder of run_reviews; nobody reviews
    themselves."""
    campaign = started(as_user("wangfang"), clock.now + timedelta(days=30), name="all")
    items = items_of(as_user("wangfang"), campaign["id"])
    assert all(i["user"]["id"] != i["reviewer"]["id"] for i in items)
    reviewer = {i["user"]["username"]: i["reviewer"]["username"] for i in items}
    assert reviewer["wangfang"] == "lilei"
    assert reviewer["sunli"] == "wangfang"  # IT's head
    assert reviewer["zhaomin"] == "wangfang"  # heads Finance herself: HQ has no head
    r = as_user("wangfang").post(f"{API}/reviews/{campaign['id']}/close",
                                 json={"reason": "started by mistake",
                                       "version": campaign["version"], "undecided": "keep"})
    assert r.status_code == 200, r.text


# --- deciding --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sales(as_user: Login, clock: Clock) -> dict[str, Any]:
    return started(as_user("wangfang"), clock.now + timedelta(days=10), name="decisions",
                   scope="department", department_id=SALES)


def test_only_the_reviewer_or_run_reviews_decides(as_user: Login, api_engine: Engine,
                                                 sales: dict[str, Any]) -> None:
    items = items_of(as_user("wangfang"), sales["id"])
    rep = item_for(items, "liuyang", "sales_rep")
    r = decide(as_user("sunli"), rep, "certify")  # reads campaigns, may not decide
    assert r.status_code == 403 and error(r)["details"]["permission"] == "run_reviews"
    for username in ("chenjing", "zhangwei"):  # neither reviewer nor reader: as if absent
        r = decide(as_user(username), rep, "certify")
        assert r.status_code == 404, r.text
        assert error(r)["details"] == {"object": "review_item", "id": rep["id"]}
    r = decide(as_user("hanmeimei"), rep, "revoke", reason="x")
    assert r.status_code == 404
    own = item_for(items, "lilei", "sales_manager")  # lilei holds run_reviews
    r = decide(as_user("lilei"), own, "certify")
    assert r.status_code == 409 and error(r)["type"] == "conflict.self"
    assert as_user("wangfang").get(f"{API}/reviews/{sales['id']}").json()[
        "progress"]["pending"] == sales["progress"]["total"]
    r = as_user("wangfang").post(f"{API}/review-items/99999/certify", json={"version": 1})
    assert r.status_code == 404


def test_certify_keeps_the_grant(as_user: Login, api_engine: Engine,
                                 sales: dict[str, Any]) -> None:
    lilei = as_user("lilei")
    item = item_for(items_of(lilei, sales["id"]), "hanmeimei", "sales_rep")
    policy = version_now(api_engine)
    r = decide(lilei, item, "certify", version=item["version"] + 3)
    assert r.status_code == 409
    assert error(r)["details"]["current_version"] == item["version"]
    r = decide(lilei, item, "certify", reason="still sells for us")
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["decision"], done["outcome"], done["pending"]) == ("certify", "certified",
                                                                    False)
    assert done["decided_by"]["username"] == "lilei" and done["version"] == item["version"] + 1
    assert assignment_exists(api_engine, item["assignment_id"])
    assert version_now(api_engine) == policy
    [event] = events(api_engine, "review.item_certified", item["id"])
    assert event.actor == "lilei" and event.reason == "still sells for us"
    r = decide(lilei, done, "revoke", reason="changed my mind")
    assert r.status_code == 409 and error(r)["details"]["reason"] == "decided"


def test_revoke_ends_the_grant_on_the_next_request(as_user: Login, api_engine: Engine,
                                                   sales: dict[str, Any]) -> None:
    lilei = as_user("lilei")
    item = item_for(items_of(lilei, sales["id"]), "zhangwei", "sales_rep")
    r = decide(lilei, item, "revoke")
    assert r.status_code == 422 and error(r)["details"]["field"] == "reason"
    r = decide(lilei, item, "revoke", reason=" ")
    assert r.status_code == 422 and error(r)["details"]["field"] == "reason"
    assert as_user("zhangwei").get(f"{API}/customers").status_code == 200
    policy = version_now(api_engine)
    r = decide(lilei, item, "revoke", reason="moves to another team")
    assert r.status_code == 200, r.text
    assert r.json()["outcome"] == "revoked" and r.json()["assignment_id"] is None
    assert not assignment_exists(api_engine, item["assignment_id"])
    assert version_now(api_engine) == policy + 1
    [event] = events(api_engine, "review.item_revoked", item["id"])
    assert event.actor == "lilei" and event.reason == "moves to another team"
    assert event.before["role_id"] == item["grant"]["role_id"]
    assert event.details["campaign_id"] == sales["id"]
    r = as_user("zhangwei").get(f"{API}/customers")
    assert r.status_code == 403 and error(r)["details"]["action"] == "view"
    # give it back for the rest of the module
    r = as_user("wangfang").post(f"{API}/assignments", json={
        "user_id": uid(api_engine, "zhangwei"), "role_id": role_id(api_engine, "sales_rep"),
        "reason": "back after the review test"})
    assert r.status_code == 201, r.text


def test_a_grant_already_gone_ends_as_gone(as_user: Login, api_engine: Engine,
                                           sales: dict[str, Any]) -> None:
    """liuyang's assignment was deleted by an administrator before lilei decided: the
    decision is recorded, the outcome is `gone`, nothing else changes."""
    admin, lilei = as_user("wangfang"), as_user("lilei")
    item = item_for(items_of(lilei, sales["id"]), "liuyang", "sales_rep")
    r = admin.delete(f"{API}/assignments/{item['assignment_id']}",
                     params={"reason": "left sales"})
    assert r.status_code == 204
    r = admin.post(f"{API}/assignments", json={
        "user_id": uid(api_engine, "liuyang"), "role_id": role_id(api_engine, "sales_rep"),
        "reason": "rehired"})  # a new assignment: not the one reviewed
    assert r.status_code == 201
    policy = version_now(api_engine)
    r = decide(lilei, item, "revoke", reason="does not work here")
    assert r.status_code == 200, r.text
    assert (r.json()["decision"], r.json()["outcome"]) == ("revoke", "gone")
    assert assignment_of(api_engine, uid(api_engine, "liuyang"), "sales_rep") is not None
    assert version_now(api_engine) == policy
    [event] = events(api_engine, "review.item_gone", item["id"])
    assert event.after == {"decision": "revoke", "outcome": "gone"}


def test_a_share_is_reviewed_and_its_record_named_only_to_who_may_see_it(
        as_user: Login, api_engine: Engine, clock: Clock) -> None:
    """A service record of the Service department shared with hanmeimei: wangfang sees
    its name in the items, lilei (who reviews hanmeimei but may not view the record)
    sees only its id."""
    admin, lilei = as_user("wangfang"), as_user("lilei")
    model = model_for("service_record")
    with system_session(api_engine, "test ground truth") as s:
        record_id = s.scalars(select(model.id).where(
            model.owner_id == uid(api_engine, "chenjing")).order_by(model.id)).first()
        title = s.get(model, record_id).subject  # type: ignore[union-attr]
    assert record_id is not None
    explained = admin.get(f"{API}/access/explain", params={
        "user": "lilei", "action": "view", "object": "service_record", "record": record_id})
    assert explained.json()["allowed"] is False
    share = _share(admin, "service-records", record_id, uid(api_engine, "hanmeimei"))
    campaign = started(admin, clock.now + timedelta(days=5), name="shares",
                       scope="department", department_id=3)
    mine = item_for(items_of(admin, campaign["id"]), "hanmeimei", share_id=share["id"])
    assert mine["grant"]["record_name"] == title
    assert mine["grant"]["object"] == "service_record" and mine["grant"]["access"] == "read"
    queue = lilei.get(f"{API}/me/reviews").json()
    theirs = next(i for i in queue["items"] if i["id"] == mine["id"])
    assert theirs["grant"]["record_name"] is None
    assert theirs["grant"]["record_id"] == record_id
    r = decide(lilei, theirs, "revoke", reason="I do not know this record")
    assert r.status_code == 200 and r.json()["outcome"] == "revoked"
    assert not share_exists(api_engine, share["id"])


def test_my_reviews_counts_what_waits_for_me(as_user: Login, api_engine: Engine) -> None:
    lilei = as_user("lilei")
    queue = lilei.get(f"{API}/me/reviews").json()
    assert queue["pending"] == sum(c["pending"] for c in queue["campaigns"]) > 0
    assert all(i["reviewer"]["username"] == "lilei" and i["pending"] for i in queue["items"])
    assert all(i["campaign"]["status"] == "open" for i in queue["items"])
    with Session(api_engine) as s:
        want = len(s.execute(select(ReviewItem.id).join(ReviewCampaign).where(
            ReviewItem.reviewer_id == uid(api_engine, "lilei"), ReviewItem.outcome.is_(None),
            ReviewCampaign.status == "open")).all())
    assert queue["pending"] == want
    nothing = as_user("chenjing").get(f"{API}/me/reviews").json()
    assert nothing == {"pending": 0, "campaigns": [], "items": [], "next_cursor": None}
    page = lilei.get(f"{API}/me/reviews", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and (page["next_cursor"] is not None) == (want > 1)


# --- closing, report, export --------------------------------------------------------------


def test_closing_early(as_user: Login, api_engine: Engine, clock: Clock) -> None:
    admin = as_user("wangfang")
    campaign = started(admin, clock.now + timedelta(days=3), name="early",
                       scope="roles", role_ids=[role_id(api_engine, "support")],
                       on_deadline="revoke")
    [item] = items_of(admin, campaign["id"])
    body = {"reason": "audit moved", "version": campaign["version"]}
    r = as_user("sunli").post(f"{API}/reviews/{campaign['id']}/close", json=body)
    assert r.status_code == 403 and error(r)["details"]["permission"] == "run_reviews"
    r = admin.post(f"{API}/reviews/{campaign['id']}/close", json=body | {"version": 7})
    assert r.status_code == 409
    r = admin.post(f"{API}/reviews/{campaign['id']}/close", json={"version": 1})
    assert r.status_code == 422 and error(r)["details"]["field"] == "reason"
    r = admin.post(f"{API}/reviews/{campaign['id']}/close", json=body | {"undecided": "keep"})
    assert r.status_code == 200, r.text
    closed = r.json()
    assert closed["status"] == "closed" and closed["closed_early"] is True
    assert closed["progress"]["outcomes"]["kept_at_close"] == 1
    assert assignment_exists(api_engine, item["assignment_id"])
    [event] = events(api_engine, "review.campaign_closed", campaign["id"])
    assert event.actor == "wangfang" and event.details["trigger"] == "close"
    r = admin.post(f"{API}/reviews/{campaign['id']}/close",
                   json=body | {"version": closed["version"]})
    assert r.status_code == 409 and error(r)["details"]["reason"] == "closed"
    r = decide(admin, item, "certify")
    assert r.status_code == 409


def test_closing_early_with_revoke(as_user: Login, api_engine: Engine, clock: Clock) -> None:
    admin = as_user("wangfang")
    campaign = started(admin, clock.now + timedelta(days=3), name="cleanup",
                       scope="roles", role_ids=[role_id(api_engine, "finance")])
    [item] = items_of(admin, campaign["id"])
    r = admin.post(f"{API}/reviews/{campaign['id']}/close",
                   json={"reason": "finance reorganised", "version": campaign["version"],
                         "undecided": "revoke"})
    assert r.status_code == 200, r.text
    assert r.json()["progress"]["outcomes"]["revoked_at_close"] == 1
    assert not assignment_exists(api_engine, item["assignment_id"])
    [event] = events(api_engine, "review.item_revoked_at_close", item["id"])
    assert event.actor == "wangfang" and event.reason == "finance reorganised"
    admin.post(f"{API}/assignments", json={"user_id": uid(api_engine, "zhaomin"),
                                           "role_id": role_id(api_engine, "finance"),
                                           "reason": "restored after the test"})


def test_report_counts_outcomes(as_user: Login, sales: dict[str, Any]) -> None:
    report = as_user("sunli").get(f"{API}/reviews/{sales['id']}/report")
    assert report.status_code == 200, report.text
    body = report.json()
    progress = body["campaign"]["progress"]
    assert progress["outcomes"]["certified"] == 1 and progress["outcomes"]["revoked"] == 1
    assert progress["outcomes"]["gone"] == 1
    assert progress["pending"] == progress["total"] - 3
    lilei = next(r for r in body["by_reviewer"] if r["reviewer"]["username"] == "lilei")
    assert (lilei["certified"], lilei["revoked"]) == (1, 2)
    rep = next(r for r in body["by_role"] if r["role"]["key"] == "sales_rep")
    assert rep["outcomes"]["certified"] == rep["outcomes"]["revoked"] == 1
    assert [(i["user"]["username"], i["outcome"]) for i in body["revocations"]] \
        == [("zhangwei", "revoked")]
    assert as_user("hanmeimei").get(f"{API}/reviews/{sales['id']}/report").status_code == 403


def test_export_is_a_safe_spreadsheet(as_user: Login, api_engine: Engine,
                                      sales: dict[str, Any]) -> None:
    admin = as_user("wangfang")
    [item] = items_of(admin, sales["id"], decided="false")  # lilei's own, wangfang's to do
    r = decide(admin, item, "certify", reason="=HYPERLINK(\"http://evil\")")
    assert r.status_code == 200, r.text
    r = as_user("sunli").get(f"{API}/reviews/{sales['id']}/export")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == sales["progress"]["total"]
    by_id = {int(row["item_id"]): row for row in rows}
    assert by_id[item["id"]]["reason"] == "'=HYPERLINK(\"http://evil\")"
    assert by_id[item["id"]]["outcome"] == "certified"
    assert by_id[item["id"]]["reviewer"] == by_id[item["id"]]["decided_by"] == "wangfang"
    revoked = next(row for row in rows if row["outcome"] == "revoked")
    assert revoked["user"] == "zhangwei" and revoked["role_key"] == "sales_rep"
    assert {row["outcome"] for row in rows} == {"certified", "revoked", "gone"}
    x = as_user("wangfang").get(f"{API}/reviews/{sales['id']}/export",
                                params={"format": "xlsx"})
    assert x.status_code == 200
    sheet = load_workbook(io.BytesIO(x.content), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(COLUMNS) and len(values) == len(rows) + 1
    reasons = {v[COLUMNS.index("item_id")]: v[COLUMNS.index("reason")] for v in values[1:]}
    assert reasons[item["id"]] == "'=HYPERLINK(\"http://evil\")"
    r = as_user("sunli").get(f"{API}/reviews/{sales['id']}/export", params={"format": "pdf"})
    assert r.status_code == 422
    assert as_user("zhaomin").get(f"{API}/reviews/{sales['id']}/export").status_code == 403
    exports = events(api_engine, "review.export", sales["id"])
    assert [(e.actor, e.details["format"]) for e in exports] == [("sunli", "csv"),
                                                                 ("wangfang", "xlsx")]
