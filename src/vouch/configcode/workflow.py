"""Approval policies, conflicting role pairs and the workflow settings in the document,
checked with the workflow's own validators (`vouch.workflow.policies`,
`vouch.workflow.settings`); roles are named by key, the default policy has `role: null`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.admin.inputs import clean_text
from vouch.configcode.keys import Directory, UnknownKey
from vouch.configcode.problems import Problems, under
from vouch.errors import ErrorType
from vouch.workflow.models import ApprovalPolicy, RoleConflict, Setting
from vouch.workflow.policies import MAX_STEPS, validate_steps
from vouch.workflow.policies import _apply as check_policy_values
from vouch.workflow.settings import DEFAULTS as SETTING_DEFAULTS
from vouch.workflow.settings import KEY as SETTINGS_KEY

__all__ = ["DEFAULT_POLICY", "SETTINGS_KEY", "ConflictIn", "PolicyIn", "conflict_key",
           "live_conflicts", "live_policies", "live_settings", "parse_conflict",
           "parse_policy", "parse_settings", "policy_key"]
from vouch.workflow.settings import MAX_NOTICE_DAYS

DEFAULT_POLICY = "(default)"
POLICY_KEYS = ("role", "steps", "step_deadline_hours", "on_deadline", "required_courses",
               "probation_days", "max_days", "description")
POLICY_DEFAULTS: dict[str, Any] = {"step_deadline_hours": 72, "on_deadline": "escalate",
                                   "required_courses": [], "probation_days": None,
                                   "max_days": None, "description": None}
CONFLICT_KEYS = ("roles", "reason")


# --- approval policies --------------------------------------------------------------------------


def policy_key(role: str | None) -> str:
    return DEFAULT_POLICY if role is None else role


def policy_item(role: str | None, steps: list[dict[str, Any]], values: Mapping[str, Any]
                ) -> dict[str, Any]:
    return {"role": role, "steps": steps,
            **{k: values.get(k, default) for k, default in POLICY_DEFAULTS.items()}}


def step_to_document(step: Mapping[str, Any], d: Directory) -> dict[str, Any]:
    out: dict[str, Any] = {"approver": step.get("approver")}
    if step.get("permission") is not None:
        out["permission"] = step["permission"]
    if step.get("role_id") is not None:
        out["role"] = d.role_key(step["role_id"])
    return out


def live_policies(session: Session, d: Directory) -> dict[str, dict[str, Any]]:
    rows = session.scalars(select(ApprovalPolicy))
    items = [policy_item(None if r.role_id is None else str(d.role_key(r.role_id)),
                         [step_to_document(s, d) for s in r.steps or []],
                         {"step_deadline_hours": r.step_deadline_hours,
                          "on_deadline": r.on_deadline,
                          "required_courses": list(r.required_courses or []),
                          "probation_days": r.probation_days, "max_days": r.max_days,
                          "description": r.description})
             for r in rows]
    items.sort(key=lambda p: (p["role"] is not None, p["role"] or ""))
    return {policy_key(p["role"]): p for p in items}


@dataclass
class PolicyIn:
    path: str
    item: dict[str, Any]
    values: dict[str, Any]  # as the workflow's use cases take them (steps with role_id)
    step_roles: dict[int, str]  # step index → role key (a role the import may add)


def parse_policy(raw: object, path: str, session: Session, d: Directory,
                 problems: Problems) -> PolicyIn | None:
    before = len(problems.items)
    if not isinstance(raw, Mapping):
        problems.add(path, "an approval policy must be a mapping (role, steps, …)",
                     ErrorType.FORMAT.value, expected="object")
        return None
    for k in sorted(set(map(str, raw)) - set(POLICY_KEYS)):
        problems.add(f"{path}.{k}", f"unknown key {k!r}; a policy has "
                     f"{', '.join(POLICY_KEYS)}", ErrorType.UNKNOWN.value)
    role = raw.get("role")
    if role is not None:
        try:
            d.role_id(role)
        except UnknownKey as exc:
            problems.add(f"{path}.role", exc.message, exc.type)
    given = {k: raw.get(k, default) for k, default in POLICY_DEFAULTS.items()}
    checked = ApprovalPolicy()
    with problems.catch(under(path)):
        check_policy_values(session, checked, given)
    steps, step_roles = _steps(raw.get("steps"), f"{path}.steps", session, d, problems)
    if len(problems.items) > before:
        return None
    values: dict[str, Any] = {k: getattr(checked, k) for k in POLICY_DEFAULTS} | {
        "steps": steps}
    shown = [{"approver": "role", "role": step_roles[i]} if i in step_roles
             else step_to_document(s, d) for i, s in enumerate(steps)]
    item = policy_item(role, shown, values)
    return PolicyIn(path, item, values, step_roles)


def _steps(raw: object, path: str, session: Session, d: Directory, problems: Problems
           ) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The steps as the workflow stores them (`role_id`), each checked by its validator;
    a step naming a role the import adds keeps `role_id` None until the role is written."""
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_STEPS:
        problems.add(path, f"must list 1 to {MAX_STEPS} approver steps",
                     ErrorType.COUNT.value, min=1, max=MAX_STEPS)
        return [], {}
    steps: list[dict[str, Any]] = []
    step_roles: dict[int, str] = {}
    for i, step in enumerate(raw):
        where = f"{path}[{i}]"
        if not isinstance(step, Mapping):
            problems.add(where, "a step must be a mapping (approver, permission or role)",
                         ErrorType.FORMAT.value, expected="object")
            continue
        for k in sorted(set(map(str, step)) - {"approver", "permission", "role"}):
            problems.add(f"{where}.{k}", f"unknown key {k!r}; a step has approver, and "
                         "permission or role", ErrorType.UNKNOWN.value)
        spec = {k: step[k] for k in ("approver", "permission") if k in step}
        if "role" in step:
            try:
                role_id = d.role_id(step["role"])
            except UnknownKey as exc:
                problems.add(f"{where}.role", exc.message, exc.type)
                continue
            if role_id is None:  # a role the import adds: named by its key until written
                if spec != {"approver": "role"}:
                    problems.add(f"{where}.role", "a role is named only by a step with "
                                 "approver: role (and no permission)",
                                 ErrorType.NOT_ALLOWED.value)
                    continue
                step_roles[i] = str(step["role"])
                steps.append({"approver": "role", "role_id": None})
                continue
            spec["role_id"] = role_id

        def remap(p: str, where: str = where) -> str:
            p = p.replace("role_id", "role")
            return where + p[len("steps[0]"):] if p.startswith("steps[0]") else where
        with problems.catch(remap):
            steps += validate_steps(session, [spec])
    return steps, step_roles


# --- conflicting role pairs -------------------------------------------------------------------


def conflict_key(roles: list[str]) -> str:
    return " + ".join(roles)


def live_conflicts(session: Session, d: Directory) -> dict[str, dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for c in session.scalars(select(RoleConflict)):
        roles = sorted([str(d.role_key(c.role_a_id)), str(d.role_key(c.role_b_id))])
        items.append({"roles": roles, "reason": c.reason})
    items.sort(key=lambda c: c["roles"])
    return {conflict_key(c["roles"]): c for c in items}


@dataclass
class ConflictIn:
    path: str
    item: dict[str, Any]
    reason_given: bool


def parse_conflict(raw: object, path: str, d: Directory, problems: Problems,
                   live: Mapping[str, dict[str, Any]]) -> ConflictIn | None:
    before = len(problems.items)
    if not isinstance(raw, Mapping):
        problems.add(path, "a conflicting pair must be a mapping (roles, reason)",
                     ErrorType.FORMAT.value, expected="object")
        return None
    for k in sorted(set(map(str, raw)) - set(CONFLICT_KEYS)):
        problems.add(f"{path}.{k}", f"unknown key {k!r}; a pair has roles and reason",
                     ErrorType.UNKNOWN.value)
    roles = raw.get("roles")
    if not isinstance(roles, list) or len(roles) != 2:
        problems.add(f"{path}.roles", "must name exactly two role keys",
                     ErrorType.COUNT.value, min=2, max=2)
        return None
    for i, key in enumerate(roles):
        try:
            d.role_id(key)
        except UnknownKey as exc:
            problems.add(f"{path}.roles[{i}]", exc.message, exc.type)
    if roles[0] == roles[1]:
        problems.add(f"{path}.roles[1]", "a role cannot conflict with itself",
                     ErrorType.DUPLICATE.value, other=f"{path}.roles[0]")
    reason = None
    with problems.catch(under(f"{path}.reason", "reason")):
        reason = clean_text(raw.get("reason"), "reason", required=False, limit=2000)
    if len(problems.items) > before:
        return None
    pair = sorted(str(r) for r in roles)
    # No reason written: the pair keeps the one it has (a new pair gets the import's).
    kept = live.get(conflict_key(pair), {}).get("reason")
    return ConflictIn(path, {"roles": pair, "reason": reason if reason is not None else kept},
                      reason is not None)


# --- settings -----------------------------------------------------------------------------------


def live_settings(session: Session) -> dict[str, Any]:
    row = session.get(Setting, SETTINGS_KEY)
    stored = row.value if row is not None and isinstance(row.value, dict) else {}
    return {k: stored.get(k, default) for k, default in SETTING_DEFAULTS.items()}


def parse_settings(raw: object, problems: Problems) -> dict[str, Any] | None:
    """Every workflow setting, written out (a forgotten one is not silently reset)."""
    if not isinstance(raw, Mapping):
        problems.add("settings", "must be a mapping of the workflow settings ("
                     + ", ".join(SETTING_DEFAULTS) + ")", ErrorType.FORMAT.value,
                     expected="object")
        return None
    before = len(problems.items)
    for k in sorted(set(map(str, raw)) - set(SETTING_DEFAULTS)):
        problems.add(f"settings.{k}", f"unknown setting {k!r}; known: "
                     + ", ".join(SETTING_DEFAULTS), ErrorType.UNKNOWN.value)
    for k in SETTING_DEFAULTS:
        if k not in raw:
            problems.add(f"settings.{k}", "is missing (every setting is written out)",
                         ErrorType.REQUIRED.value)
    if "two_person_rule" in raw and not isinstance(raw["two_person_rule"], bool):
        problems.add("settings.two_person_rule", "must be true or false",
                     ErrorType.FORMAT.value, expected="boolean")
    days = raw.get("expiry_notice_days", 0)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_NOTICE_DAYS:
        problems.add("settings.expiry_notice_days", f"must be 0 to {MAX_NOTICE_DAYS} (0: no "
                     "notices)", ErrorType.RANGE.value, min=0, max=MAX_NOTICE_DAYS)
    if len(problems.items) > before:
        return None
    return {k: raw[k] for k in SETTING_DEFAULTS}
