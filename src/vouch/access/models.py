"""Access configuration as data: roles, grants, field rules, assignments, shares, rules,
enforcement windows, and the policy version every compiled profile is keyed by."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
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


class Role(Base):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    delegable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class RolePermission(Base):
    """A system permission (catalog.SYSTEM_PERMISSIONS) carried by a role."""

    __tablename__ = "role_permissions"

    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"),
                                         primary_key=True)
    permission: Mapped[str] = mapped_column(String(40), primary_key=True)


class RoleDepartment(Base):
    """Departments (with their subtrees) whose members may hold the role; none = any."""

    __tablename__ = "role_departments"

    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"),
                                         primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)


class Grant(Base):
    """role × object × action → scope. Object actions (create, import) use scope `all`."""

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    object: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(20))

    __table_args__ = (UniqueConstraint("role_id", "object", "action"),)


class FieldRule(Base):
    """role × (object, field) or (object, sensitivity class) → level."""

    __tablename__ = "field_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    object: Mapped[str] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(60))
    sensitivity: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10))

    __table_args__ = (
        UniqueConstraint("role_id", "object", "field", "sensitivity"),
        CheckConstraint("(field IS NULL) <> (sensitivity IS NULL)", name="field_or_class"),
    )


class RoleAssignment(Base):
    __tablename__ = "role_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    # The approved request this assignment came from (workflow), if any.
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("access_requests.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("user_id", "role_id"),)


class Share(Base):
    """A manual share of one record with a principal (user, role, department[_tree])."""

    __tablename__ = "shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    object: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    principal_kind: Mapped[str] = mapped_column(String(20))
    principal_id: Mapped[int] = mapped_column(Integer)
    access: Mapped[str] = mapped_column(String(12))
    shared_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    # The approved request this share came from (workflow), if any.
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("access_requests.id", ondelete="SET NULL"))

    __table_args__ = (
        Index("ix_shares_record", "object", "record_id"),
        Index("ix_shares_principal", "principal_kind", "principal_id", "object", "record_id"),
    )


class SharingRule(Base):
    """Records of `object` matching `condition` are shared with `principals` at `access`."""

    __tablename__ = "sharing_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    object: Mapped[str] = mapped_column(String(40))
    condition: Mapped[Any] = mapped_column(JSON)
    principals: Mapped[Any] = mapped_column(JSON)
    access: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)


class RestrictionRule(Base):
    """Records of `object` matching `condition` are inaccessible to `principals`."""

    __tablename__ = "restriction_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    object: Mapped[str] = mapped_column(String(40))
    condition: Mapped[Any] = mapped_column(JSON)
    principals: Mapped[Any] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)


class EnforcementWindow(Base):
    """A time-limited opening of record scope on one object (behaviour: PERMISSIONS.md)."""

    __tablename__ = "enforcement_windows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    object: Mapped[str] = mapped_column(String(40))
    actions: Mapped[Any] = mapped_column(JSON)
    principals: Mapped[Any] = mapped_column(JSON)
    ip_ranges: Mapped[Any] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text)
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    backup_id: Mapped[str | None] = mapped_column(String(200))


class PolicyState(Base):
    """One row: the policy version, bumped in the same transaction as any change that can
    alter a decision."""

    __tablename__ = "policy_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=1)
