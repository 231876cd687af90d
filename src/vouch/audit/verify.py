"""Recompute the chain and name the first broken link."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from vouch.audit.chain import GENESIS, HASHED, event_hash
from vouch.audit.models import AuditEvent, AuditHead


@dataclass
class Verdict:
    ok: bool
    events: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str | None = None  # edited | missing | reordered | truncated
    message: str = "the audit chain is intact"
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "head_seq": self.head_seq,
                "head_hash": self.head_hash, "broken_seq": self.broken_seq,
                "problem": self.problem, "message": self.message, "details": self.details}


def verify_chain(engine: Engine, batch: int = 5000) -> Verdict:
    with Session(engine) as session:
        head = session.get(AuditHead, 1)
        head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
        expected, prev, count = 1, GENESIS, 0
        last = 0
        while True:
            rows = session.scalars(select(AuditEvent).where(AuditEvent.seq > last)
                                   .order_by(AuditEvent.seq).limit(batch)).all()
            if not rows:
                break
            for ev in rows:
                count += 1
                fields = {name: getattr(ev, name) for name in HASHED}
                if ev.seq != expected:
                    return _broken(count, head_seq, head_hash, expected, "missing",
                                   f"events {expected}..{ev.seq - 1} are missing",
                                   {"next_present": ev.seq})
                if ev.prev_hash != prev:
                    return _broken(count, head_seq, head_hash, ev.seq, "reordered",
                                   f"event {ev.seq} does not follow event {ev.seq - 1} "
                                   "(reordered, or a predecessor was replaced)", {})
                if event_hash(fields) != ev.hash:
                    return _broken(count, head_seq, head_hash, ev.seq, "edited",
                                   f"event {ev.seq} was edited after it was written",
                                   {"action": ev.action})
                prev, expected = ev.hash, expected + 1
            last = rows[-1].seq
        if expected - 1 != head_seq or prev != head_hash:
            return _broken(count, head_seq, head_hash, expected, "truncated",
                           f"the chain ends at event {expected - 1} but its head says "
                           f"{head_seq}: events were deleted from the end", {})
        return Verdict(True, count, head_seq, head_hash)


def _broken(count: int, head_seq: int, head_hash: str, seq: int, problem: str, message: str,
            details: dict[str, Any]) -> Verdict:
    return Verdict(False, count, head_seq, head_hash, seq, problem, message, details)
