"""The console at `/`: its files, index.html for client-side routes, caching, a page that
says how to build it when it is missing, /api left to the API (JSON errors), and the
CSRF token a reloaded console asks for again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.api.conftest import API, TestClient
from tests.conftest import DEMO_PASSWORD
from vouch.app import create_app
from vouch.config import Settings
from vouch.db import make_engine

INDEX = '<!doctype html><html><script type="module" src="/assets/index-4f2a9c.js"></script>'


def client_for(console_dir: Path) -> Iterator[TestClient]:
    engine = make_engine("sqlite://")
    app = create_app(engine, Settings(), console_dir=console_dir)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    engine.dispose()


@pytest.fixture
def built(tmp_path: Path) -> Iterator[TestClient]:
    """An app serving a small stand-in bundle laid out as vite builds it."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-4f2a9c.js").write_text("console.log('vouch')")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("outside the bundle")
    yield from client_for(tmp_path)


@pytest.fixture
def unbuilt(tmp_path: Path) -> Iterator[TestClient]:
    yield from client_for(tmp_path / "console")  # not even the folder exists


def assert_json_error(r: object, status: int, code: str) -> None:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/json"  # type: ignore[attr-defined]
    assert r.json()["error"]["code"] == code  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["/", "/login", "/records/customer/12", "/account?tab=1"])
def test_console_routes_answer_index_html(built: TestClient, path: str) -> None:
    r = built.get(path)
    assert r.status_code == 200
    assert r.text == INDEX
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-cache"  # a new build is picked up at once
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-request-id"]


def test_hashed_assets_are_cacheable_and_others_revalidated(built: TestClient) -> None:
    r = built.get("/assets/index-4f2a9c.js")
    assert r.status_code == 200 and r.text == "console.log('vouch')"
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in r.headers["content-type"]
    again = built.get("/assets/index-4f2a9c.js", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    r = built.get("/favicon.svg")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-cache"
    assert built.head("/").status_code == 200


def test_a_missing_file_is_404_not_the_page(built: TestClient) -> None:
    """An asset of an older build must not come back as HTML (the browser would try to
    run index.html as a script)."""
    for path in ("/assets/index-old.js", "/robots.txt"):
        r = built.get(path)
        assert r.status_code == 404 and INDEX not in r.text


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt",
                                  "/assets/..%2f..%2fsecret.txt", "/a%00b"])
def test_nothing_outside_the_bundle_is_served(built: TestClient, path: str) -> None:
    r = built.get(path)
    assert "outside the bundle" not in r.text
    assert r.status_code in (200, 404)  # the page itself, or nothing


def test_api_paths_keep_their_json_errors(built: TestClient) -> None:
    assert_json_error(built.get(f"{API}/no-such-route"), 404, "not_found")
    assert_json_error(built.get("/api"), 404, "not_found")
    assert_json_error(built.get("/api/v2/customers"), 404, "not_found")
    assert_json_error(built.get(f"{API}/customers"), 401, "not_authenticated")
    assert_json_error(built.put(f"{API}/me"), 405, "method_not_allowed")
    r = built.get(f"{API}/no-such-route")
    assert r.headers["cache-control"] == "no-store"
    # Only GET and HEAD reach the console: a form posted to a console path is not served
    # the page.
    assert_json_error(built.post("/login", json={}), 404, "not_found")


def test_without_a_bundle_the_page_says_how_to_build_it(unbuilt: TestClient) -> None:
    for path in ("/", "/records/customer", "/assets/index-4f2a9c.js"):
        r = unbuilt.get(path)
        assert r.status_code == 503, path
        assert r.headers["content-type"].startswith("text/html")
        assert "make run" in r.text and "not built" in r.text
        assert r.headers["cache-control"] == "no-store"
    assert_json_error(unbuilt.get(f"{API}/nothing-here"), 404, "not_found")
    assert unbuilt.get(f"{API}/openapi.json").status_code == 200


# --- the CSRF token after a reload ---------------------------------------------------------


def test_a_cookie_session_gets_its_csrf_token_again(app: FastAPI) -> None:
    with TestClient(app, raise_server_exceptions=False) as browser:
        assert_json_error(browser.get(f"{API}/auth/csrf"), 401, "not_authenticated")
        r = browser.post(f"{API}/auth/login",
                         json={"username": "hanmeimei", "password": DEMO_PASSWORD})
        assert r.status_code == 200
        issued = r.json()["csrf_token"]
        # The page is reloaded: the token held in memory is gone, the cookie is not.
        r = browser.get(f"{API}/auth/csrf")
        assert r.status_code == 200 and r.json() == {"csrf_token": issued}
        assert r.headers["cache-control"] == "no-store"
        r = browser.post(f"{API}/me/tokens", json={"name": "after reload"},
                         headers={"X-CSRF-Token": r.json()["csrf_token"]})
        assert r.status_code == 201
        assert browser.post(f"{API}/auth/logout",
                            headers={"X-CSRF-Token": issued}).status_code == 204
        assert_json_error(browser.get(f"{API}/auth/csrf"), 401, "not_authenticated")


def test_bearer_tokens_have_no_csrf_token(app: FastAPI) -> None:
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.post(f"{API}/auth/token",
                        json={"username": "zhaomin", "password": DEMO_PASSWORD})
        bearer = {"Authorization": f"Bearer {r.json()['access_token']}"}
        r = client.get(f"{API}/auth/csrf", headers=bearer)
        assert r.status_code == 200 and r.json() == {"csrf_token": None}
