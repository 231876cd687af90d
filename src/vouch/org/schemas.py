"""Request bodies of the organisation's administration routes. Shapes only: what a value
means (a department that exists, a manager without a cycle) is the service's check."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_ID = 2**31 - 1
Reason = Field(min_length=1, max_length=2000, description="why: written to the audit log")
Version = Field(ge=1, le=MAX_ID, description="the version you read; a stale one gets 409")
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReasonAndVersion(Body):
    reason: str = Reason
    version: int = Version


class DepartmentCreate(Body):
    name: str = Field(max_length=100)
    name_en: str | None = Field(default=None, max_length=100)
    parent_id: DbId
    head_id: DbId | None = None
    reason: str = Reason


class DepartmentUpdate(Body):
    name: str | None = Field(default=None, max_length=100)
    name_en: str | None = Field(default=None, max_length=100)
    parent_id: DbId | None = None
    head_id: DbId | None = None
    reason: str = Reason
    version: int = Version


class UserCreate(Body):
    username: str = Field(max_length=64)
    display_name: str = Field(max_length=100)
    department_id: DbId
    manager_id: DbId | None = None
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    hire_date: date | None = None
    password: str | None = Field(default=None, max_length=1024)
    reason: str = Reason


class UserUpdate(Body):
    display_name: str | None = Field(default=None, max_length=100)
    manager_id: DbId | None = None
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    hire_date: date | None = None
    password: str | None = Field(default=None, max_length=1024)
    reason: str = Reason
    version: int = Version


class UserMove(Body):
    department_id: DbId
    manager_id: DbId | None = Field(default=None, description="omit to keep the manager; "
                                   "null for none")
    records: Literal["follow", "stay"] = Field(description="follow: the user's records move "
                                               "to the new department; stay: they keep it")
    end_assignment_ids: list[DbId] | None = Field(
        default=None, max_length=1000,
        description="the user's active role assignments that end; omit for those of roles "
                    "the new department does not allow (which must end in any case)")
    reason: str = Reason
    version: int = Version


class UserDeactivate(Body):
    successor_id: DbId | None = Field(default=None, description="the active user who "
                                      "receives the records; omit for the user's manager")
    reason: str = Reason
    version: int = Version
