"""Authentication: bearer tokens, console sessions with CSRF, timeouts, API tokens,
ending sessions, deactivation, and the audit trail of logins."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tests.api.conftest import API, Clock, Login, TestClient
from tests.conftest import DEMO_PASSWORD
from vouch.audit.models import AuditEvent
from vouch.org.models import User


def _token(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> str:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_at"].endswith("Z")
    return str(body["access_token"])


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.seq)))


def test_bearer_token_and_me(anonymous: TestClient) -> None:
    token = _token(anonymous, "hanmeimei")
    r = anonymous.get(f"{API}/me", headers=_bearer(token))
    assert r.status_code == 200
    me = r.json()
    assert me["username"] == "hanmeimei"
    assert [role["key"] for role in me["roles"]] == ["sales_rep"]
    assert me["permissions"] == []
    assert r.headers["cache-control"] == "no-store"


def test_wrong_password_is_401_with_error_body_and_audited(
        anonymous: TestClient, api_engine: Engine) -> None:
    before = len(_events(api_engine, "auth.login_failed"))
    for username in ("hanmeimei", "nobody-here"):
        r = anonymous.post(f"{API}/auth/token",
                           json={"username": username, "password": "not the password"})
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "not_authenticated"
        assert r.json()["error"]["message"] == "invalid username or password"
        assert r.headers["www-authenticate"] == "Bearer"
    failed = _events(api_engine, "auth.login_failed")[before:]
    assert [e.details["username"] for e in failed] == ["hanmeimei", "nobody-here"]
    assert failed[0].details["why"] == "wrong password" and failed[0].actor == "hanmeimei"


def test_login_success_is_audited(anonymous: TestClient, api_engine: Engine) -> None:
    before = len(_events(api_engine, "auth.login"))
    _token(anonymous, "zhaomin")
    event = _events(api_engine, "auth.login")[before]
    assert event.actor == "zhaomin" and event.details["kind"] == "bearer"


def test_missing_forged_and_malformed_credentials_are_401(anonymous: TestClient) -> None:
    assert anonymous.get(f"{API}/me").status_code == 401
    for header in ("Bearer vs_forged-token-value", "Bearer vt_forged", "Bearer nonsense",
                   "Basic aGFuOnB3", "Bearer "):
        r = anonymous.get(f"{API}/me", headers={"Authorization": header})
        assert r.status_code == 401, header
        assert set(r.json()["error"]) == {"code", "type", "message", "details"}
        assert r.json()["error"]["type"] == "auth.required"


def test_bad_login_bodies_are_422_naming_the_field(anonymous: TestClient) -> None:
    cases = [({"username": "x"}, "password"), ({"username": "x", "password": "y", "mfa": 1},
             "mfa"), ({"username": 5, "password": "y"}, "username")]
    for body, field in cases:
        r = anonymous.post(f"{API}/auth/token", json=body)
        assert r.status_code == 422, body
        assert r.json()["error"]["details"]["field"] == field
    r = anonymous.post(f"{API}/auth/token", content=b'{"username": ',
                       headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"


def test_cookie_session_requires_csrf_on_unsafe_methods(app: FastAPI) -> None:
    with TestClient(app, raise_server_exceptions=False) as browser:
        r = browser.post(f"{API}/auth/login",
                         json={"username": "hanmeimei", "password": DEMO_PASSWORD})
        assert r.status_code == 200
        csrf = r.json()["csrf_token"]
        cookie = r.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert r.json()["user"]["username"] == "hanmeimei"
        assert browser.get(f"{API}/me").status_code == 200  # safe method: no CSRF needed
        r = browser.post(f"{API}/me/tokens", json={"name": "laptop"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
        r = browser.post(f"{API}/me/tokens", json={"name": "laptop"},
                         headers={"X-CSRF-Token": "wrong"})
        assert r.status_code == 403
        r = browser.post(f"{API}/me/tokens", json={"name": "laptop"},
                         headers={"X-CSRF-Token": csrf})
        assert r.status_code == 201
        # logout needs CSRF too, and ends the session
        assert browser.post(f"{API}/auth/logout").status_code == 403
        assert browser.post(f"{API}/auth/logout",
                            headers={"X-CSRF-Token": csrf}).status_code == 204
        browser.cookies.clear()
        assert browser.get(f"{API}/me").status_code == 401


def test_idle_and_absolute_timeouts(app: FastAPI, clock: Clock, anonymous: TestClient) -> None:
    start = clock.now
    try:
        with TestClient(app, raise_server_exceptions=False) as browser:
            browser.post(f"{API}/auth/login",
                         json={"username": "chenjing", "password": DEMO_PASSWORD})
            clock.advance(minutes=20)
            assert browser.get(f"{API}/me").status_code == 200  # activity resets idle
            clock.advance(minutes=20)
            assert browser.get(f"{API}/me").status_code == 200
            clock.advance(minutes=31)
            r = browser.get(f"{API}/me")
            assert r.status_code == 401 and "expired" in r.json()["error"]["message"]
        token = _token(anonymous, "chenjing")
        clock.advance(hours=7, minutes=59)
        assert anonymous.get(f"{API}/me", headers=_bearer(token)).status_code == 200
        clock.advance(minutes=2)
        assert anonymous.get(f"{API}/me", headers=_bearer(token)).status_code == 401
    finally:
        clock.now = start


def test_logout_ends_a_bearer_session(anonymous: TestClient) -> None:
    token = _token(anonymous, "liuyang")
    assert anonymous.post(f"{API}/auth/logout", headers=_bearer(token)).status_code == 204
    assert anonymous.get(f"{API}/me", headers=_bearer(token)).status_code == 401


def test_my_sessions_list_and_end(anonymous: TestClient) -> None:
    first, second = _token(anonymous, "zhangwei"), _token(anonymous, "zhangwei")
    r = anonymous.get(f"{API}/me/sessions", headers=_bearer(first))
    items = r.json()["items"]
    current = [s for s in items if s["current"]]
    assert len(current) == 1 and len(items) >= 2
    other = next(s for s in items if not s["current"])
    assert anonymous.delete(f"{API}/me/sessions/{other['id']}",
                            headers=_bearer(first)).status_code == 204
    still = {s["id"] for s in anonymous.get(f"{API}/me/sessions",
                                            headers=_bearer(first)).json()["items"]}
    assert other["id"] not in still
    assert anonymous.get(f"{API}/me", headers=_bearer(first)).status_code == 200
    del second


def test_cannot_end_someone_elses_session_without_manage_users(
        anonymous: TestClient, as_user: Login) -> None:
    victim = _token(anonymous, "zhaomin")
    sid = anonymous.get(f"{API}/me/sessions", headers=_bearer(victim)).json()["items"]
    sid = next(s["id"] for s in sid if s["current"])
    rep = as_user("hanmeimei")
    assert rep.delete(f"{API}/me/sessions/{sid}").status_code == 404
    r = rep.delete(f"{API}/sessions/{sid}")
    assert r.status_code == 403 and r.json()["error"]["details"]["permission"] == "manage_users"
    assert rep.get(f"{API}/sessions").status_code == 403
    assert anonymous.get(f"{API}/me", headers=_bearer(victim)).status_code == 200
    admin = as_user("wangfang")
    listed = admin.get(f"{API}/sessions", params={"user": 6}).json()["items"]
    assert sid in {s["id"] for s in listed}
    assert admin.delete(f"{API}/sessions/{sid}").status_code == 204
    assert anonymous.get(f"{API}/me", headers=_bearer(victim)).status_code == 401


def test_api_tokens_shown_once_hashed_expiring_revocable(
        anonymous: TestClient, as_user: Login, api_engine: Engine, clock: Clock) -> None:
    rep = as_user("hanmeimei")
    r = rep.post(f"{API}/me/tokens", json={"name": "reporting script",
                                           "expires_at": (clock.now + timedelta(days=2))
                                           .isoformat()})
    assert r.status_code == 201
    created = r.json()
    secret = created["token"]
    assert secret.startswith("vt_")
    listed = rep.get(f"{API}/me/tokens").json()["items"]
    mine = next(t for t in listed if t["id"] == created["id"])
    assert "token" not in mine and mine["prefix"] == secret[:10]
    with Session(api_engine) as s:  # only a digest is stored
        from vouch.auth.models import ApiToken

        row = s.get(ApiToken, created["id"])
        assert row is not None and secret not in (row.token_hash, row.prefix)
    assert anonymous.get(f"{API}/me", headers=_bearer(secret)).json()["username"] == "hanmeimei"
    start = clock.now
    clock.advance(days=2, seconds=1)
    try:
        assert anonymous.get(f"{API}/me", headers=_bearer(secret)).status_code == 401
    finally:
        clock.now = start
    assert rep.delete(f"{API}/me/tokens/{created['id']}").status_code == 204
    assert anonymous.get(f"{API}/me", headers=_bearer(secret)).status_code == 401
    assert rep.delete(f"{API}/me/tokens/{created['id']}").status_code == 404
    for body in ({"name": ""}, {"name": "x", "expires_at": "2020-01-01T00:00:00Z"},
                 {"name": "x", "expires_at": "2030-01-01T00:00:00"},
                 {"name": "x", "expires_at": (clock.now + timedelta(days=400)).isoformat()},
                 {"name": "x", "scope": "all"}):
        r = rep.post(f"{API}/me/tokens", json=body)
        assert r.status_code == 422, body
        assert r.json()["error"]["details"]["field"] in {"name", "expires_at", "scope"}


def test_deactivated_user_is_refused_at_once(anonymous: TestClient, api_engine: Engine) -> None:
    token = _token(anonymous, "liuyang")
    assert anonymous.get(f"{API}/me", headers=_bearer(token)).status_code == 200
    with Session(api_engine) as s:
        s.execute(update(User).where(User.username == "liuyang").values(active=False))
        s.commit()
    try:
        r = anonymous.get(f"{API}/me", headers=_bearer(token))
        assert r.status_code == 401 and "deactivated" in r.json()["error"]["message"]
        r = anonymous.post(f"{API}/auth/token",
                           json={"username": "liuyang", "password": DEMO_PASSWORD})
        assert r.status_code == 401
    finally:
        with Session(api_engine) as s:
            s.execute(update(User).where(User.username == "liuyang").values(active=True))
            s.commit()


def test_oversized_json_body_is_413_before_reading(anonymous: TestClient) -> None:
    body = b'{"username": "' + b"x" * (2 * 1024 * 1024) + b'", "password": "p"}'
    r = anonymous.post(f"{API}/auth/token", content=body,
                       headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
