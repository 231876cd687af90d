"""Reading a document against the live configuration: every problem with its path, and
what applying it would change. The same plan is shown by a dry run and carried out by an
apply (which makes it again inside its transaction, so it acts on what it read)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vouch.access.admin.active_assignments import active_assignment_count, assignment_active_at
from vouch.access.admin.departments import in_any_subtree
from vouch.access.models import RestrictionRule, RoleAssignment, Share, SharingRule
from vouch.access.service import policy_version
from vouch.configcode.diff import ItemChange, counts, diff_section
from vouch.configcode.document import (
    FORMAT,
    HEADER,
    SECTIONS,
    DocumentUnreadable,
    check_depth,
    load,
)
from vouch.configcode.keys import Directory
from vouch.configcode.problems import Problem, Problems
from vouch.configcode.roles import RoleIn, live_roles, parse_role
from vouch.configcode.rules import RULE_SECTIONS, RuleIn, live_rules, parse_rule
from vouch.configcode.workflow import (
    SETTINGS_KEY,
    ConflictIn,
    PolicyIn,
    conflict_key,
    live_conflicts,
    live_policies,
    live_settings,
    parse_conflict,
    parse_policy,
    parse_settings,
    policy_key,
)
from vouch.errors import ErrorType
from vouch.org.models import User

RULE_MODELS: dict[str, Any] = {"sharing_rules": SharingRule,
                               "restriction_rules": RestrictionRule}


@dataclass
class Plan:
    """What the document asks for, what it changes, and what stands in its way."""

    policy_version: int  # live, when the plan was made
    document_version: int | None  # the `policy_version` the document was exported at
    directory: Directory
    changes: list[ItemChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    roles: dict[str, RoleIn] = field(default_factory=dict)
    rules: dict[str, dict[str, RuleIn]] = field(default_factory=dict)
    policies: dict[str, PolicyIn] = field(default_factory=dict)
    conflicts: dict[str, ConflictIn] = field(default_factory=dict)
    settings: dict[str, Any] | None = None
    live_role_ids: dict[str, int] = field(default_factory=dict)
    live_rule_ids: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.problems

    def summary(self) -> dict[str, Any]:
        return {"policy_version": self.policy_version,
                "document_policy_version": self.document_version,
                "counts": counts(self.changes), "changed": bool(self.changes),
                "valid": self.valid,
                "changes": [c.as_dict() for c in self.changes],
                "problems": [p.as_dict() for p in self.problems]}


def plan_import(session: Session, source: str | bytes | Mapping[str, Any],
                now: datetime) -> Plan:
    """The plan for `source` (text, or the parsed data) against the database now."""
    d = Directory.load(session)
    plan = Plan(policy_version(session), None, d)
    problems = Problems()
    data: Any = source
    try:
        if isinstance(source, str | bytes):
            data = load(source)
        else:
            check_depth(source)
    except DocumentUnreadable as exc:
        plan.problems = [Problem("document", f"document: {exc.message}"
                                 + (f" ({exc.where})" if exc.where else ""),
                                 ErrorType.FORMAT.value,
                                 {"expected": "yaml or json", "where": exc.where})]
        return plan
    if not _header(data, plan, problems):
        plan.problems = problems.items
        return plan
    plan.live_role_ids = dict(d.roles_by_key)
    live: dict[str, dict[str, dict[str, Any]]] = {"roles": live_roles(session, d)}
    for section, kind in RULE_SECTIONS.items():
        live[section], plan.live_rule_ids[section] = _keyed_rules(
            session, section, live_rules(session, kind, d))
    live["approval_policies"] = live_policies(session, d)
    live["role_conflicts"] = live_conflicts(session, d)
    live["settings"] = {SETTINGS_KEY: live_settings(session)}

    d.keep_only_roles(_role_keys(data["roles"], problems))
    for i, raw in enumerate(data["roles"]):
        role = parse_role(raw, f"roles[{i}]", session, d, problems)
        if role is not None and role.item["key"] not in plan.roles:
            plan.roles[role.item["key"]] = role
    for section, kind in RULE_SECTIONS.items():
        plan.rules[section] = _parse_rules(data[section], section, kind, session, d,
                                           problems)
    for i, raw in enumerate(data["approval_policies"]):
        policy = parse_policy(raw, f"approval_policies[{i}]", session, d, problems)
        if policy is not None:
            _unique(plan.policies, policy_key(policy.item["role"]), policy, problems,
                    f"approval_policies[{i}].role", "a policy for this role")
    for i, raw in enumerate(data["role_conflicts"]):
        pair = parse_conflict(raw, f"role_conflicts[{i}]", d, problems,
                              live["role_conflicts"])
        if pair is not None:
            _unique(plan.conflicts, conflict_key(pair.item["roles"]), pair, problems,
                    f"role_conflicts[{i}].roles", "this pair")
    plan.settings = parse_settings(data["settings"], problems)
    plan.problems = problems.items
    if plan.problems:
        return plan

    desired: dict[str, dict[str, dict[str, Any]]] = {
        "roles": {k: r.item for k, r in plan.roles.items()},
        **{section: {k: r.item for k, r in plan.rules[section].items()}
           for section in RULE_SECTIONS},
        "approval_policies": {k: p.item for k, p in plan.policies.items()},
        "role_conflicts": {k: c.item for k, c in plan.conflicts.items()},
        "settings": {SETTINGS_KEY: plan.settings or {}},
    }
    for section in SECTIONS:
        plan.changes += diff_section(section, live[section], desired[section])
    _refusals(session, plan, now, problems)
    plan.problems = problems.items
    return plan


def _unique(found: dict[str, Any], key: str, item: Any, problems: Problems, path: str,
            what: str) -> None:
    if key in found:
        problems.add(path, f"{what} is given twice (also {found[key].path})",
                     ErrorType.DUPLICATE.value, other=found[key].path)
    else:
        found[key] = item


def _header(data: Any, plan: Plan, problems: Problems) -> bool:
    if not isinstance(data, Mapping):
        problems.add("document", "the document must be a mapping with format, "
                     f"{', '.join(SECTIONS)}", ErrorType.FORMAT.value, expected="object")
        return False
    if data.get("format") != FORMAT:
        problems.add("format", f"must be {FORMAT!r} (got {data.get('format')!r})",
                     ErrorType.CHOICE.value, choices=[FORMAT])
    for key in sorted(set(map(str, data)) - set(HEADER) - set(SECTIONS)):
        problems.add(key, f"unknown section {key!r}; a document has "
                     f"{', '.join((*HEADER, *SECTIONS))}", ErrorType.UNKNOWN.value)
    for section in SECTIONS:
        shape: type = dict if section == "settings" else list
        if section not in data:
            # Absent is not "none": a forgotten section would remove everything in it.
            problems.add(section, f"the section {section} is missing (write "
                         f"`{section}: {'{}' if shape is dict else '[]'}` for none)",
                         ErrorType.REQUIRED.value)
        elif not isinstance(data[section], shape):
            expected = "object" if shape is dict else "list"
            problems.add(section, f"must be a {'mapping' if shape is dict else 'list'}",
                         ErrorType.FORMAT.value, expected=expected)
    version = data.get("policy_version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        problems.add("policy_version", "must be an integer (the policy version exported)",
                     ErrorType.FORMAT.value, expected="integer")
    elif version is not None:
        plan.document_version = version
    return not problems


def _role_keys(raw: Any, problems: Problems) -> list[str]:
    """The roles the document keeps or adds (their keys may be named by rules); a key
    given twice is a problem at its second place."""
    seen: dict[str, int] = {}
    for i, role in enumerate(raw):
        key = role.get("key") if isinstance(role, Mapping) else None
        if not isinstance(key, str):
            continue
        if key in seen:
            problems.add(f"roles[{i}].key", f"the role {key!r} is given twice (also "
                         f"roles[{seen[key]}])", ErrorType.DUPLICATE.value,
                         other=f"roles[{seen[key]}].key")
        else:
            seen[key] = i
    return list(seen)


def _keyed_rules(session: Session, section: str, items: list[dict[str, Any]]
                 ) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """Live rules by name. Names repeat in the database only by accident: the first of
    a name pairs with the document's rule, the others are listed as `name (2)`… (to be
    removed, since the document cannot name them)."""
    model = RULE_MODELS[section]
    ids = list(session.scalars(select(model.id).order_by(model.name, model.id)))
    by_key: dict[str, dict[str, Any]] = {}
    id_by_key: dict[str, int] = {}
    for rule_id, item in zip(ids, items, strict=True):
        key, n = item["name"], 1
        while key in by_key:
            n += 1
            key = f"{item['name']} ({n})"
        by_key[key] = item
        id_by_key[key] = rule_id
    return by_key, id_by_key


def _parse_rules(raw: Any, section: str, kind: str, session: Session, d: Directory,
                 problems: Problems) -> dict[str, RuleIn]:
    out: dict[str, RuleIn] = {}
    names: dict[str, int] = {}
    for i, item in enumerate(raw):
        path = f"{section}[{i}]"
        name = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(name, str) and name.strip() in names:
            problems.add(f"{path}.name", f"the rule {name!r} is given twice (also "
                         f"{section}[{names[name.strip()]}]); rule names are unique in "
                         "their section", ErrorType.DUPLICATE.value,
                         other=f"{section}[{names[name.strip()]}].name")
            continue
        if isinstance(name, str):
            names[name.strip()] = i
        rule = parse_rule(item, kind, path, session, d, problems)
        if rule is not None:
            out[rule.item["name"]] = rule
    return out


def _refusals(session: Session, plan: Plan, now: datetime, problems: Problems) -> None:
    """A valid document the current state refuses: a role still held cannot go, and a
    role cannot be limited to departments that leave holders outside."""
    for change in plan.changes:
        if change.section != "roles":
            continue
        if change.change == "removed":
            role_id = plan.live_role_ids[change.key]
            held = active_assignment_count(session, role_id, now)
            if held:
                problems.add("roles", f"the role {change.key!r} is held by {held} user(s); "
                             "it cannot be removed until their assignments end (keep it in "
                             "the document, or end them first)", ErrorType.ROLE_HELD.value,
                             role=change.key, active_assignments=held)
            change.notes += _removal_notes(session, role_id, now)
        elif change.change == "changed":
            role = plan.roles[change.key]
            departments = role.parts["departments"]
            if departments and change.before and \
                    change.before["departments"] != role.item["departments"]:
                outside = _holders_outside(session, plan.live_role_ids[change.key],
                                           departments, now)
                if outside:
                    problems.add(f"{role.path}.departments", "users outside those "
                                 "departments hold the role; end their assignments first: "
                                 + ", ".join(outside), ErrorType.HOLDERS_OUTSIDE.value,
                                 users=outside)


def _removal_notes(session: Session, role_id: int, now: datetime) -> list[str]:
    notes = []
    ended = session.scalar(select(func.count()).select_from(RoleAssignment).where(
        RoleAssignment.role_id == role_id, ~assignment_active_at(now))) or 0
    if ended:
        notes.append(f"{ended} ended assignment(s) of the role are deleted with it")
    shares = session.scalar(select(func.count()).select_from(Share).where(
        Share.principal_kind == "role", Share.principal_id == role_id)) or 0
    if shares:
        notes.append(f"{shares} manual share(s) to the role are removed with it")
    return notes


def _holders_outside(session: Session, role_id: int, departments: list[int],
                     now: datetime) -> list[str]:
    rows = session.execute(
        select(User.username, User.department_id)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role_id == role_id, assignment_active_at(now))).tuples().all()
    return sorted(name for name, dept in rows
                  if not in_any_subtree(session, dept, departments))

