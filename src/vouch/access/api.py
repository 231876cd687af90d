"""Access administration (roles, assignments, sharing and restriction rules, manual
shares) and explanations (/access/explain, /access/matrix, /me/access). Thin: parse, call
`vouch.access.admin` with the request context, answer."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from vouch.access import admin
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
from vouch.deps import Ctx

router = APIRouter()
TAGS: list[str | Enum] = ["admin"]

MAX_ID = 2**31 - 1
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Limit = Annotated[int | None, Query(ge=1, le=1000)]
Cursor = Annotated[str | None, Query(max_length=20)]
ReasonQuery = Annotated[str | None, Query(max_length=2000, description="why (or in the body)")]
VersionQuery = Annotated[int | None, Query(ge=1, le=MAX_ID,
                                           description="the version you read (or in the body)")]
UserRef = Annotated[str | None, Query(max_length=64, description="a user id or username; "
                                      "yourself when omitted")]


def _changes(body: Any) -> dict[str, Any]:
    return dict(body.model_dump(exclude_unset=True, exclude={"reason", "version"}))


def _reason(body: ReasonOnly | ReasonAndVersion | None, reason: str | None) -> str | None:
    return body.reason if body is not None else reason


def _version(body: ReasonAndVersion | None, version: int | None) -> int | None:
    return body.version if body is not None else version


# --- roles -------------------------------------------------------------------------------------


@router.get("/roles", tags=TAGS, summary="Roles: a summary for everyone (pickers); grants, "
            "field rules and permissions with manage_roles or view_audit")
def list_roles(ctx: Ctx) -> dict[str, Any]:
    return admin.list_roles(ctx)


@router.get("/roles/{role_id}", tags=TAGS,
            summary="A role's whole document (manage_roles or view_audit)")
def get_role(role_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return admin.get_role(ctx, role_id)


@router.post("/roles", status_code=201, tags=TAGS, summary="Create a role (manage_roles)")
def create_role(body: RoleCreate, ctx: Ctx) -> dict[str, Any]:
    return admin.create_role(ctx, _changes(body), body.reason)


@router.patch("/roles/{role_id}", tags=TAGS, summary="Change a role (manage_roles); lists "
              "given replace the role's lists")
def update_role(role_id: PathId, body: RoleUpdate, ctx: Ctx) -> dict[str, Any]:
    return admin.update_role(ctx, role_id, _changes(body), body.version, body.reason)


@router.delete("/roles/{role_id}", status_code=204, tags=TAGS,
               summary="Delete a role nobody holds (manage_roles)")
def delete_role(role_id: PathId, ctx: Ctx, body: ReasonAndVersion | None = None,
                reason: ReasonQuery = None, version: VersionQuery = None) -> Response:
    admin.delete_role(ctx, role_id, _version(body, version), _reason(body, reason))
    return Response(status_code=204)


# --- assignments -------------------------------------------------------------------------------


@router.get("/assignments", tags=TAGS,
            summary="Role assignments (manage_roles or view_audit)")
def list_assignments(ctx: Ctx, user: OptionalId = None, role: OptionalId = None,
                     active: bool | None = None, limit: Limit = None,
                     cursor: Cursor = None) -> dict[str, Any]:
    return admin.list_assignments(ctx, user_id=user, role_id=role, active=active,
                                  limit=limit, cursor=cursor)


@router.get("/assignments/{assignment_id}", tags=TAGS,
            summary="One role assignment (manage_roles or view_audit)")
def get_assignment(assignment_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return admin.get_assignment(ctx, assignment_id)


@router.post("/assignments", status_code=201, tags=TAGS,
             summary="Give a user a role, optionally until a time (manage_roles); under the "
                     "two-person rule a role with system permissions answers 202 with the "
                     "grant request a second administrator approves",
             responses={202: {"description": "the grant request (two-person rule)"}})
def create_assignment(body: AssignmentCreate, ctx: Ctx, response: Response) -> dict[str, Any]:
    out = admin.create_assignment(ctx, body.user_id, body.role_id, body.expires_at,
                                  body.reason)
    if "pending_request" in out:
        response.status_code = 202
        return dict(out["pending_request"])
    return out


@router.patch("/assignments/{assignment_id}", tags=TAGS,
              summary="Change an assignment's expiry (manage_roles)")
def update_assignment(assignment_id: PathId, body: AssignmentUpdate,
                      ctx: Ctx) -> dict[str, Any]:
    return admin.update_assignment(ctx, assignment_id, body.expires_at, body.reason)


@router.delete("/assignments/{assignment_id}", status_code=204, tags=TAGS,
               summary="Remove a role assignment (manage_roles)")
def delete_assignment(assignment_id: PathId, ctx: Ctx, body: ReasonOnly | None = None,
                      reason: ReasonQuery = None) -> Response:
    admin.delete_assignment(ctx, assignment_id, _reason(body, reason))
    return Response(status_code=204)


# --- sharing and restriction rules -------------------------------------------------------------


@router.get("/sharing-rules", tags=TAGS, summary="Sharing rules (manage_roles or view_audit)")
def list_sharing_rules(ctx: Ctx, object: Annotated[str | None, Query(max_length=40)] = None
                       ) -> dict[str, Any]:
    return admin.list_rules(ctx, "sharing", object)


@router.get("/sharing-rules/{rule_id}", tags=TAGS,
            summary="One sharing rule (manage_roles or view_audit)")
def get_sharing_rule(rule_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return admin.get_rule(ctx, "sharing", rule_id)


@router.post("/sharing-rules", status_code=201, tags=TAGS,
             summary="Share the records matching a condition with principals (manage_roles)")
def create_sharing_rule(body: SharingRuleCreate, ctx: Ctx) -> dict[str, Any]:
    return admin.create_rule(ctx, "sharing", _changes(body), body.reason)


@router.patch("/sharing-rules/{rule_id}", tags=TAGS,
              summary="Change a sharing rule (manage_roles)")
def update_sharing_rule(rule_id: PathId, body: SharingRuleUpdate, ctx: Ctx) -> dict[str, Any]:
    return admin.update_rule(ctx, "sharing", rule_id, _changes(body), body.version,
                             body.reason)


@router.delete("/sharing-rules/{rule_id}", status_code=204, tags=TAGS,
               summary="Delete a sharing rule (manage_roles)")
def delete_sharing_rule(rule_id: PathId, ctx: Ctx, body: ReasonAndVersion | None = None,
                        reason: ReasonQuery = None, version: VersionQuery = None) -> Response:
    admin.delete_rule(ctx, "sharing", rule_id, _version(body, version), _reason(body, reason))
    return Response(status_code=204)


@router.get("/restriction-rules", tags=TAGS,
            summary="Restriction rules (manage_roles or view_audit)")
def list_restriction_rules(ctx: Ctx,
                           object: Annotated[str | None, Query(max_length=40)] = None
                           ) -> dict[str, Any]:
    return admin.list_rules(ctx, "restriction", object)


@router.get("/restriction-rules/{rule_id}", tags=TAGS,
            summary="One restriction rule (manage_roles or view_audit)")
def get_restriction_rule(rule_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return admin.get_rule(ctx, "restriction", rule_id)


@router.post("/restriction-rules", status_code=201, tags=TAGS,
             summary="Hide the records matching a condition from principals (manage_roles)")
def create_restriction_rule(body: RestrictionRuleCreate, ctx: Ctx) -> dict[str, Any]:
    return admin.create_rule(ctx, "restriction", _changes(body), body.reason)


@router.patch("/restriction-rules/{rule_id}", tags=TAGS,
              summary="Change a restriction rule (manage_roles)")
def update_restriction_rule(rule_id: PathId, body: RestrictionRuleUpdate,
                            ctx: Ctx) -> dict[str, Any]:
    return admin.update_rule(ctx, "restriction", rule_id, _changes(body), body.version,
                             body.reason)


@router.delete("/restriction-rules/{rule_id}", status_code=204, tags=TAGS,
               summary="Delete a restriction rule (manage_roles)")
def delete_restriction_rule(rule_id: PathId, ctx: Ctx, body: ReasonAndVersion | None = None,
                            reason: ReasonQuery = None,
                            version: VersionQuery = None) -> Response:
    admin.delete_rule(ctx, "restriction", rule_id, _version(body, version),
                      _reason(body, reason))
    return Response(status_code=204)


# --- manual shares -----------------------------------------------------------------------------


@router.get("/shares", tags=TAGS, summary="Manual shares of every record (manage_roles or "
            "view_audit)")
def list_shares(ctx: Ctx, object: Annotated[str | None, Query(max_length=40)] = None,
                record: OptionalId = None,
                principal_kind: Annotated[str | None, Query(max_length=20)] = None,
                principal_id: OptionalId = None, limit: Limit = None,
                cursor: Cursor = None) -> dict[str, Any]:
    return admin.list_shares(ctx, obj=object, record_id=record, principal_kind=principal_kind,
                             principal_id=principal_id, limit=limit, cursor=cursor)


@router.delete("/shares/{share_id}", status_code=204, tags=TAGS,
               summary="Remove a manual share (manage_roles)")
def delete_share(share_id: PathId, ctx: Ctx, body: ReasonOnly | None = None,
                 reason: ReasonQuery = None) -> Response:
    admin.delete_share(ctx, share_id, _reason(body, reason))
    return Response(status_code=204)


# --- explanations ------------------------------------------------------------------------------


@router.get("/access/explain", tags=["access"],
            summary="Why a user may or may not do an action (every layer, with reasons); "
                    "others' access needs manage_roles or view_audit")
def explain(ctx: Ctx, action: Annotated[str, Query(max_length=40)], user: UserRef = None,
            object: Annotated[str | None, Query(max_length=40)] = None,
            record: OptionalId = None,
            field: Annotated[str | None, Query(max_length=60)] = None) -> dict[str, Any]:
    return admin.explain_access(ctx, user=user, action=action, obj=object, record_id=record,
                                field=field)


@router.get("/access/matrix", tags=["access"],
            summary="A user's effective permissions: scopes with their roles, field levels "
                    "with their sources (others need manage_roles or view_audit)")
def access_matrix(ctx: Ctx, user: UserRef = None) -> dict[str, Any]:
    return admin.matrix_of(ctx, user)


@router.get("/me/access", tags=["access"], summary="My effective permissions")
def my_access(ctx: Ctx) -> dict[str, Any]:
    return admin.matrix_of(ctx, None)
