"""The what-if request envelope and answer, for the API's OpenAPI document and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_ID = 2**31 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


class ChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["role", "assignment", "sharing_rule", "restriction_rule"]
    op: Literal["create", "update", "delete"]
    id: DbId | None = Field(default=None, description="the role, assignment or rule to "
                            "update or delete; none for a create")
    body: dict[str, Any] = Field(
        default_factory=dict,
        description="exactly the body the real endpoint takes (POST, PATCH or DELETE of "
                    "/roles, /assignments, /sharing-rules, /restriction-rules), reason and "
                    "version included; it is validated the same way")


class WhatIfRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    change: ChangeIn


class ChangeOut(BaseModel):
    kind: str
    op: str
    id: int | None


class Note(BaseModel):
    code: Literal["new_role_unassigned", "role_unassigned", "rule_not_in_force",
                  "nobody_covered", "needs_second_approval"]
    message: str


class ScopeChangeOut(BaseModel):
    object: str
    action: str
    before: list[str] = Field(description="scopes granted before, narrowest first; empty: "
                              "not granted")
    after: list[str]


class FieldChangeOut(BaseModel):
    object: str
    field: str
    before: str = Field(description="hidden, masked, read or edit")
    after: str


class RecordChangeOut(BaseModel):
    object: str
    visible: int = Field(description="records the user would see and does not now")
    invisible: int = Field(description="records the user sees now and would not")


class AddedRemoved(BaseModel):
    added: list[str]
    removed: list[str]


class UserChangeOut(BaseModel):
    user_id: int
    username: str
    display_name: str
    department_id: int
    roles: AddedRemoved = Field(description="role keys the user would gain or lose")
    permissions: AddedRemoved = Field(description="system permissions gained or lost")
    scopes: list[ScopeChangeOut]
    fields: list[FieldChangeOut]
    records: list[RecordChangeOut]


class TotalsOut(BaseModel):
    users: int = Field(description="users the change could affect (holders, the assignee, "
                       "or the users the rule's principals cover before or after)")
    changed: int = Field(description="of those, users whose access would change")
    unchanged: int
    scope_changes: int = Field(description="(user, object, action) scopes that change")
    field_changes: int = Field(description="(user, object, field) levels that change")
    records: list[RecordChangeOut] = Field(description="per object, summed over users")


class WhatIfAnswer(BaseModel):
    change: ChangeOut
    policy_version: int = Field(description="the policy version the answer was computed "
                                "against; a save after a change of it may differ")
    computed_at: datetime
    notes: list[Note]
    totals: TotalsOut
    users: list[UserChangeOut] = Field(description="the users whose access would change, "
                                       "by username, one page (offset, limit)")
    offset: int
    limit: int
    next_offset: int | None
