"""Applying a document: one serialised transaction that writes every change of the plan
or none, one audit event per changed item (before and after, in the shape the admin API
logs) and one summary event; the policy version moves once when access changes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, select, update

from vouch.access.admin.change import admin_change, clean_reason
from vouch.access.admin.removal import delete_shares_to
from vouch.access.admin.role_parts import write_role_parts
from vouch.access.admin.roles import refuse_new_system_permissions_for_holders, role_document
from vouch.access.admin.rules import RULE_KINDS, rule_dict, validate_principals
from vouch.access.models import (
    FieldRule,
    Grant,
    RestrictionRule,
    Role,
    RoleAssignment,
    RoleDepartment,
    RolePermission,
    SharingRule,
)
from vouch.access.service import bump_policy_version, policy_version
from vouch.audit import service as audit
from vouch.configcode.diff import ItemChange, counts
from vouch.configcode.document import FORMAT
from vouch.configcode.plan import Plan, plan_import
from vouch.configcode.problems import Problems, problems_error, under
from vouch.configcode.rules import RULE_SECTIONS
from vouch.configcode.workflow import DEFAULT_POLICY
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, VouchError
from vouch.workflow.common import audit_event
from vouch.workflow.models import ApprovalPolicy, RoleConflict, Setting
from vouch.workflow.policies import create_policy, delete_policy, update_policy
from vouch.workflow.settings import (
    KEY as SETTINGS_KEY,
)
from vouch.workflow.settings import (
    conflict_dict,
    create_conflict,
    delete_conflict,
    update_settings,
)

SOURCE = "config import"
ACCESS_SECTIONS = ("roles", *RULE_SECTIONS)


def check_version(current: int, expect_version: int | None) -> None:
    """Optimistic concurrency over the whole configuration: the document was exported
    at `expect_version`, and nothing that changes access may have happened since."""
    if expect_version is not None and expect_version != current:
        raise Conflict(
            f"the configuration changed since the document was exported (policy version "
            f"{current}, the document expects {expect_version}); export it again and "
            "repeat your edit", {"field": "expect_version", "object": "policy",
                                 "current_version": current, "sent_version": expect_version},
            type=ErrorType.STALE_VERSION)


def apply_import(ctx: RequestContext, source: str | bytes | Mapping[str, Any],
                 reason: object, expect_version: int | None = None) -> dict[str, Any]:
    """Make the configuration what the document says, or change nothing (422 naming
    every problem's path, 409 when the state refuses it or the version moved)."""
    ctx.require("manage_roles")
    why = clean_reason(reason)
    with admin_change(ctx):
        before_version = policy_version(ctx.session)
        check_version(before_version, expect_version)
        plan = plan_import(ctx.session, source, ctx.now)
        if plan.problems:
            raise problems_error(plan.problems)
        if plan.changes:
            _Writer(ctx, plan, why).run()
            if any(c.section in ACCESS_SECTIONS for c in plan.changes):
                bump_policy_version(ctx.session)
            after_version = policy_version(ctx.session)
            audit.record(ctx.session, ctx.origin, "config.imported", object="config",
                         reason=why, at=ctx.now, details={
                             "format": FORMAT, "source": SOURCE,
                             "counts": counts(plan.changes),
                             "items": [f"{c.change} {c.section} {c.key}"
                                       for c in plan.changes],
                             "policy_version": {"before": before_version,
                                                "after": after_version},
                             "document_policy_version": plan.document_version})
        else:
            after_version = before_version
    return plan.summary() | {"applied": bool(plan.changes), "policy_version": after_version,
                             "policy_version_before": before_version}


class _Writer:
    """Writes a plan: removals first (what depends on a role before the role), then roles,
    then what names roles (rules, policies, pairs), then the settings."""

    def __init__(self, ctx: RequestContext, plan: Plan, reason: str) -> None:
        self.ctx, self.plan, self.reason = ctx, plan, reason
        self.session = ctx.session
        self.d = plan.directory

    def changes(self, section: str, *kinds: str) -> list[ItemChange]:
        return [c for c in self.plan.changes if c.section == section and c.change in kinds]

    def run(self) -> None:
        for c in self.changes("approval_policies", "removed"):
            self.policy(c)
        for c in self.changes("role_conflicts", "removed"):
            self.conflict(c)
        for section in RULE_SECTIONS:
            for c in self.changes(section, "removed"):
                self.remove_rule(section, c)
        for c in self.changes("roles", "removed"):
            self.remove_role(c)
        for c in self.changes("roles", "added", "changed"):
            self.write_role(c)
        for section in RULE_SECTIONS:
            for c in self.changes(section, "added", "changed"):
                self.write_rule(section, c)
        for c in self.changes("approval_policies", "added", "changed"):
            self.policy(c)
        for c in self.changes("role_conflicts", "added", "changed"):
            self.conflict(c)
        if self.changes("settings", "changed"):
            self.settings()

    def details(self, change: ItemChange) -> dict[str, Any]:
        return {"source": SOURCE, "changed": [f.path for f in change.fields]}

    @contextmanager
    def at(self, path: str) -> Iterator[None]:
        """A use case's refusal, named by the document's path."""
        try:
            yield
        except VouchError as exc:
            problems = Problems()
            problems.items.append(Problems.from_error(exc, under(path)))
            if exc.status in (401, 403):
                raise
            raise problems_error(problems.items) from None

    # --- roles ---------------------------------------------------------------------------

    def remove_role(self, change: ItemChange) -> None:
        role_id = self.plan.live_role_ids[change.key]
        role = self.session.get(Role, role_id)
        assert role is not None
        before = role_document(self.session, role)
        shares = delete_shares_to(self.session, ("role",), (role_id,))
        for model in (RoleAssignment, Grant, FieldRule, RolePermission, RoleDepartment):
            self.session.execute(delete(model).where(model.role_id == role_id))
        self.session.execute(delete(Role).where(Role.id == role_id))
        audit.record(self.session, self.ctx.origin, "access.role_deleted", object="role",
                     record_id=role_id, reason=self.reason, before=before, at=self.ctx.now,
                     details=self.details(change) | {"shares_removed": shares})

    def write_role(self, change: ItemChange) -> None:
        role_in = self.plan.roles[change.key]
        scalars = {"name": role_in.name, "name_en": role_in.name_en,
                   "description": role_in.description, "delegable": role_in.delegable}
        if change.change == "added":
            role = Role(key=change.key, created_at=self.ctx.now, version=1, **scalars)
            self.session.add(role)
            self.session.flush()
            before = None
            self.d.role_created(change.key, role.id)
        else:
            role_id = self.plan.live_role_ids[change.key]
            found = self.session.get(Role, role_id)
            assert found is not None
            role, before = found, role_document(self.session, found)
            refuse_new_system_permissions_for_holders(
                self.ctx, role_id, set(role_in.parts["permissions"]) - set(before["permissions"]))
            self.session.execute(update(Role).where(Role.id == role_id).values(
                version=Role.version + 1, **scalars).execution_options(
                    synchronize_session=False))
            self.session.refresh(role)
        write_role_parts(self.session, role.id, role_in.parts)
        after = role_document(self.session, role)
        action = "access.role_created" if before is None else "access.role_updated"
        audit.record(self.session, self.ctx.origin, action, object="role",
                     record_id=role.id, reason=self.reason, before=before, after=after,
                     at=self.ctx.now, details=self.details(change))

    # --- rules ---------------------------------------------------------------------------

    def remove_rule(self, section: str, change: ItemChange) -> None:
        model, label = RULE_KINDS[RULE_SECTIONS[section]]
        rule_id = self.plan.live_rule_ids[section][change.key]
        before = rule_dict(self.rule_row(model, rule_id))
        self.session.execute(delete(model).where(model.id == rule_id))
        audit.record(self.session, self.ctx.origin, f"access.{label}_deleted", object=label,
                     record_id=rule_id, reason=self.reason, before=before, at=self.ctx.now,
                     details=self.details(change))

    def write_rule(self, section: str, change: ItemChange) -> None:
        model, label = RULE_KINDS[RULE_SECTIONS[section]]
        rule_in = self.plan.rules[section][change.key]
        principals = [{"kind": "all"} if p["kind"] == "all" else {
            "kind": p["kind"],
            "id": p["id"] if p.get("id") is not None else self.d.roles_by_key[p["key"]]}
            for p in rule_in.principals]
        with self.at(f"{rule_in.path}.principals"):
            principals = validate_principals(self.session, principals)
        values = rule_in.values | {"principals": principals}
        if change.change == "added":
            row = model(**values, version=1)
            self.session.add(row)
            self.session.flush()
            rule_id, before = row.id, None
        else:
            rule_id = self.plan.live_rule_ids[section][change.key]
            row = self.rule_row(model, rule_id)
            before = rule_dict(row)
            self.session.execute(update(model).where(model.id == rule_id).values(
                version=model.version + 1, **values).execution_options(
                    synchronize_session=False))
            self.session.refresh(row)
        verb = "created" if before is None else "updated"
        audit.record(self.session, self.ctx.origin, f"access.{label}_{verb}", object=label,
                     record_id=rule_id, reason=self.reason, before=before,
                     after=rule_dict(row), at=self.ctx.now, details=self.details(change))

    def rule_row(self, model: Any, rule_id: int) -> SharingRule | RestrictionRule:
        row: SharingRule | RestrictionRule | None = self.session.get(model, rule_id)
        assert row is not None  # read in this transaction, under the admin lock
        return row

    # --- approval policies, pairs and settings: the workflow's own use cases -------------

    def role_id(self, key: str) -> int:
        """A role's id: one the document keeps or adds, or (for what is removed) one that
        the document drops."""
        if key in self.d.roles_by_key:
            return self.d.roles_by_key[key]
        return self.plan.live_role_ids[key]

    def policy(self, change: ItemChange) -> None:
        role_key = None if change.key == DEFAULT_POLICY else change.key
        row = None
        if change.change != "added":
            role_id = self.role_id(role_key) if role_key is not None else None
            row = self.session.scalars(select(ApprovalPolicy).where(
                ApprovalPolicy.role_id == role_id if role_id is not None
                else ApprovalPolicy.role_id.is_(None))).one()
        if change.change == "removed":
            assert row is not None
            delete_policy(self.ctx, row.id, row.version, self.reason)
            return
        policy_in = self.plan.policies[change.key]
        values = dict(policy_in.values)
        values["steps"] = [s | ({"role_id": self.role_id(policy_in.step_roles[i])}
                                if i in policy_in.step_roles else {})
                           for i, s in enumerate(values["steps"])]
        with self.at(policy_in.path):
            if row is None:
                role_id = self.role_id(role_key) if role_key is not None else None
                create_policy(self.ctx, values | {"role_id": role_id}, self.reason)
            else:
                update_policy(self.ctx, row.id, values, row.version, self.reason)

    def conflict(self, change: ItemChange) -> None:
        a, b = sorted(self.role_id(k) for k in (change.after or change.before or {})["roles"])
        row = self.session.scalars(select(RoleConflict).where(
            RoleConflict.role_a_id == a, RoleConflict.role_b_id == b)).first()
        if change.change == "removed":
            assert row is not None
            delete_conflict(self.ctx, row.id, self.reason)
            return
        pair = self.plan.conflicts[change.key]
        reason = pair.item["reason"] or self.reason
        with self.at(pair.path):
            if row is None:
                create_conflict(self.ctx, a, b, reason)
                return
            before = conflict_dict(self.ctx, row)
            row.reason = reason
            self.session.flush()
            audit_event(self.session, self.ctx.origin, "workflow.role_conflict_updated",
                        self.ctx.now, object="role_conflict", record_id=row.id,
                        reason=self.reason, before=before, after=conflict_dict(self.ctx, row))

    def settings(self) -> None:
        row = self.session.get(Setting, SETTINGS_KEY)
        with self.at("settings"):
            update_settings(self.ctx, self.plan.settings or {},
                            row.version if row is not None else 1, self.reason)

