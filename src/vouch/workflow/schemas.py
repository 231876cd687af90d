"""Request bodies and answers of the workflow routes. Shapes only: the services check
names and combinations, naming the field (`steps[1].permission`, `days`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MAX_ID = 2**31 - 1
Reason = Field(min_length=1, max_length=2000, description="why: written to the audit log")
OptionalReason = Field(default=None, max_length=2000, description="a note (optional)")
Version = Field(ge=1, le=MAX_ID, description="the version you read; a stale one gets 409")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- settings, conflicts, trainings ----------------------------------------------------------


class WorkflowSettingsUpdate(Body):
    two_person_rule: bool | None = Field(
        default=None, description="a direct grant of a role carrying a system permission "
                                  "needs a second administrator's approval")
    expiry_notice_days: int | None = Field(default=None, ge=0, le=365,
                                           description="notify users this many days before "
                                                       "a grant ends (0: never)")
    version: int = Version
    reason: str = Reason


class WorkflowSettingsOut(Out):
    two_person_rule: bool
    expiry_notice_days: int
    version: int
    updated_at: str | None
    updated_by: int | None


class UserBrief(Out):
    id: int
    username: str
    display_name: str


class RoleBrief(Out):
    id: int
    key: str
    name: str
    name_en: str | None


class RoleConflictCreate(Body):
    role_a_id: int = Field(ge=1, le=MAX_ID)
    role_b_id: int = Field(ge=1, le=MAX_ID)
    reason: str = Reason


class RoleConflictOut(Out):
    id: int
    role_a: RoleBrief | None
    role_b: RoleBrief | None
    reason: str | None
    created_at: str | None
    created_by: int | None
    holders_of_both: list[UserBrief] = Field(
        description="users who hold both now (the pair stops new grants; end these by hand "
                    "or in a review)")


class RoleConflictList(Out):
    items: list[RoleConflictOut]


class ReasonBody(Body):
    reason: str = Reason


class TrainingCreate(Body):
    course: str = Field(min_length=1, max_length=100)
    completed_at: AwareDatetime | None = Field(default=None,
                                               description="when (default: now; not future)")
    reason: str = Reason


class TrainingOut(Out):
    id: int
    user_id: int
    course: str
    completed_at: str | None


class TrainingList(Out):
    user_id: int
    items: list[TrainingOut]


# --- approval policies -------------------------------------------------------------------------


class StepIn(Body):
    approver: str = Field(max_length=20, description="manager, department_head, permission "
                                                     "or role")
    permission: str | None = Field(default=None, max_length=40,
                                   description="for a permission step: its holders approve")
    role_id: int | None = Field(default=None, ge=1, le=MAX_ID,
                                description="for a role step: its holders approve")


class PolicyFields(Body):
    step_deadline_hours: int | None = Field(default=None, ge=1, le=24 * 90)
    on_deadline: str | None = Field(default=None, max_length=12,
                                    description="escalate (to the next approver in line) or "
                                                "expire")
    required_courses: list[str] | None = Field(default=None, max_length=20)
    probation_days: int | None = Field(default=None, ge=1, le=3650)
    max_days: int | None = Field(default=None, ge=1, le=3650,
                                 description="requests must be time-limited, to at most this")
    description: str | None = Field(default=None, max_length=4000)


class PolicyCreate(PolicyFields):
    role_id: int | None = Field(default=None, ge=1, le=MAX_ID,
                                description="the role; null: the default policy")
    steps: list[StepIn] = Field(min_length=1, max_length=10)
    reason: str = Reason


class PolicyUpdate(PolicyFields):
    steps: list[StepIn] | None = Field(default=None, min_length=1, max_length=10)
    version: int = Version
    reason: str = Reason


class StepOut(Out):
    approver: str | None
    permission: str | None
    role_id: int | None


class EffectivePolicyOut(Out):
    source: str = Field(description="role (its own policy), default (the default row) or "
                                    "builtin")
    policy_id: int | None
    steps: list[StepOut]
    step_deadline_hours: int
    on_deadline: str
    required_courses: list[str]
    probation_days: int | None
    max_days: int | None


class PolicyOut(Out):
    id: int
    role_id: int | None
    role: RoleBrief | None
    steps: list[StepOut]
    step_deadline_hours: int
    on_deadline: str
    required_courses: list[str]
    probation_days: int | None
    max_days: int | None
    description: str | None
    version: int


class PolicyList(Out):
    items: list[PolicyOut]
    default: EffectivePolicyOut


# --- requests ----------------------------------------------------------------------------------


class RequestIn(Body):
    kind: Literal["role", "record"]
    role_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    days: int | None = Field(default=None, ge=1, le=3650,
                             description="time-limited: this many days from approval")
    ends_at: AwareDatetime | None = Field(default=None, description="time-limited: until")
    object: str | None = Field(default=None, max_length=40)
    record_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    access: str | None = Field(default=None, max_length=12, description="read or read_write")


class RequestCreate(RequestIn):
    reason: str = Reason


class DecisionBody(Body):
    version: int = Version
    reason: str | None = OptionalReason


class DecisionWithReason(Body):
    version: int = Version
    reason: str = Reason


class ResubmitBody(Body):
    version: int = Version
    reason: str = Reason
    days: int | None = Field(default=None, ge=1, le=3650)
    ends_at: AwareDatetime | None = None


class ProblemReport(Body):
    object: str | None = Field(default=None, max_length=40)
    action: str | None = Field(default=None, max_length=40)
    field: str | None = Field(default=None, max_length=60)
    record_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    message: str = Field(min_length=1, max_length=2000, description="what is wrong")


class PreconditionOut(Out):
    check: str
    passed: bool
    code: str = Field(description="department_allowed / department_not_allowed, "
                                  "training_completed / training_missing, probation_passed / "
                                  "probation / hire_date_missing, no_role_conflict / "
                                  "role_conflict, function_granted / function_missing, "
                                  "user_inactive, ends_at_passed")
    message: str
    params: dict[str, Any]


class CheckStepOut(Out):
    approver: str | None
    permission: str | None
    role: RoleBrief | None
    user: UserBrief | None


class RequestCheckOut(Out):
    ok: bool
    kind: str
    role: RoleBrief | None
    object: str | None
    record_id: int | None
    access: str | None
    preconditions: list[PreconditionOut]
    already_held: bool
    assignment_id: int | None
    open_request_id: int | None
    ends_at: str | None
    days: int | None
    policy: EffectivePolicyOut | None
    steps: list[CheckStepOut]


class RequestStepOut(Out):
    index: int
    approver: str | None
    permission: str | None
    role: RoleBrief | None
    user: UserBrief | None
    via: str | None
    escalated: bool
    state: str = Field(description="done, current or waiting")
    decided_by: UserBrief | None
    decided_at: str | None


class HistoryOut(Out):
    step: int
    decision: str = Field(description="approved, rejected, changes_requested, withdrawn, "
                                      "resubmitted, escalated or expired")
    reason: str | None
    at: str | None
    actor: UserBrief | None


class RequestOut(Out):
    id: int
    kind: str = Field(description="role, record, problem or grant")
    status: str = Field(description="pending, changes_requested, approved, rejected, "
                                    "withdrawn or expired")
    requester: UserBrief | None
    beneficiary: UserBrief | None
    role: RoleBrief | None
    object: str | None
    record_id: int | None
    record_name: str | None = Field(description="only for those who may view the record")
    access: str | None
    ends_at: str | None
    days: int | None
    reason: str
    context: dict[str, Any]
    steps: list[RequestStepOut]
    current_step: int
    step_due_at: str | None
    created_at: str | None
    updated_at: str | None
    decided_at: str | None
    version: int
    can: dict[str, bool]
    refusal: str | None = Field(description="why you may not decide it (pending requests)")


class RequestDetailOut(RequestOut):
    history: list[HistoryOut]
    current_approvers: list[UserBrief]
    current_approver_count: int
    preconditions: list[PreconditionOut] | None = None


class RequestPage(Out):
    items: list[RequestOut]
    next_cursor: str | None


class ApprovalsOut(Out):
    items: list[RequestOut]
    counts: dict[str, int]


# --- notifications -----------------------------------------------------------------------------


class NotificationOut(Out):
    id: int
    kind: str = Field(description="request.to_approve, problem.reported, "
                                  "request.step_approved, request.approved, request.rejected, "
                                  "request.changes_requested, request.expired, "
                                  "access.ending_soon")
    payload: dict[str, Any]
    created_at: str | None
    read_at: str | None
    emailed_at: str | None


class NotificationPage(Out):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class MarkedOut(Out):
    marked: int


class CountsOut(Out):
    my_pending_requests: int
    to_approve: int
    unread_notifications: int
    ending_soon: int


class EndingItem(Out):
    kind: str = Field(description="assignment or share")
    id: int
    expires_at: str | None
    days_left: int
    request_id: int | None


class EndingSoonOut(Out):
    days: int
    items: list[EndingItem]
