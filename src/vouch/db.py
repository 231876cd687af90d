"""Database engine, sessions, SQLite pragmas, and the single door.

The door: a `do_orm_execute` hook refuses any SELECT that touches a record table unless the
statement was built by `access` (execution option FILTERED) or read facts for the engine
(ENGINE_FACTS). Trusted system code with no user (migrations, data generators) marks its
session with UNRESTRICTED; request and CLI sessions never do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import visitors
from sqlalchemy.sql.schema import Table

from vouch.records.models import RECORD_TABLE_NAMES

FILTERED = "vouch_access_filtered"
ENGINE_FACTS = "vouch_engine_facts"
UNRESTRICTED = "vouch_unrestricted"


class UnfilteredRead(RuntimeError):
    """A SELECT of record data that did not go through the permission engine."""


def make_engine(url: str, **kw: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **kw)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kw)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


@contextmanager
def system_session(engine: Engine, reason: str) -> Iterator[Session]:
    """A session for trusted code with no user (migrations, generators): the door is open,
    and `reason` says why in the session's info."""
    with Session(engine, expire_on_commit=False) as session:
        session.info[UNRESTRICTED] = reason
        yield session


def _touches_record_table(statement: Any) -> str | None:
    for node in visitors.iterate(statement):
        if isinstance(node, Table) and node.name in RECORD_TABLE_NAMES:
            return node.name
    return None


@event.listens_for(Session, "do_orm_execute")
def _single_door(state: ORMExecuteState) -> None:
    if not state.is_select:
        return
    options = state.execution_options
    if options.get(FILTERED) or options.get(ENGINE_FACTS) or state.session.info.get(UNRESTRICTED):
        return
    table = _touches_record_table(state.statement)
    if table is not None:
        raise UnfilteredRead(
            f"SELECT of {table} without the permission engine's filter; read records "
            "through vouch.records.service (or vouch.access.query)"
        )


def reset_sequences(session: Session) -> None:
    """After bulk inserts with explicit ids, move PostgreSQL's id sequences past them
    (SQLite needs nothing: its rowids follow the largest id)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy import text

    from vouch.base import Base

    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
            session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                f"COALESCE((SELECT MAX({pk[0].name}) FROM {table.name}), 0) + 1, false)"
            ))
