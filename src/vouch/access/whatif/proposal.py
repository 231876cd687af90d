"""A proposed change as the what-if sees it: the request (kind, op, id, the body the real
endpoint would receive) and, once validated, the facts it would put in place.

The body is read with the real endpoint's own request model, so a what-if accepts exactly
the bodies the endpoint accepts; a `Proposal` is what the engine needs to build the facts
after the change in memory (nothing is written).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from vouch.access.engine import AssignmentFact, RoleFact, RuleFact
from vouch.access.schemas import (
    AssignmentCreate,
    AssignmentUpdate,
    ReasonAndVersion,
    ReasonOnly,
    RestrictionRuleCreate,
    RestrictionRuleUpdate,
    RoleCreate,
    RoleUpdate,
    SharingRuleCreate,
    SharingRuleUpdate,
)

KINDS = ("role", "assignment", "sharing_rule", "restriction_rule")
OPS = ("create", "update", "delete")

# The request body of each real endpoint: POST, PATCH and DELETE of /roles,
# /assignments, /sharing-rules and /restriction-rules.
BODY_MODELS: dict[tuple[str, str], type[BaseModel]] = {
    ("role", "create"): RoleCreate,
    ("role", "update"): RoleUpdate,
    ("role", "delete"): ReasonAndVersion,
    ("assignment", "create"): AssignmentCreate,
    ("assignment", "update"): AssignmentUpdate,
    ("assignment", "delete"): ReasonOnly,
    ("sharing_rule", "create"): SharingRuleCreate,
    ("sharing_rule", "update"): SharingRuleUpdate,
    ("sharing_rule", "delete"): ReasonAndVersion,
    ("restriction_rule", "create"): RestrictionRuleCreate,
    ("restriction_rule", "update"): RestrictionRuleUpdate,
    ("restriction_rule", "delete"): ReasonAndVersion,
}

# A created role or rule has no id yet; database ids start at 1.
NEW_ID = 0


def parse_body(kind: str, op: str, raw: Any) -> BaseModel:
    """The body read as the real endpoint reads it; pydantic.ValidationError on bad input
    (its locations are the endpoint's own field paths)."""
    return BODY_MODELS[kind, op].model_validate(raw if raw is not None else {})


def changes_of(body: BaseModel) -> dict[str, Any]:
    """The fields the body sets, as the real routes pass them to the service."""
    return dict(body.model_dump(exclude_unset=True, exclude={"reason", "version"}))


@dataclass(frozen=True, slots=True)
class Proposal:
    """A validated change, as facts. Exactly the members of its kind are set.

    - role: `role` is the role as it would be (create, update), `role_id` the role (update,
      delete; NEW_ID for a create), `role` None for a delete.
    - assignment: `user_id`, `role_id`, and `assignment`: the user's assignment of that role
      as it would be (None: removed).
    - sharing_rule / restriction_rule: `rule_id` (NEW_ID for a create) and `rule`: the rule
      as it would be in force (None: deleted or inactive).
    """

    kind: str
    op: str
    role_id: int | None = None
    role: RoleFact | None = None
    user_id: int | None = None
    assignment: AssignmentFact | None = None
    rule_id: int | None = None
    rule: RuleFact | None = None
    needs_approval: bool = False  # saving it asks a second administrator (two-person rule)

    @property
    def is_rule(self) -> bool:
        return self.kind in ("sharing_rule", "restriction_rule")
