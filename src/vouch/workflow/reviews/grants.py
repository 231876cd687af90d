"""The grants a review item is about: what they were when the campaign started (the
snapshot), whether they are still in force, and revoking one.

A revocation deletes the role assignment or share (as the administrators' delete does),
with the policy version bump and an audit event holding the grant as it was; the item
keeps its snapshot, so the report still reads after the grant is gone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vouch.access.admin import iso
from vouch.access.models import Role, RoleAssignment, Share
from vouch.workflow.models import ReviewItem
from vouch.workflow.reviews.actor import Actor


def assignment_snapshot(a: RoleAssignment, role: Role) -> dict[str, Any]:
    return {"assignment_id": a.id, "role_id": role.id, "role_key": role.key,
            "role_name": role.name, "role_name_en": role.name_en,
            "granted_at": iso(a.granted_at), "expires_at": iso(a.expires_at),
            "granted_by": a.granted_by, "request_id": a.request_id}


def share_snapshot(s: Share, record_name: str | None) -> dict[str, Any]:
    """`record_name` is stored only when the campaign's creator could view the record."""
    return {"share_id": s.id, "object": s.object, "record_id": s.record_id,
            "record_name": record_name, "access": s.access,
            "created_at": iso(s.created_at), "expires_at": iso(s.expires_at),
            "shared_by": s.shared_by, "share_reason": s.reason, "request_id": s.request_id}


def _active(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is None or now < expires_at


def live_grant(session: Session, item: ReviewItem, now: datetime
               ) -> RoleAssignment | Share | None:
    """The assignment or share of `item` if it still exists and is in force at `now`
    (an expired one, or one deleted and granted anew under another id, is gone)."""
    row: RoleAssignment | Share | None
    if item.kind == "assignment":
        row = session.get(RoleAssignment, item.assignment_id) if item.assignment_id else None
        if row is not None and row.user_id != item.user_id:
            return None
    else:
        row = session.get(Share, item.share_id) if item.share_id else None
        if row is not None and (row.principal_kind, row.principal_id) != ("user",
                                                                          item.user_id):
            return None
    if row is None or not _active(row.expires_at, now):
        return None
    return row


def current_state(row: RoleAssignment | Share) -> dict[str, Any]:
    if isinstance(row, RoleAssignment):
        return {"kind": "assignment", "id": row.id, "user_id": row.user_id,
                "role_id": row.role_id, "granted_at": iso(row.granted_at),
                "expires_at": iso(row.expires_at), "reason": row.reason}
    return {"kind": "share", "id": row.id, "object": row.object, "record_id": row.record_id,
            "principal_kind": row.principal_kind, "principal_id": row.principal_id,
            "access": row.access, "expires_at": iso(row.expires_at), "reason": row.reason}


def revoke(actor: Actor, item: ReviewItem, row: RoleAssignment | Share, outcome: str,
           reason: str) -> None:
    """Delete the grant in the actor's transaction: policy version bump and one audit
    event (`review.item_<outcome>`) with the grant before and the campaign and item."""
    before = current_state(row)
    model = RoleAssignment if isinstance(row, RoleAssignment) else Share
    actor.session.execute(delete(model).where(model.id == row.id)
                          .execution_options(synchronize_session=False))
    actor.session.expunge(row)
    actor.access_changed(f"review.item_{outcome}", "review_item", item.id, reason,
                         before=before, after=None,
                         details={"campaign_id": item.campaign_id, "user_id": item.user_id,
                                  "grant": item.snapshot})


CHUNK = 1000  # ids per IN list (a campaign over everyone may name thousands of users)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]


def active_assignments_of(session: Session, user_ids: list[int], now: datetime
                          ) -> list[tuple[RoleAssignment, Role]]:
    out: list[tuple[RoleAssignment, Role]] = []
    for chunk in _chunks(sorted(user_ids)):
        out += session.execute(
            select(RoleAssignment, Role).join(Role, Role.id == RoleAssignment.role_id)
            .where(RoleAssignment.user_id.in_(chunk))
            .where(RoleAssignment.expires_at.is_(None) | (RoleAssignment.expires_at > now))
            .order_by(RoleAssignment.user_id, RoleAssignment.id)).tuples().all()
    return out


def active_user_shares_of(session: Session, user_ids: list[int], now: datetime) -> list[Share]:
    out: list[Share] = []
    for chunk in _chunks(sorted(user_ids)):
        out += session.scalars(
            select(Share).where(Share.principal_kind == "user", Share.principal_id.in_(chunk))
            .where(Share.expires_at.is_(None) | (Share.expires_at > now))
            .order_by(Share.principal_id, Share.id)).all()
    return out
