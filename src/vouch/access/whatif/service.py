"""The what-if use case: validate a proposed change as its real endpoint would, compute its
impact, and render one page of it. Nothing is written and nothing is audited: a what-if
reads the configuration and counts, as the explanations and matrices do.

Who may ask: whoever may make the change — `manage_roles`, or for an assignment also a
delegated administrator within their limits (the same checks as saving it).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from vouch.access.whatif.checks import check_change
from vouch.access.whatif.impact import Impact, UserImpact, impact
from vouch.access.whatif.proposal import NEW_ID, Proposal
from vouch.catalog import OBJECT_NAMES
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def what_if(ctx: RequestContext, kind: str, op: str, target_id: int | None, body: BaseModel,
            *, limit: int | None = None, offset: int = 0,
            strategy: str = "auto") -> dict[str, Any]:
    """The impact of the change, or the error saving it would give (403, 404, 409, 422)."""
    size = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= size <= MAX_LIMIT:
        raise Invalid(f"limit must be 1 to {MAX_LIMIT}", field="limit", type=ErrorType.RANGE,
                      min=1, max=MAX_LIMIT)
    if offset < 0:
        raise Invalid("offset must not be negative", field="offset", type=ErrorType.RANGE,
                      min=0)
    proposal = check_change(ctx, kind, op, target_id, body)
    result = impact(ctx.session, proposal, ctx.now, strategy)
    return render(result, target_id, offset=offset, limit=size)


def _notes(p: Proposal, result: Impact) -> list[dict[str, str]]:
    if p.needs_approval:
        return [{"code": "needs_second_approval", "message": "under the two-person rule "
                 "saving this makes a grant request; this is its impact once another "
                 "administrator approves it"}]
    if p.kind == "role" and p.op == "create":
        return [{"code": "new_role_unassigned", "message": "nobody holds a new role: it "
                 "changes nobody's access until it is assigned"}]
    if p.kind == "role" and result.considered == 0:
        return [{"code": "role_unassigned", "message": "nobody holds this role now"}]
    if p.is_rule and p.rule is None and (p.op == "create" or result.considered == 0):
        return [{"code": "rule_not_in_force", "message": "the rule is not active: it "
                 "changes nobody's access"}]
    if p.is_rule and result.considered == 0:
        return [{"code": "nobody_covered", "message": "the rule's principals cover no "
                 "active user"}]
    return []


def _records(pairs: dict[str, tuple[int, int]]) -> list[dict[str, Any]]:
    return [{"object": obj, "visible": v, "invisible": i}
            for obj, (v, i) in sorted(pairs.items(), key=lambda kv: OBJECT_NAMES.index(kv[0]))]


def user_dict(u: UserImpact) -> dict[str, Any]:
    g = u.grants
    return {
        "user_id": u.user_id, "username": u.username, "display_name": u.display_name,
        "department_id": u.department_id,
        "roles": {"added": list(g.roles_added), "removed": list(g.roles_removed)},
        "permissions": {"added": list(g.permissions_added),
                        "removed": list(g.permissions_removed)},
        "scopes": [{"object": c.object, "action": c.action, "before": list(c.before),
                    "after": list(c.after)} for c in g.scopes],
        "fields": [{"object": c.object, "field": c.field, "before": c.before,
                    "after": c.after} for c in g.fields],
        "records": _records(u.records),
    }


def render(result: Impact, target_id: int | None, *, offset: int, limit: int
           ) -> dict[str, Any]:
    p = result.proposal
    sums: dict[str, tuple[int, int]] = {}
    for u in result.users:
        for obj, (v, i) in u.records.items():
            sv, si = sums.get(obj, (0, 0))
            sums[obj] = (sv + v, si + i)
    page = result.users[offset:offset + limit]
    more = offset + limit < len(result.users)
    return {
        "change": {"kind": p.kind, "op": p.op,
                   "id": target_id if target_id is not None and target_id != NEW_ID else None},
        "policy_version": result.policy_version,
        "computed_at": result.at.isoformat(),
        "notes": _notes(p, result),
        "totals": {
            "users": result.considered,
            "changed": len(result.users),
            "unchanged": result.considered - len(result.users),
            "scope_changes": sum(len(u.grants.scopes) for u in result.users),
            "field_changes": sum(len(u.grants.fields) for u in result.users),
            "records": _records(sums),
        },
        "users": [user_dict(u) for u in page],
        "offset": offset, "limit": limit,
        "next_offset": offset + limit if more else None,
    }
