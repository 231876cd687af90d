"""explain(): every layer of one decision, with what made it so; matrix(): the effective
permissions of a user with their sources."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vouch.access.engine.check import can
from vouch.access.engine.decision import Explanation, LayerResult
from vouch.access.engine.evaluate import compile_python
from vouch.access.engine.facts import RecordFacts
from vouch.access.engine.fields import object_field_levels, record_field_levels
from vouch.access.engine.profile import AccessProfile, ScopeSource, scope_branches
from vouch.catalog import ACTIONS, OBJECT_ACTIONS, OBJECTS, FieldLevel, get_object


def _until(expires_at: datetime | None) -> str:
    return f" until {expires_at.isoformat()}" if expires_at else ""


def _source_text(s: ScopeSource, obj: str, action: str) -> str:
    return f"role {s.role_name} ({s.role_key}) grants {action} on {obj} at {s.scope}" \
        + _until(s.expires_at)


def explain(
    profile: AccessProfile,
    obj: str,
    action: str,
    record: RecordFacts | None,
    now: datetime,
    field: str | None = None,
) -> Explanation:
    facts = profile.facts
    layers = [
        LayerResult("identity", facts.active,
                    f"user {facts.username} is active" if facts.active
                    else f"user {facts.username} is deactivated")
    ]
    entry = profile.access(obj, action)
    sources = tuple(_source_text(s, obj, action) for s in entry.sources)
    layers.append(LayerResult(
        "function", entry.granted,
        f"{len(sources)} active role(s) grant {action} on {obj}" if entry.granted
        else f"no active role grants {action} on {obj}",
        sources,
    ))
    if action not in OBJECT_ACTIONS and record is not None:
        layers.append(_record_layer(profile, obj, action, record, now))
        layers.append(_restriction_layer(profile, obj, action, record, now))
    elif action not in OBJECT_ACTIONS:
        layers.append(LayerResult("record", entry.granted,
                                  "no record given: " + _scope_summary(entry.sources)))
    if field is not None:
        layers.append(_field_layer(profile, obj, action, field, record, now))
    return Explanation(facts.user_id, obj, action, record.id if record else None, field,
                       tuple(layers))


def _scope_summary(sources: tuple[ScopeSource, ...]) -> str:
    scopes = sorted({s.scope for s in sources})
    return "scope " + (", ".join(scopes) if scopes else "none")


def _record_layer(
    profile: AccessProfile, obj: str, action: str, record: RecordFacts, now: datetime
) -> LayerResult:
    entry = profile.access(obj, action)
    if not entry.granted:
        return LayerResult("record", False, f"no scope for {action} on {obj}")
    reasons: list[str] = []
    for s in entry.sources:  # which roles' scopes reach the record
        for b in scope_branches(profile, {s.scope}):
            if compile_python(b.pred)(record, now):
                reasons.append(f"role {s.role_key} at {s.scope}: {b.label}")
                break
    for b in entry.branches:
        if b.kind != "scope" and compile_python(b.pred)(record, now):
            reasons.append(_branch_text(b.kind, b.label, record, profile, now))
    reached = bool(reasons)
    gate_ok = action == "view" or compile_python(entry.view_gate)(record, now)
    if not gate_ok:
        return LayerResult("record", False,
                           f"{action} needs view on the record, and the record is not visible "
                           "to the user", tuple(reasons))
    if reached:
        return LayerResult("record", True, f"record {obj} #{record.id} is reachable for "
                           f"{action}", tuple(reasons))
    extra = "" if action in ("view", "edit") else " (shares and rules never give " \
        f"{action}; it follows scope only)"
    return LayerResult(
        "record", False,
        f"record {obj} #{record.id} (owner {record.owner_id}, department "
        f"{record.department_id}) is outside {_scope_summary(entry.sources)} for {action}"
        f" and no share, sharing rule or window reaches it{extra}",
    )


def _branch_text(kind: str, label: str, record: RecordFacts, profile: AccessProfile,
                 now: datetime) -> str:
    if kind != "share":
        return label
    mine = {(p.kind, p.id) for p in profile.principals}
    shares = [
        f"share #{s.id} to {s.principal_kind} {s.principal_id} ({s.access})"
        + _until(s.expires_at)
        for s in record.shares
        if (s.principal_kind, s.principal_id) in mine
        and (s.expires_at is None or now < s.expires_at)
    ]
    return "; ".join(shares) or label


def _restriction_layer(
    profile: AccessProfile, obj: str, action: str, record: RecordFacts, now: datetime
) -> LayerResult:
    entry = profile.access(obj, action)
    hits = tuple(
        f"restriction rule {r.name} (#{r.rule_id}) matches the record"
        for r in entry.restrictions
        if compile_python(r.pred)(record, now)
    )
    if hits:
        return LayerResult("restriction", False, "restricted: " + "; ".join(hits), hits)
    n = len(entry.restrictions)
    return LayerResult("restriction", True,
                       f"none of the {n} restriction rule(s) covering the user matches"
                       if n else "no restriction rule covers the user")


def _field_layer(
    profile: AccessProfile, obj: str, action: str, field: str, record: RecordFacts | None,
    now: datetime,
) -> LayerResult:
    get_object(obj).field(field)
    info = object_field_levels(profile, obj)[field]
    level = info.level
    cap = ""
    if record is not None:
        capped = record_field_levels(profile, obj, record, now)[field]
        if capped is not level:
            cap = (" (capped at read: the user may view but not edit this record)"
                   if capped is FieldLevel.READ else " (the record is not visible)")
        level = capped
    need = FieldLevel.EDIT if action == "edit" else FieldLevel.READ
    ok = level.rank >= need.rank
    return LayerResult(
        "field", ok,
        f"{obj}.{field} is {level.value} for the user{cap}; {action} needs {need.value}",
        info.sources,
    )


def matrix(profile: AccessProfile) -> dict[str, Any]:
    """Effective permissions: per object, each action's scopes and the roles they come
    from; each field's level and where it comes from; system permissions."""
    objects: dict[str, Any] = {}
    for odef in OBJECTS:
        actions = {}
        for action in ACTIONS:
            entry = profile.access(odef.name, action)
            actions[action] = {
                "granted": entry.granted,
                "scopes": sorted(entry.scopes),
                "sources": [
                    {"role": s.role_key, "role_name": s.role_name, "scope": s.scope,
                     "expires_at": s.expires_at.isoformat() if s.expires_at else None}
                    for s in entry.sources
                ],
                "also_via": sorted({b.label for b in entry.branches if b.kind != "scope"})
                if entry.granted else [],
                "restricted_by": [r.name for r in entry.restrictions],
            }
        objects[odef.name] = {
            "actions": actions,
            "fields": {
                name: {"level": info.level.value, "sources": list(info.sources)}
                for name, info in object_field_levels(profile, odef.name).items()
            },
        }
    return {
        "user_id": profile.user_id,
        "username": profile.facts.username,
        "active": profile.active,
        "policy_version": profile.policy_version,
        "valid_until": profile.valid_until.isoformat() if profile.valid_until else None,
        "roles": [
            {"key": r.key, "name": r.name, "expires_at": _iso(profile.role_expiry(r.id))}
            for r in profile.roles
        ],
        "system_permissions": sorted(profile.permissions),
        "objects": objects,
    }


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


__all__ = ["can", "explain", "matrix"]
