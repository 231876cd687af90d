"""Audit events and the chain head (one row, locked by every appender)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vouch.base import Base
from vouch.types import UTCDateTime


class AuditEvent(Base):
    """One event. `seq` is the position in the chain (1, 2, 3 …); `hash` covers every other
    column and the previous event's hash. Never updated or deleted (a PostgreSQL trigger
    refuses it as well)."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                     primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    request_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    object: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    details: Mapped[Any] = mapped_column(JSON, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_events_actor", "actor_id", "seq"),
        Index("ix_audit_events_object", "object", "record_id", "seq"),
        Index("ix_audit_events_action", "action", "seq"),
        Index("ix_audit_events_at", "at"),
    )


class AuditHead(Base):
    """One row (id 1): the last sequence number and hash. Appenders lock it, so concurrent
    transactions extend the chain one after another and never fork it."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))
