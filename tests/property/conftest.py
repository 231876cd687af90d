"""Databases for the property tests: one SQLite and one PostgreSQL engine per test session,
each with the whole schema created once; every example clears and reloads its world.

PostgreSQL: the server named by VOUCH_TEST_POSTGRES_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/test); each test session creates a database of
its own on that server (`vouch_prop_<random>`, dropped at the end), so concurrent runs on
one server never disturb each other. Unreachable server: skip, or fail under CI=true.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

import vouch.models  # noqa: F401  (every model in Base.metadata)
from vouch.base import Base

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PROPERTY_DATABASE = f"vouch_prop_{uuid.uuid4().hex[:8]}"


def _enable_sqlite_foreign_keys(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@pytest.fixture(scope="session")
def sqlite_engine() -> Iterator[Engine]:
    """An in-memory database on one shared connection (StaticPool)."""
    engine = create_engine("sqlite://", poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    _enable_sqlite_foreign_keys(engine)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()
    _clear_engine_caches()


def _clear_engine_caches() -> None:
    """The engine caches facts and profiles per policy version in the process; leave
    nothing of these worlds behind for other tests."""
    from vouch.access.service import clear_caches

    clear_caches()


def _postgres_unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not reachable ({reason}); set VOUCH_TEST_POSTGRES_URL")


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    url = make_url(os.environ.get("VOUCH_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    try:
        admin = create_engine(url, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 5})
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{PROPERTY_DATABASE}"'))
    except Exception as exc:
        _postgres_unavailable(f"{type(exc).__name__}: {exc}".splitlines()[0])
    # Every example commits its world: without waiting for the WAL flush (a test database).
    engine = create_engine(url.set(database=PROPERTY_DATABASE),
                           connect_args={"connect_timeout": 5,
                                         "options": "-c synchronous_commit=off"})
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PROPERTY_DATABASE}" WITH (FORCE)'))
    admin.dispose()
    _clear_engine_caches()
