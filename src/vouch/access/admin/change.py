"""How one administrative change runs: its reason, one serialised transaction, the
version claim, and the policy version bump with the audit event."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vouch.access.admin.inputs import reject_nul
from vouch.access.models import PolicyState
from vouch.access.service import bump_policy_version
from vouch.audit import service as audit
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, Invalid, NotFound
from vouch.records.service import atomic

MAX_REASON = 2000


def clean_reason(reason: object) -> str:
    """Every change says why; the text lands in the audit log."""
    reject_nul(reason, "reason")
    cleaned = reason.strip() if isinstance(reason, str) else ""
    if not cleaned:
        raise Invalid("reason is required: say why you make this change", field="reason",
                      type=ErrorType.REQUIRED)
    if len(cleaned) > MAX_REASON:
        raise Invalid(f"reason is longer than {MAX_REASON} characters", field="reason",
                      type=ErrorType.TOO_LONG, limit=MAX_REASON)
    return cleaned


def require_version(version: object) -> int:
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid("version is required (the version you read)", field="version",
                      type=ErrorType.REQUIRED)
    return version


def claim_version(session: Session, model: Any, row_id: int, version: object,
                  label: str) -> int:
    """Move a row from `version` to the next one, or refuse: 404 when it is gone, 409 with
    the current version when someone else changed it first. The guarded UPDATE (not a
    read-then-write) is what makes exactly one of two concurrent writers win."""
    sent = require_version(version)
    result = session.execute(
        update(model).where(model.id == row_id, model.version == sent)
        .values(version=model.version + 1).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.scalar(select(model.version).where(model.id == row_id))
        if current is None:
            raise NotFound(label, row_id)
        raise _stale(label, row_id, current, sent)
    return sent + 1


def _stale(label: str, row_id: int, current: int, sent: int) -> Conflict:
    return Conflict(
        f"{label} {row_id} was changed by someone else (version {current}, you sent "
        f"{sent}); read it again and repeat your change",
        {"object": label, "id": row_id, "current_version": current, "sent_version": sent},
        type=ErrorType.STALE_VERSION,
    )


def check_version(session: Session, model: Any, row_id: int, version: object,
                  label: str) -> None:
    """`claim_version` without the UPDATE, for validating a change before (or without)
    making it: 404 when the row is gone, 409 (the same body) when it is at another version
    than the one sent."""
    sent = require_version(version)
    current = session.scalar(select(model.version).where(model.id == row_id))
    if current is None:
        raise NotFound(label, row_id)
    if current != sent:
        raise _stale(label, row_id, current, sent)


ADMIN_LOCK = 0x766F7563  # PostgreSQL advisory lock key of administrative changes


@contextmanager
def admin_change(ctx: RequestContext) -> Iterator[None]:
    """One transaction for one administrative change, serialised with every other one.

    The checks of a change (no cycle in the tree, a manager outside the user's reports, a
    department that still exists) read the state they validate; run concurrently, two
    changes could each pass against the state before the other (two parent changes making
    a cycle between them). So each change first takes one lock — an advisory transaction
    lock on PostgreSQL (record use cases never take it, so lock order stays: admin lock,
    rows, policy version, audit head), the database's write lock on SQLite — and reads
    everything afresh after it. The guarded version UPDATE still decides stale writes."""
    with atomic(ctx):
        session = ctx.session
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADMIN_LOCK})
        else:  # a write as the first statement takes SQLite's write lock now
            session.execute(update(PolicyState).where(PolicyState.id == 1)
                            .values(version=PolicyState.version)
                            .execution_options(synchronize_session=False))
        session.expire_all()
        yield


def log_change(ctx: RequestContext, action: str, label: str, row_id: object, reason: str,
               before: Any = None, after: Any = None, details: Any = None) -> None:
    """The policy version moves and the audit event is queued, in the change's own
    transaction (the event is written at commit, or not at all)."""
    bump_policy_version(ctx.session)
    audit.record(ctx.session, ctx.origin, action, object=label, record_id=row_id,
                 reason=reason, before=before, after=after, details=details, at=ctx.now)


def flush_or_conflict(session: Session, message: str, details: dict[str, Any],
                      error_type: ErrorType) -> None:
    """Flush; a uniqueness or reference violation (a concurrent twin) is a 409, not a 500."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(message, details, type=error_type) from None
