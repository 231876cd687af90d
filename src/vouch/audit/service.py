"""Appending audit events.

`record(...)` queues an event on the session; the queue is written when the transaction
commits (a `before_commit` hook), so an event lands in the same transaction as the change
it describes, and a rolled-back change leaves no event. Writing the whole queue at the end
also takes the chain-head lock last, after any record locks, so appenders cannot deadlock
with each other. Denials are recorded after the denied transaction rolled back, in a
transaction of their own (`record_now`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Table, event, insert, update
from sqlalchemy.orm import Session

from vouch.audit.chain import GENESIS, event_hash, jsonable
from vouch.audit.models import AuditEvent, AuditHead
from vouch.types import utcnow

PENDING = "vouch_audit_pending"


@dataclass(frozen=True)
class Origin:
    """Who and where: the actor (None for the system), client IP, user agent, request id."""

    actor_id: int | None = None
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None
    actor_name: str | None = None


SYSTEM = Origin(actor_name="system")


def record(session: Session, origin: Origin, action: str, *, object: str | None = None,
           record_id: object = None, reason: str | None = None, before: Any = None,
           after: Any = None, details: Any = None, at: datetime | None = None) -> None:
    """Queue one event; it is written when `session` commits."""
    session.connection()  # begin the transaction now, so a rollback drops the queue
    session.info.setdefault(PENDING, []).append({
        "at": at or utcnow(), "origin": origin, "action": action, "object": object,
        "record_id": None if record_id is None else str(record_id),
        "reason": reason, "before": jsonable(before), "after": jsonable(after),
        "details": jsonable(details),
    })


def record_now(engine: Engine, origin: Origin, action: str, **kw: Any) -> None:
    """Write one event in a transaction of its own (denials, failed logins)."""
    with Session(engine) as session:
        record(session, origin, action, **kw)
        session.commit()


def _actor_name(session: Session, origin: Origin) -> str | None:
    if origin.actor_name is not None or origin.actor_id is None:
        return origin.actor_name
    from vouch.org.models import User

    user = session.get(User, origin.actor_id)
    return user.username if user is not None else None


def write_pending(session: Session, pending: list[dict[str, Any]]) -> None:
    names = {id(e["origin"]): _actor_name(session, e["origin"]) for e in pending}
    head = AuditHead.__table__
    events = AuditEvent.__table__
    assert isinstance(head, Table) and isinstance(events, Table)
    bump = (update(head).where(head.c.id == 1).values(seq=head.c.seq + len(pending))
            .returning(head.c.seq, head.c.hash))
    found = session.execute(bump).first()
    if found is None:
        # A schema made without the migrations (create_all in tests) has no head row yet.
        # With events present, the chain restarting at 1 fails loudly on the primary key.
        session.execute(insert(head).values(id=1, seq=0, hash=GENESIS))
        found = session.execute(bump).one()
    seq, prev = found
    seq -= len(pending)
    rows = []
    for e in pending:
        seq += 1
        origin: Origin = e["origin"]
        row = {
            "seq": seq, "at": e["at"], "actor_id": origin.actor_id,
            "actor": names[id(origin)], "ip": origin.ip,
            "user_agent": (origin.user_agent or None) and origin.user_agent[:300],
            "request_id": origin.request_id, "action": e["action"], "object": e["object"],
            "record_id": e["record_id"], "reason": e["reason"], "before": e["before"],
            "after": e["after"], "details": e["details"], "prev_hash": prev,
        }
        row["hash"] = prev = event_hash(row)
        rows.append(row)
    session.execute(insert(events), rows)
    session.execute(update(head).where(head.c.id == 1).values(hash=prev))


@event.listens_for(Session, "before_commit")
def _flush_audit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if pending:
        write_pending(session, pending)


@event.listens_for(Session, "after_soft_rollback")
def _drop_audit(session: Session, _previous: Any) -> None:
    session.info.pop(PENDING, None)
