"""The tamper-evident audit log: the chain, its API, `vouch audit verify`, the PostgreSQL
append-only trigger, concurrent appenders, and a connection killed mid-transaction."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from tests.api.conftest import API, Login
from tests.conftest import drop_postgres_database, fresh_postgres_database
from vouch.audit import service as audit
from vouch.audit.chain import GENESIS, event_hash
from vouch.audit.models import AuditEvent, AuditHead
from vouch.audit.verify import verify_chain
from vouch.db import make_engine, system_session
from vouch.demo import load_demo
from vouch.migrate import upgrade
from vouch.records.models import model_for


def _head(engine: Engine) -> tuple[int, str]:
    with Session(engine) as s:
        head = s.get(AuditHead, 1)
        assert head is not None
        return head.seq, head.hash


def test_chain_links_every_event(as_user: Login, api_engine: Engine) -> None:
    as_user("wangfang").get(f"{API}/me")
    with Session(api_engine) as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    assert events, "logins are audited"
    prev = GENESIS
    for n, ev in enumerate(events, start=1):
        assert ev.seq == n and ev.prev_hash == prev
        assert ev.hash == event_hash({c: getattr(ev, c) for c in (
            "seq", "at", "actor_id", "actor", "ip", "user_agent", "request_id", "action",
            "object", "record_id", "reason", "before", "after", "details", "prev_hash")})
        prev = ev.hash
    assert _head(api_engine) == (len(events), prev)
    assert verify_chain(api_engine).ok


def test_events_need_view_audit(as_user: Login) -> None:
    for who in ("hanmeimei", "lilei", "zhaomin"):
        r = as_user(who).get(f"{API}/audit/events")
        assert r.status_code == 403
        assert r.json()["error"]["details"]["permission"] == "view_audit"
    assert as_user("sunli").get(f"{API}/audit/events").status_code == 200


def test_denials_are_audited(as_user: Login, api_engine: Engine) -> None:
    as_user("hanmeimei").get(f"{API}/audit/events")
    with Session(api_engine) as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")
                       .order_by(AuditEvent.seq.desc())).first()
    assert ev is not None and ev.actor == "hanmeimei"
    assert ev.details["permission"] == "view_audit" and ev.details["status"] == 403


def test_event_filters_and_paging(as_user: Login) -> None:
    auditor = as_user("sunli")
    as_user("zhaomin")  # a login event for zhaomin
    r = auditor.get(f"{API}/audit/events", params={"action": "auth.login", "limit": 2})
    page = r.json()
    assert r.status_code == 200 and len(page["items"]) <= 2
    assert all(e["action"] == "auth.login" for e in page["items"])
    seqs = [e["seq"] for e in page["items"]]
    assert seqs == sorted(seqs, reverse=True)
    if page["next_before_seq"]:
        nxt = auditor.get(f"{API}/audit/events", params={
            "action": "auth.login", "before_seq": page["next_before_seq"]}).json()
        assert all(e["seq"] < seqs[-1] for e in nxt["items"])
    family = auditor.get(f"{API}/audit/events", params={"action": "auth."}).json()["items"]
    assert {e["action"].split(".")[0] for e in family} == {"auth"}
    zhaomin = auditor.get(f"{API}/audit/events", params={"actor": 6}).json()["items"]
    assert zhaomin and all(e["actor_id"] == 6 for e in zhaomin)
    one = auditor.get(f"{API}/audit/events/{seqs[0]}").json()
    assert one["seq"] == seqs[0] and len(one["hash"]) == 64
    assert auditor.get(f"{API}/audit/events/999999999").status_code == 404
    for bad in ({"limit": 0}, {"limit": 501}, {"from": "yesterday"}, {"actor": "x"},
                {"from": "2026-11-21T00:00:00Z", "to": "2026-11-20T00:00:00Z"}):
        r = auditor.get(f"{API}/audit/events", params=bad)
        assert r.status_code == 422, bad


def test_export_is_json_lines_and_is_itself_audited(as_user: Login, api_engine: Engine) -> None:
    r = as_user("sunli").get(f"{API}/audit/export", params={"action": "auth."})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert lines and all(e["action"].startswith("auth.") for e in lines)
    assert [e["seq"] for e in lines] == sorted(e["seq"] for e in lines)
    with Session(api_engine) as s:
        last = s.scalars(select(AuditEvent).where(AuditEvent.action == "audit.export")
                         .order_by(AuditEvent.seq.desc())).first()
    assert last is not None and last.actor == "sunli"
    assert last.details["filter"]["action"] == "auth."


def test_verify_endpoint(as_user: Login) -> None:
    r = as_user("sunli").get(f"{API}/audit/verify")
    assert r.status_code == 200 and r.json()["ok"] is True
    assert as_user("hanmeimei").get(f"{API}/audit/verify").status_code == 403


def test_concurrent_appenders_extend_one_chain(api_engine: Engine) -> None:
    seq0, _ = _head(api_engine)
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            for i in range(5):
                with Session(api_engine) as s:
                    audit.record(s, audit.SYSTEM, "test.concurrent", details={"t": n, "i": i})
                    s.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert _head(api_engine)[0] == seq0 + 30
    assert verify_chain(api_engine).ok


def test_rolled_back_change_leaves_no_event(api_engine: Engine) -> None:
    head = _head(api_engine)
    with Session(api_engine) as s:
        audit.record(s, audit.SYSTEM, "test.rolled_back")
        s.rollback()
        s.commit()
    assert _head(api_engine) == head


# --- tampering: a database of its own per test, so the shared chain stays intact --------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def small_db(request: pytest.FixtureRequest, tmp_path: object) -> object:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/audit.db"
        engine = make_engine(url)
        upgrade(engine)
        yield url, engine
        engine.dispose()
    else:
        name, engine = fresh_postgres_database("vouch_audit")
        upgrade(engine)
        yield engine.url.render_as_string(hide_password=False), engine
        drop_postgres_database(name, engine)


def _fill(engine: Engine, n: int = 6) -> None:
    for i in range(n):
        with Session(engine) as s:
            audit.record(s, audit.SYSTEM, "test.event", reason=f"event {i}", details={"i": i})
            s.commit()


def _cli_verify(url: str, real_process: bool = False) -> tuple[int, dict[str, object]]:
    """`vouch audit verify --json`: in-process (CliRunner) or as a real process."""
    if real_process:
        env = dict(os.environ, VOUCH_DATABASE_URL=url)
        out = subprocess.run([sys.executable, "-m", "vouch.cli.main", "audit", "verify",
                              "--json"], env=env, capture_output=True, text=True, timeout=60)
        return out.returncode, json.loads(out.stdout)
    from typer.testing import CliRunner

    from vouch.cli.main import app

    result = CliRunner().invoke(app, ["audit", "verify", "--json"],
                                env={"VOUCH_DATABASE_URL": url})
    return result.exit_code, json.loads(result.stdout)


def _tamper(engine: Engine, sql: str) -> None:
    """Edit the table behind the code's back (on PostgreSQL, with the trigger disabled,
    as a database superuser could)."""
    with engine.begin() as conn:
        pg = conn.dialect.name == "postgresql"
        if pg:
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        for statement in sql.split(";"):
            conn.execute(text(statement))
        if pg:
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))


@pytest.mark.parametrize("sql, problem, seq", [
    ("UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 3", "edited", 3),
    ("DELETE FROM audit_events WHERE seq = 4", "missing", 4),
    ("UPDATE audit_events SET seq = -seq WHERE seq IN (2, 3);"
     "UPDATE audit_events SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE seq < 0",
     "reordered", 2),
    ("DELETE FROM audit_events WHERE seq = 6", "truncated", 6),
])
def test_verify_names_the_first_broken_event(small_db: tuple[str, Engine], sql: str,
                                             problem: str, seq: int) -> None:
    url, engine = small_db
    _fill(engine)
    code, verdict = _cli_verify(url)
    assert code == 0 and verdict["ok"] is True and verdict["events"] == 6
    _tamper(engine, sql)
    code, verdict = _cli_verify(url, real_process=problem == "edited")
    assert code == 1
    assert verdict["ok"] is False
    assert (verdict["problem"], verdict["broken_seq"]) == (problem, seq)


@pytest.fixture
def pg_engine() -> object:
    name, engine = fresh_postgres_database("vouch_audit")
    upgrade(engine)
    yield engine
    drop_postgres_database(name, engine)


@pytest.mark.postgres
def test_postgres_trigger_refuses_update_delete_truncate(pg_engine: Engine) -> None:
    engine = pg_engine
    _fill(engine, 2)
    for sql in ("UPDATE audit_events SET reason = 'x'", "DELETE FROM audit_events",
                "TRUNCATE audit_events"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    assert verify_chain(engine).ok and verify_chain(engine).events == 2


@pytest.mark.postgres
def test_killed_connection_mid_transaction_leaves_no_partial_write(pg_engine: Engine) -> None:
    """A record update and its audit event are flushed, then the server kills the backend
    before COMMIT: neither the change nor the event exists, and the chain verifies."""
    engine = pg_engine
    from datetime import UTC, datetime

    load_demo(engine, password="unused-password-123", records=20,
              now=datetime(2026, 11, 20, tzinfo=UTC))
    customer = model_for("customer")
    with system_session(engine, "test ground truth") as s:
        before_name = s.scalar(select(customer.name).where(customer.id == 1))
        count_before = s.scalar(select(func.count()).select_from(customer))
    head_before = _head(engine)
    victim = Session(engine)
    pid = victim.execute(text("SELECT pg_backend_pid()")).scalar_one()
    victim.execute(sa.update(customer).where(customer.id == 1).values(name="partial write"))
    victim.execute(sa.insert(customer.__table__).values(
        name="half-made", owner_id=1, department_id=8, created_by=1, updated_by=1,
        created_at=datetime.now(UTC), updated_at=datetime.now(UTC), version=1))
    audit.record(victim, audit.SYSTEM, "record.update", object="customer", record_id=1)
    audit.write_pending(victim, victim.info.pop(audit.PENDING))  # the chain head is locked now
    killer = make_engine(engine.url.render_as_string(hide_password=False),
                         isolation_level="AUTOCOMMIT")
    with killer.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    killer.dispose()
    with pytest.raises(sa.exc.OperationalError):
        victim.commit()
    victim.close()
    with system_session(engine, "test ground truth") as s:
        assert s.scalar(select(customer.name).where(customer.id == 1)) == before_name
        assert s.scalar(select(func.count()).select_from(customer)) == count_before
    assert _head(engine) == head_before
    verdict = verify_chain(engine)
    assert verdict.ok and verdict.head_seq == head_before[0]
    with Session(engine) as s:  # and the chain goes on from where it was
        audit.record(s, audit.SYSTEM, "test.after_kill")
        s.commit()
    assert verify_chain(engine).ok
