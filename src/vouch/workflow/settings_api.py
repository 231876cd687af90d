"""/settings/workflow, /role-conflicts, /users/{id}/trainings, /me/trainings and
/approval-policies (thin: parse, call the workflow services, answer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from vouch.deps import Ctx
from vouch.workflow import policies, settings, trainings
from vouch.workflow.api_common import PathId
from vouch.workflow.schemas import (
    PolicyCreate,
    PolicyList,
    PolicyOut,
    PolicyUpdate,
    ReasonBody,
    RoleConflictCreate,
    RoleConflictList,
    RoleConflictOut,
    TrainingCreate,
    TrainingList,
    TrainingOut,
    WorkflowSettingsOut,
    WorkflowSettingsUpdate,
)

router = APIRouter(tags=["workflow"])
ReasonQuery = Annotated[str | None, Query(max_length=2000, description="why (or in the body)")]
VersionQuery = Annotated[int | None, Query(ge=1, le=2**31 - 1,
                                           description="the version you read (or in the body)")]


class _ReasonVersion(ReasonBody):
    version: int


@router.get("/settings/workflow", response_model=WorkflowSettingsOut,
            summary="The workflow settings: two-person rule, days of notice before access "
                    "ends (any signed-in user)")
def get_workflow_settings(ctx: Ctx) -> dict[str, Any]:
    return settings.get_settings(ctx)


@router.patch("/settings/workflow", response_model=WorkflowSettingsOut,
              summary="Change the workflow settings (manage_settings)")
def update_workflow_settings(body: WorkflowSettingsUpdate, ctx: Ctx) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True, exclude={"reason", "version"})
    return settings.update_settings(ctx, changes, body.version, body.reason)


@router.get("/role-conflicts", response_model=RoleConflictList,
            summary="Conflicting role pairs: nobody holds both (manage_roles or view_audit)")
def list_role_conflicts(ctx: Ctx) -> dict[str, Any]:
    return settings.list_conflicts(ctx)


@router.post("/role-conflicts", status_code=201, response_model=RoleConflictOut,
             summary="Declare two roles conflicting (manage_roles)")
def create_role_conflict(body: RoleConflictCreate, ctx: Ctx) -> dict[str, Any]:
    return settings.create_conflict(ctx, body.role_a_id, body.role_b_id, body.reason)


@router.delete("/role-conflicts/{conflict_id}", status_code=204,
               summary="Remove a conflicting role pair (manage_roles)")
def delete_role_conflict(conflict_id: PathId, ctx: Ctx, body: ReasonBody | None = None,
                         reason: ReasonQuery = None) -> Response:
    settings.delete_conflict(ctx, conflict_id, body.reason if body is not None else reason)
    return Response(status_code=204)


@router.get("/users/{user_id}/trainings", response_model=TrainingList,
            summary="A user's completed trainings (oneself; others: manage_users or "
                    "view_audit)")
def list_user_trainings(user_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return trainings.list_trainings(ctx, user_id)


@router.post("/users/{user_id}/trainings", status_code=201, response_model=TrainingOut,
             summary="Record a completed training (manage_users)")
def record_user_training(user_id: PathId, body: TrainingCreate, ctx: Ctx) -> dict[str, Any]:
    return trainings.record_training(ctx, user_id, body.course, body.completed_at,
                                     body.reason)


@router.get("/me/trainings", response_model=TrainingList, summary="My completed trainings")
def my_trainings(ctx: Ctx) -> dict[str, Any]:
    return trainings.list_trainings(ctx, ctx.actor_id)


@router.get("/approval-policies", response_model=PolicyList,
            summary="Approval policies and the default in force (manage_roles or view_audit)")
def list_approval_policies(ctx: Ctx) -> dict[str, Any]:
    return policies.list_policies(ctx)


@router.get("/approval-policies/{policy_id}", response_model=PolicyOut,
            summary="One approval policy with the steps a request for its role follows "
                    "(manage_roles or view_audit)")
def get_approval_policy(policy_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return policies.get_policy(ctx, policy_id)


def _policy_values(body: PolicyCreate | PolicyUpdate) -> dict[str, Any]:
    values = body.model_dump(exclude_unset=True, exclude={"reason", "version"})
    if "steps" in values and values["steps"] is not None:
        values["steps"] = [{k: v for k, v in s.items() if v is not None}
                           for s in values["steps"]]
    return values


@router.post("/approval-policies", status_code=201, response_model=PolicyOut,
             summary="Create the approval policy of a role, or the default one (manage_roles)")
def create_approval_policy(body: PolicyCreate, ctx: Ctx) -> dict[str, Any]:
    return policies.create_policy(ctx, _policy_values(body), body.reason)


@router.patch("/approval-policies/{policy_id}", response_model=PolicyOut,
              summary="Change an approval policy (manage_roles); requests made keep their "
                      "steps")
def update_approval_policy(policy_id: PathId, body: PolicyUpdate, ctx: Ctx) -> dict[str, Any]:
    return policies.update_policy(ctx, policy_id, _policy_values(body), body.version,
                                  body.reason)


@router.delete("/approval-policies/{policy_id}", status_code=204,
               summary="Delete an approval policy (manage_roles)")
def delete_approval_policy(policy_id: PathId, ctx: Ctx, body: _ReasonVersion | None = None,
                           reason: ReasonQuery = None, version: VersionQuery = None) -> Response:
    policies.delete_policy(ctx, policy_id, body.version if body is not None else version,
                           body.reason if body is not None else reason)
    return Response(status_code=204)
