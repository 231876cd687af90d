"""The permission lifecycle as data (WORKFLOW.md): settings, conflicting role pairs,
approval policies, access requests with their decisions, notifications, and access-review
campaigns with their items.

Grants created by an approved request point back to it (`role_assignments.request_id`,
`shares.request_id`, declared in access/models.py). Training records, which
preconditions read, live in org/models.py (`TrainingRecord`: user, course, completed at)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from vouch.base import Base
from vouch.types import UTCDateTime, utcnow


class Setting(Base):
    """One named setting of the organisation (e.g. `two_person_rule`, `expiry_notice_days`);
    the value is JSON, the version guards concurrent edits."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)


class RoleConflict(Base):
    """Two roles nobody may hold together (separation of duties). Stored once per pair,
    with the smaller role id first."""

    __tablename__ = "role_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_a_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    role_b_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        UniqueConstraint("role_a_id", "role_b_id"),
        CheckConstraint("role_a_id < role_b_id", name="ordered_pair"),
    )


class ApprovalPolicy(Base):
    """How requests for one role are approved and what the requester must meet first.

    `role_id` NULL is the default policy (roles without their own, and record requests).
    `steps` is an ordered JSON list of approver specs:
    `{"approver": "manager" | "department_head" | "permission" | "role",
      "permission": <system permission>, "role_id": <role id>}`."""

    __tablename__ = "approval_policies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_id: Mapped[int | None] = mapped_column(
        ForeignKey("roles.id", ondelete="CASCADE"), unique=True)
    steps: Mapped[Any] = mapped_column(JSON)
    step_deadline_hours: Mapped[int] = mapped_column(Integer, default=72)
    on_deadline: Mapped[str] = mapped_column(String(12), default="escalate")
    required_courses: Mapped[Any] = mapped_column(JSON, default=list)
    probation_days: Mapped[int | None] = mapped_column(Integer)
    max_days: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint("on_deadline IN ('escalate', 'expire')", name="on_deadline"),
    )


class AccessRequest(Base):
    """A request for a role (optionally until `ends_at`), for access to one record, a
    reported problem with one's access, or — under the two-person rule — an
    administrator's direct grant waiting for a second administrator.

    `beneficiary_id` is who would get the access (the requester, except for direct
    grants). `steps` is the approver chain resolved when the request was made (or last
    resubmitted); `current_step` indexes it and `step_due_at` is its deadline."""

    __tablename__ = "access_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="SET NULL"))
    object: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[int | None] = mapped_column(Integer)
    access: Mapped[str | None] = mapped_column(String(12))
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    context: Mapped[Any] = mapped_column(JSON, default=dict)
    steps: Mapped[Any] = mapped_column(JSON, default=list)
    current_step: Mapped[int] = mapped_column(Integer, default=0)
    step_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint("kind IN ('role', 'record', 'problem', 'grant')", name="kind"),
        CheckConstraint(
            "status IN ('pending', 'changes_requested', 'approved', 'rejected', "
            "'withdrawn', 'expired')", name="status"),
        Index("ix_access_requests_requester", "requester_id", "status"),
        Index("ix_access_requests_status", "status", "step_due_at"),
    )


class RequestDecision(Base):
    """One entry of a request's history: a step approved, rejected or sent back, a
    withdrawal, a resubmission, an escalation or expiry at a deadline."""

    __tablename__ = "request_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("access_requests.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(Base):
    """A message to one user, stored and shown in the console (and e-mailed when SMTP is
    configured). `dedupe_key` makes generated notices ("your role ends in 7 days") idempotent."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[Any] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)

    __table_args__ = (Index("ix_notifications_user", "user_id", "read_at", "id"),)


class ReviewCampaign(Base):
    """An access review over all users, a department subtree (`department_id`) or the
    holders of given roles (`role_ids`). Undecided items at `deadline` are kept or revoked
    per `on_deadline`."""

    __tablename__ = "review_campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scope_kind: Mapped[str] = mapped_column(String(12))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"))
    role_ids: Mapped[Any] = mapped_column(JSON, default=list)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    on_deadline: Mapped[str] = mapped_column(String(8), default="keep")
    status: Mapped[str] = mapped_column(String(8), default="open")
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint("scope_kind IN ('all', 'department', 'roles')", name="scope_kind"),
        CheckConstraint("on_deadline IN ('keep', 'revoke')", name="on_deadline"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
    )


class ReviewItem(Base):
    """One role assignment or share of one user, to be certified or revoked by a reviewer.

    `snapshot` keeps what was reviewed (role, record, principal, expiry) so the report
    still reads after the grant is gone; `outcome` is what happened in the end."""

    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("review_campaigns.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(12))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("role_assignments.id", ondelete="SET NULL"))
    share_id: Mapped[int | None] = mapped_column(ForeignKey("shares.id", ondelete="SET NULL"))
    snapshot: Mapped[Any] = mapped_column(JSON, default=dict)
    decision: Mapped[str | None] = mapped_column(String(8))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        CheckConstraint("kind IN ('assignment', 'share')", name="kind"),
        CheckConstraint("decision IS NULL OR decision IN ('certify', 'revoke')",
                        name="decision"),
        Index("ix_review_items_campaign", "campaign_id", "reviewer_id"),
        Index("ix_review_items_reviewer", "reviewer_id", "decision"),
    )


__all__ = ["AccessRequest", "ApprovalPolicy", "Notification", "RequestDecision",
           "ReviewCampaign", "ReviewItem", "RoleConflict", "Setting"]
