"""Fixtures for API tests: a demo organisation per test module on each database, the app
on a controllable clock, and authenticated clients per demo user.

The module-scoped demo is separate from the session-wide `demo_engine` because API tests
write (records, roles, sessions); each module starts from the same fresh organisation.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from tests.conftest import (
    DEMO_NOW,
    DEMO_PASSWORD,
    drop_postgres_database,
    fresh_postgres_database,
)
from vouch.access.service import clear_caches
from vouch.app import create_app
from vouch.config import Settings
from vouch.db import make_engine
from vouch.demo import load_demo

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from fastapi.testclient import TestClient  # noqa: E402

API = "/api/v1"
API_RECORDS = 400  # generated demo records per module: enough for paging, quick to load


@dataclass
class Clock:
    """The app's clock; tests move it to cross timeouts and expiries."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                scope="module")
def api_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[Engine]:
    """A fresh demo organisation for this test module, on each database."""
    clear_caches()
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("api") / "vouch.db"
        engine = make_engine(f"sqlite:///{path}")
        load_demo(engine, password=DEMO_PASSWORD, records=API_RECORDS, now=DEMO_NOW)
        yield engine
        engine.dispose()
    else:
        name, engine = fresh_postgres_database("vouch_api")
        load_demo(engine, password=DEMO_PASSWORD, records=API_RECORDS, now=DEMO_NOW)
        yield engine
        drop_postgres_database(name, engine)
    clear_caches()


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(DEMO_NOW + timedelta(hours=1))


@pytest.fixture(scope="module")
def app(api_engine: Engine, clock: Clock) -> FastAPI:
    return create_app(api_engine, Settings(), clock=clock)


Login = Callable[[str], TestClient]


@pytest.fixture(scope="module")
def as_user(app: FastAPI) -> Iterator[Login]:
    """`as_user("hanmeimei")` → a TestClient sending that user's bearer token (one token
    per user per module; `fresh=True` signs in again)."""
    clients: dict[str, TestClient] = {}

    def login(username: str, fresh: bool = False) -> TestClient:
        if username in clients and not fresh:
            return clients[username]
        client = TestClient(app, raise_server_exceptions=False)
        r = client.post(f"{API}/auth/token",
                        json={"username": username, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        if not fresh:
            clients[username] = client
        return client

    yield login  # type: ignore[misc]
    for c in clients.values():
        c.close()


@pytest.fixture(scope="module")
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
