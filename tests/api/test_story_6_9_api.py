"""Stories 6 and 9 of SCENARIOS.md through the HTTP API, on SQLite and PostgreSQL.

6. Leaving: zhangwei leaves; wangfang deactivates him; his sessions end at once, his
   next request is refused, his records pass to lilei (his manager: no successor named),
   his pending request is withdrawn, and the audit log shows all of it.
9. Review: wangfang starts a quarterly review of the Sales department; lilei certifies
   hanmeimei's role and revokes a share he no longer recognises; the campaign report
   shows the outcome, and hanmeimei has lost the share on her next request.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.api.admin_helpers import uid
from tests.api.conftest import API, Clock, Login, TestClient
from tests.api.review_helpers import decide, role_id
from tests.conftest import DEMO_PASSWORD
from vouch.auth.models import AuthSession
from vouch.db import system_session
from vouch.records.models import RECORD_MODELS, model_for

SALES = 2


def _audit(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    r = client.get(f"{API}/audit/events", params=params)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_story6_zhangwei_leaves(as_user: Login, api_engine: Engine) -> None:
    wangfang, zhangwei, sunli = as_user("wangfang"), as_user("zhangwei"), as_user("sunli")
    zid, lid = uid(api_engine, "zhangwei"), uid(api_engine, "lilei")
    r = zhangwei.post(f"{API}/requests", json={
        "kind": "role", "role_id": role_id(api_engine, "support"),
        "reason": "help the service desk in December"})
    assert r.status_code == 201, r.text
    request_id = r.json()["id"]
    with system_session(api_engine, "story 6: ground truth") as s:
        owned = {obj: set(s.scalars(select(m.id).where(m.owner_id == zid)))
                 for obj, m in RECORD_MODELS.items()}
    customer = min(owned["customer"])
    assert as_user("zhangwei").get(f"{API}/customers/{customer}").status_code == 200

    version = wangfang.get(f"{API}/users/{zid}").json()["version"]
    r = wangfang.post(f"{API}/users/{zid}/deactivate",
                      json={"reason": "zhangwei left the company", "version": version})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["active"] is False
    assert (out["successor"], out["successor_is_manager"]) == ("lilei", True)
    assert out["sessions_and_tokens_ended"] >= 1
    assert out["records_transferred"] == {obj: len(ids) for obj, ids in owned.items()}
    assert [a["role_key"] for a in out["assignments_ended"]] == ["sales_rep"]
    assert out["requests_withdrawn"] == [request_id]

    # his sessions end at once: his next request, and signing in again, are refused
    r = zhangwei.get(f"{API}/customers/{customer}")
    assert r.status_code == 401
    again = TestClient(zhangwei.app, raise_server_exceptions=False)
    r = again.post(f"{API}/auth/token", json={"username": "zhangwei",
                                               "password": DEMO_PASSWORD})
    assert r.status_code == 401
    with Session(api_engine) as s:
        assert s.scalar(select(func.count()).select_from(AuthSession).where(
            AuthSession.user_id == zid, AuthSession.ended_at.is_(None))) == 0

    # his records are lilei's
    with system_session(api_engine, "story 6: ground truth") as s:
        for obj, m in RECORD_MODELS.items():
            assert not s.scalars(select(m.id).where(m.owner_id == zid)).all(), obj
            assert set(s.scalars(select(m.id).where(m.id.in_(owned[obj]),
                                                    m.owner_id == lid))) == owned[obj], obj
    r = as_user("lilei").get(f"{API}/customers/{customer}")
    assert r.status_code == 200 and r.json()["owner_id"] == lid

    # the audit log shows all of it
    [deactivated] = _audit(sunli, action="org.user_deactivated", record=str(zid))
    assert deactivated["actor"] == "wangfang"
    assert deactivated["reason"] == "zhangwei left the company"
    assert (deactivated["before"]["active"], deactivated["after"]["active"]) == (True, False)
    details = deactivated["details"]
    assert details["successor"] == "lilei" and details["requests_withdrawn"] == [request_id]
    assert details["records_transferred"]["customer"] == len(owned["customer"])
    assert details["sessions_and_tokens_ended"] >= 1
    [withdrawn] = _audit(sunli, action="workflow.request_withdrawn", record=str(request_id))
    assert withdrawn["actor"] == "wangfang"
    assert withdrawn["reason"] == "zhangwei left the company"
    assert withdrawn["request_id"] == deactivated["request_id"]  # one transaction
    request = wangfang.get(f"{API}/requests/{request_id}").json()
    assert request["status"] == "withdrawn"


def test_story9_quarterly_review_of_sales(as_user: Login, api_engine: Engine,
                                          clock: Clock) -> None:
    wangfang, lilei, hanmeimei = as_user("wangfang"), as_user("lilei"), as_user("hanmeimei")
    han = uid(api_engine, "hanmeimei")
    model = model_for("customer")
    with system_session(api_engine, "story 9: ground truth") as s:
        theirs = s.scalars(select(model.id).where(
            model.owner_id == uid(api_engine, "liuyang")).order_by(model.id)).first()
        mine = s.scalars(select(model.id).where(model.owner_id == han)
                         .order_by(model.id)).first()
    assert theirs is not None and mine is not None
    assert hanmeimei.get(f"{API}/customers/{theirs}").status_code == 404
    # an administrator once shared a colleague's customer with her
    r = wangfang.post(f"{API}/customers/{theirs}/shares", json={
        "principal_kind": "user", "principal_id": han, "access": "read",
        "reason": "cover for liuyang"})
    assert r.status_code == 201, r.text
    share_id = r.json()["id"]
    assert hanmeimei.get(f"{API}/customers/{theirs}").status_code == 200

    r = wangfang.post(f"{API}/reviews", json={
        "name": "2026 Q4 销售部权限复核", "scope": "department", "department_id": SALES,
        "deadline": (clock.now + timedelta(days=14)).isoformat(), "on_deadline": "keep",
        "reason": "quarterly access review"})
    assert r.status_code == 201, r.text
    campaign = r.json()

    queue = lilei.get(f"{API}/me/reviews").json()
    assert queue["pending"] >= 2
    told = [n for n in lilei.get(f"{API}/me/notifications").json()["items"]
            if n["kind"] == "review.assigned"
            and n["payload"]["campaign_id"] == campaign["id"]]
    assert len(told) == 1 and told[0]["payload"]["items"] == queue["pending"]
    hers = {(i["kind"], i["grant"].get("role_key") or i["share_id"]): i
            for i in queue["items"] if i["user"]["username"] == "hanmeimei"
            and i["campaign_id"] == campaign["id"]}
    role_item, share_item = hers[("assignment", "sales_rep")], hers[("share", share_id)]
    assert share_item["grant"]["object"] == "customer"
    assert share_item["grant"]["record_id"] == theirs

    r = decide(lilei, role_item, "certify", reason="sells in East 1")
    assert r.status_code == 200 and r.json()["outcome"] == "certified", r.text
    r = decide(lilei, share_item, "revoke", reason="I do not recognise this share")
    assert r.status_code == 200 and r.json()["outcome"] == "revoked", r.text

    # her next request: the share is gone, her role stays
    assert hanmeimei.get(f"{API}/customers/{theirs}").status_code == 404
    assert hanmeimei.get(f"{API}/customers/{mine}").status_code == 200

    report = wangfang.get(f"{API}/reviews/{campaign['id']}/report").json()
    by_lilei = next(r for r in report["by_reviewer"] if r["reviewer"]["username"] == "lilei")
    assert (by_lilei["certified"], by_lilei["revoked"]) == (1, 1)
    rep = next(r for r in report["by_role"] if r["role"]["key"] == "sales_rep")
    assert rep["certified"] == 1
    assert report["shares"]["outcomes"]["revoked"] == 1
    [revocation] = report["revocations"]
    assert revocation["user"]["username"] == "hanmeimei"
    assert revocation["grant"]["share_id"] == share_id
    assert revocation["decided_by"]["username"] == "lilei"
    assert revocation["reason"] == "I do not recognise this share"
    progress = report["campaign"]["progress"]
    assert progress["certified"] == 1 and progress["revoked"] == 1
    assert progress["pending"] == progress["total"] - 2
    [event] = _audit(as_user("sunli"), action="review.item_revoked",
                     record=str(share_item["id"]))
    assert event["actor"] == "lilei" and event["before"]["principal_id"] == han
