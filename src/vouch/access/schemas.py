"""Request bodies of the access administration routes. Shapes only: names are checked
against the catalog by the service, whose errors name the JSON path (`grants[2].scope`,
`condition.and[1].value`, `principals[0].id`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MAX_ID = 2**31 - 1
Reason = Field(min_length=1, max_length=2000, description="why: written to the audit log")
Version = Field(ge=1, le=MAX_ID, description="the version you read; a stale one gets 409")
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
Name = Field(max_length=100)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReasonOnly(Body):
    reason: str = Reason


class ReasonAndVersion(Body):
    reason: str = Reason
    version: int = Version


class GrantIn(Body):
    object: str = Field(max_length=40)
    action: str = Field(max_length=20)
    scope: str = Field(max_length=20)


class FieldRuleIn(Body):
    object: str = Field(max_length=40)
    field: str | None = Field(default=None, max_length=60)
    sensitivity: str | None = Field(default=None, max_length=20)
    level: str = Field(max_length=10)


Grants: Any = Field(default_factory=list, max_length=1000,
               description="object × action → scope (none, own, reports, department, "
                           "department_tree, all)")
FieldRules: Any = Field(default_factory=list, max_length=2000,
                   description="a level (hidden, masked, read, edit) for a field or a "
                               "sensitivity class of an object")
Permissions: Any = Field(default_factory=list, max_length=50)
Departments: Any = Field(default_factory=list, max_length=1000,
                    description="the departments (with their subtrees) whose members may "
                                "hold the role; empty: anyone")


class RoleCreate(Body):
    key: str = Field(max_length=64)
    name: str = Name
    name_en: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=4000)
    delegable: bool = False
    grants: list[GrantIn] = Grants
    field_rules: list[FieldRuleIn] = FieldRules
    permissions: list[str] = Permissions
    departments: list[DbId] = Departments
    reason: str = Reason


class RoleUpdate(Body):
    """Lists given here replace the role's lists as a whole."""

    name: str | None = Field(default=None, max_length=100)
    name_en: str | None = Field(default=None, max_length=100)
    description: str | None = Field(default=None, max_length=4000)
    delegable: bool | None = None
    grants: list[GrantIn] | None = Field(default=None, max_length=1000)
    field_rules: list[FieldRuleIn] | None = Field(default=None, max_length=2000)
    permissions: list[str] | None = Field(default=None, max_length=50)
    departments: list[DbId] | None = Field(default=None, max_length=1000)
    reason: str = Reason
    version: int = Version


class AssignmentCreate(Body):
    user_id: DbId
    role_id: DbId
    expires_at: AwareDatetime | None = None
    reason: str = Reason


class AssignmentUpdate(Body):
    expires_at: AwareDatetime | None = Field(description="a future instant, or null for none")
    reason: str = Reason


class PrincipalIn(Body):
    kind: str = Field(max_length=20, description="user, role, department, department_tree "
                      "or all")
    id: DbId | None = None


Condition = Field(description="the rule condition language (docs: PERMISSIONS.md); for "
                  'example {"field": "industry", "op": "eq", "value": "finance"}')


class RuleFields(Body):
    name: str = Name
    object: str = Field(max_length=40)
    condition: Any = Condition
    principals: list[PrincipalIn] = Field(max_length=200)
    active: bool = True
    description: str | None = Field(default=None, max_length=4000)
    reason: str = Reason


class SharingRuleCreate(RuleFields):
    access: str = Field(max_length=12, description="read or read_write")


class RestrictionRuleCreate(RuleFields):
    pass


class RuleUpdate(Body):
    name: str | None = Field(default=None, max_length=100)
    object: str | None = Field(default=None, max_length=40)
    condition: Any = None
    principals: list[PrincipalIn] | None = Field(default=None, max_length=200)
    active: bool | None = None
    description: str | None = Field(default=None, max_length=4000)
    reason: str = Reason
    version: int = Version


class SharingRuleUpdate(RuleUpdate):
    access: str | None = Field(default=None, max_length=12)


class RestrictionRuleUpdate(RuleUpdate):
    pass
