"""Dormant permissions over the API: grants held for more than N days and not exercised
in them, from the audit log, per user and role — with and without activity, the view
grants' partial evidence, filters, who may ask, and one grouped audit query. On SQLite
and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from tests.api.admin_helpers import error, uid
from tests.api.conftest import API, Clock, Login, TestClient
from tests.api.review_helpers import role_id
from tests.conftest import DEMO_NOW
from vouch.access.models import Grant
from vouch.audit.models import AuditEvent
from vouch.db import system_session
from vouch.records.models import model_for


def _login(as_user: Login, username: str) -> TestClient:
    client: TestClient = as_user(username, fresh=True)  # type: ignore[call-arg]
    return client


def _report(client: TestClient, **params: Any) -> dict[str, Any]:
    r = client.get(f"{API}/access/dormant", params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _grants(report: dict[str, Any], username: str, role_key: str) -> dict[tuple[str, str],
                                                                          dict[str, Any]]:
    user = next(u for u in report["users"] if u["user"]["username"] == username)
    role = next(a for a in user["roles"] if a["role"]["key"] == role_key)
    return {(g["object"], g["action"]): g for g in role["grants"]}


def _held_days(clock: Clock) -> int:
    """Days since the demo's assignments were granted (the clock is shared by the
    module's runs on both databases, and moves on)."""
    return (clock.now - DEMO_NOW).days


def test_grants_held_for_less_than_n_days_are_not_dormant(as_user: Login, api_engine: Engine,
                                                          clock: Clock) -> None:
    report = _report(_login(as_user, "wangfang"), days=_held_days(clock) + 30)
    assert report["summary"]["dormant"] == 0 and report["summary"]["users"] == 8
    assert "sensitive fields" in report["note"]
    assert report["evidence"]["record.read_sensitive"] == ["view"]
    assert all(not g["dormant"] for u in report["users"] for a in u["roles"]
               for g in a["grants"])
    rep = _grants(report, "hanmeimei", "sales_rep")
    with Session(api_engine) as s:
        want = {(g.object, g.action) for g in s.scalars(select(Grant).where(
            Grant.role_id == role_id(api_engine, "sales_rep"), Grant.scope != "none"))}
    assert set(rep) == want
    assert rep[("customer", "view")]["evidence"] == "partial"
    assert rep[("customer", "edit")]["evidence"] == "audited"


def test_who_may_ask(as_user: Login) -> None:
    for username in ("wangfang", "sunli", "lilei"):
        r = _login(as_user, username).get(f"{API}/access/dormant")
        assert r.status_code == 200, username
    for username in ("hanmeimei", "zhaomin"):
        r = _login(as_user, username).get(f"{API}/access/dormant")
        assert r.status_code == 403
        assert set(error(r)["details"]["any_of"]) == {"manage_roles", "view_audit",
                                                      "run_reviews"}
    for days in (0, 5000, "x"):
        r = _login(as_user, "wangfang").get(f"{API}/access/dormant", params={"days": days})
        assert r.status_code == 422 and error(r)["details"]["field"] == "days"


def test_dormant_with_and_without_activity(as_user: Login, api_engine: Engine,
                                           clock: Clock) -> None:
    """A hundred days on, hanmeimei edits one of her customers and creates a task: those
    grants (and viewing customers, which editing implies) are in use; the rest of her role
    is dormant, never exercised; with a window longer than she has held it nothing is."""
    clock.advance(days=100)
    han = _login(as_user, "hanmeimei")
    model = model_for("customer")
    with system_session(api_engine, "test ground truth") as s:
        customer = s.scalars(select(model).where(
            model.owner_id == uid(api_engine, "hanmeimei")).order_by(model.id)).first()
        assert customer is not None
        cid, version = customer.id, customer.version
    r = han.patch(f"{API}/customers/{cid}", json={"version": version, "notes": "拜访"})
    assert r.status_code == 200, r.text
    r = han.post(f"{API}/tasks", json={"title": "跟进报价"})
    assert r.status_code == 201, r.text

    admin = _login(as_user, "wangfang")
    report = _report(admin, days=90, user_id=uid(api_engine, "hanmeimei"))
    assert [u["user"]["username"] for u in report["users"]] == ["hanmeimei"]
    rep = _grants(report, "hanmeimei", "sales_rep")
    with Session(api_engine) as s:
        edited_at = s.scalar(select(func.max(AuditEvent.at)).where(
            AuditEvent.actor_id == uid(api_engine, "hanmeimei"),
            AuditEvent.action == "record.update", AuditEvent.object == "customer"))
    assert edited_at is not None
    stamp = edited_at.isoformat().replace("+00:00", "Z")
    for key in (("customer", "edit"), ("customer", "view"), ("task", "create"),
                ("task", "view")):
        assert rep[key]["dormant"] is False and rep[key]["last_exercised"], key
    assert rep[("customer", "edit")]["last_exercised"] == stamp
    for key in (("contact", "edit"), ("opportunity", "view"), ("contract", "view")):
        assert rep[key] == rep[key] | {"dormant": True, "last_exercised": None}, key
    user = report["users"][0]
    assert user["dormant"] == sum(g["dormant"] for g in rep.values()) == len(rep) - 4

    only = _report(admin, days=90, user_id=uid(api_engine, "hanmeimei"), dormant_only="true")
    kept = _grants(only, "hanmeimei", "sales_rep")
    assert set(kept) == {k for k, g in rep.items() if g["dormant"]}
    assert all(g["dormant"] for g in kept.values())

    wide = _report(admin, days=_held_days(clock) + 1, user_id=uid(api_engine, "hanmeimei"))
    assert wide["summary"]["dormant"] == 0

    by_role = _report(admin, days=90, role_id=role_id(api_engine, "finance"))
    assert [u["user"]["username"] for u in by_role["users"]] == ["zhaomin"]
    assert [a["role"]["key"] for a in by_role["users"][0]["roles"]] == ["finance"]
    assert by_role["summary"]["dormant"] == by_role["summary"]["grants"] > 0

    page = _report(admin, days=90, limit=3)
    assert len(page["users"]) == 3 and page["next_cursor"]
    rest = _report(admin, days=90, limit=100, cursor=page["next_cursor"])
    assert len(page["users"]) + len(rest["users"]) == 8 and rest["next_cursor"] is None


def test_one_grouped_audit_query(as_user: Login, api_engine: Engine) -> None:
    """However many users and grants, the audit log is read once per report page."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "audit_events" in statement:
            seen.append(statement)

    sunli = _login(as_user, "sunli")
    event.listen(api_engine, "before_cursor_execute", note)
    try:
        _report(sunli, days=30)
    finally:
        event.remove(api_engine, "before_cursor_execute", note)
    assert len(seen) == 1 and "GROUP BY" in seen[0].upper()


def test_the_cli_report(api_engine: Engine, monkeypatch: Any) -> None:
    """`vouch reviews dormant --as sunli --json` on the wall clock: the same report for
    every user; exit 1 exactly when some grant is dormant; refused for a user who may not
    read it (exit 2)."""
    import json

    from typer.testing import CliRunner

    from vouch.cli.main import app

    monkeypatch.setenv("VOUCH_DATABASE_URL",
                       api_engine.url.render_as_string(hide_password=False))
    runner = CliRunner()
    result = runner.invoke(app, ["reviews", "dormant", "--as", "sunli", "--json"])
    body = json.loads(result.stdout)
    assert {u["user"]["username"] for u in body["users"]} >= {"hanmeimei", "lilei"}
    dormant = sum(u["dormant"] for u in body["users"])
    assert result.exit_code == (1 if dormant else 0), result.output
    assert "sensitive fields" in body["note"]
    refused = runner.invoke(app, ["reviews", "dormant", "--as", "hanmeimei"])
    assert refused.exit_code == 2 and "run_reviews" in refused.output
