"""Request bodies and answers of the access-review and dormant-permission routes. Bodies
are shapes only (the service checks what values mean and names the field); answers are
declared so that the OpenAPI document describes them for the console."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MAX_ID = 2**31 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
Reason = Field(min_length=1, max_length=2000, description="why: written to the audit log")
Version = Field(ge=1, le=MAX_ID, description="the version you read; a stale one gets 409")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CampaignCreate(Body):
    name: str = Field(max_length=200, description="e.g. 2026 Q4 review of Sales")
    scope: Literal["all", "department", "roles"] = Field(
        description="all active users; a department and the departments below it; or the "
                    "holders of the given roles")
    department_id: DbId | None = Field(default=None, description="the department (scope "
                                       "department only)")
    role_ids: list[DbId] | None = Field(default=None, max_length=100,
                                        description="the roles (scope roles only)")
    deadline: AwareDatetime = Field(description="when undecided items follow on_deadline")
    on_deadline: Literal["keep", "revoke"] = Field(
        default="keep", description="what happens to undecided items at the deadline")
    reason: str = Reason


class CertifyBody(Body):
    version: int = Version
    reason: str | None = Field(default=None, max_length=2000,
                               description="optional note, written to the audit log")


class RevokeBody(Body):
    version: int = Version
    reason: str = Reason


class CloseBody(Body):
    version: int = Version
    reason: str = Reason
    undecided: Literal["keep", "revoke"] | None = Field(
        default=None, description="what happens to undecided items (default: the "
                                  "campaign's on_deadline)")


# --- answers -------------------------------------------------------------------------------


class Person(BaseModel):
    id: int
    username: str
    display_name: str | None = None
    active: bool | None = None


Outcome = Literal["certified", "revoked", "gone", "kept_at_deadline", "revoked_at_deadline",
                  "kept_at_close", "revoked_at_close"]


class Progress(BaseModel):
    total: int
    pending: int = Field(description="items without an outcome yet")
    certified: int = Field(description="items a reviewer certified")
    revoked: int = Field(description="items a reviewer revoked")
    outcomes: dict[str, int] = Field(description="count per outcome: certified, revoked, "
                                     "gone (the grant had ended before the decision), "
                                     "kept_at_deadline, revoked_at_deadline, kept_at_close, "
                                     "revoked_at_close")


class ReviewerProgress(Progress):
    reviewer: Person | None


class Scope(BaseModel):
    kind: Literal["all", "department", "roles"]
    department_id: int | None
    role_ids: list[int]


class Campaign(BaseModel):
    id: int
    name: str
    scope: Scope
    deadline: str | None
    on_deadline: Literal["keep", "revoke"]
    status: Literal["open", "closed"]
    reason: str
    created_by: Person | None
    created_at: str | None
    closed_at: str | None
    closed_early: bool
    version: int
    progress: Progress


class CampaignDetail(Campaign):
    by_reviewer: list[ReviewerProgress]


class CampaignPage(BaseModel):
    items: list[Campaign]
    next_cursor: str | None


class Grant(BaseModel):
    """The grant as it was when the campaign started. Assignments carry the role_*
    fields, shares the object/record ones; `record_name` is the reader's own view of the
    record now (null when they may not view it)."""

    assignment_id: int | None = None
    role_id: int | None = None
    role_key: str | None = None
    role_name: str | None = None
    role_name_en: str | None = None
    granted_at: str | None = None
    granted_by: int | None = None
    share_id: int | None = None
    object: str | None = None
    record_id: int | None = None
    record_name: str | None = None
    access: str | None = None
    created_at: str | None = None
    shared_by: int | None = None
    share_reason: str | None = None
    expires_at: str | None = None
    request_id: int | None = None


class CampaignRef(BaseModel):
    id: int
    name: str
    deadline: str | None
    on_deadline: Literal["keep", "revoke"]
    status: Literal["open", "closed"]


class Item(BaseModel):
    id: int
    campaign_id: int
    kind: Literal["assignment", "share"]
    user: Person | None
    reviewer: Person | None
    assignment_id: int | None
    share_id: int | None
    grant: Grant
    decision: Literal["certify", "revoke"] | None
    decided_by: Person | None
    decided_at: str | None
    reason: str | None
    outcome: Outcome | None
    pending: bool
    version: int
    campaign: CampaignRef | None = None


class ItemPage(BaseModel):
    items: list[Item]
    next_cursor: str | None


class MyCampaign(BaseModel):
    id: int
    name: str
    deadline: str | None
    on_deadline: Literal["keep", "revoke"]
    pending: int


class MyReviews(BaseModel):
    pending: int = Field(description="items waiting for my decision, across open campaigns")
    campaigns: list[MyCampaign]
    items: list[Item]
    next_cursor: str | None


class RoleRef(BaseModel):
    id: int
    key: str | None
    name: str | None
    name_en: str | None


class RoleProgress(Progress):
    role: RoleRef


class Report(BaseModel):
    campaign: Campaign
    by_reviewer: list[ReviewerProgress]
    by_role: list[RoleProgress]
    shares: Progress
    revocations: list[Item]


# --- dormant permissions -------------------------------------------------------------------


class DormantGrant(BaseModel):
    object: str
    action: str
    scope: str
    last_exercised: str | None
    dormant: bool
    evidence: Literal["audited", "partial"] = Field(
        description="partial for view: reads are audited only for sensitive fields")


class DormantRole(BaseModel):
    id: int
    key: str
    name: str
    name_en: str | None


class DormantAssignment(BaseModel):
    assignment_id: int
    role: DormantRole
    granted_at: str | None
    expires_at: str | None
    grants: list[DormantGrant]
    total: int
    dormant: int


class DormantUser(BaseModel):
    user: Person
    roles: list[DormantAssignment]
    dormant: int


class DormantSummary(BaseModel):
    users: int
    assignments: int
    grants: int
    dormant: int


class DormantReport(BaseModel):
    days: int
    as_of: str | None
    cutoff: str | None
    note: str = Field(description="what the audit log can and cannot tell")
    evidence: dict[str, list[str]] = Field(description="audit action → grant actions it "
                                           "counts as exercising")
    users: list[DormantUser]
    summary: DormantSummary
    next_cursor: str | None
