"""Shared fixtures: migrated SQLite and PostgreSQL databases, and the demo organisation.

PostgreSQL comes from VOUCH_TEST_POSTGRES_URL (default: the local server's `test`
database). Each test session works in databases of its own on that server. Under CI=true
an unreachable server fails the run; elsewhere PostgreSQL tests are skipped with a reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from vouch.access.service import clear_caches
from vouch.db import make_engine
from vouch.demo import load_demo
from vouch.migrate import upgrade

PG_URL = os.environ.get("VOUCH_TEST_POSTGRES_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DEMO_PASSWORD = "demo-password-for-tests"
DEMO_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def postgres_unavailable_reason() -> str | None:
    try:
        eng = make_engine(PG_URL)
        with eng.connect() as conn:
            conn.execute(sa.text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:
        return f"PostgreSQL at {PG_URL} unreachable: {type(exc).__name__}: {exc}"


def require_postgres() -> None:
    reason = postgres_unavailable_reason()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"{reason} (mandatory under CI)")
    pytest.skip(reason)


def fresh_postgres_database(prefix: str) -> tuple[str, Engine]:
    """CREATE a new database on the PostgreSQL server; returns its URL and an engine."""
    require_postgres()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    return name, make_engine(url)


def drop_postgres_database(name: str, engine: Engine) -> None:
    engine.dispose()
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                scope="session")
def demo_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[Engine]:
    """The demo organisation on each database, loaded once per test session."""
    clear_caches()
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("demo") / "vouch.db"
        engine = make_engine(f"sqlite:///{path}")
        load_demo(engine, password=DEMO_PASSWORD, now=DEMO_NOW)
        yield engine
        engine.dispose()
    else:
        name, engine = fresh_postgres_database("vouch_demo")
        load_demo(engine, password=DEMO_PASSWORD, now=DEMO_NOW)
        yield engine
        drop_postgres_database(name, engine)
    clear_caches()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Engine]:
    """A migrated, empty database on each database (per test)."""
    clear_caches()
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/empty.db")  # type: ignore[str-bytes-safe]
        upgrade(engine)
        yield engine
        engine.dispose()
    else:
        name, engine = fresh_postgres_database("vouch_empty")
        upgrade(engine)
        yield engine
        drop_postgres_database(name, engine)
    clear_caches()
