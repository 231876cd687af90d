"""/departments and /users: the organisation's administration (thin: parse, call the
service with the request context, answer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from vouch.deps import Ctx
from vouch.org import service
from vouch.org.schemas import (
    DepartmentCreate,
    DepartmentUpdate,
    ReasonAndVersion,
    UserCreate,
    UserDeactivate,
    UserMove,
    UserUpdate,
)

router = APIRouter(tags=["admin"])

PathId = Annotated[int, Path(ge=1, le=2**31 - 1)]
OptionalId = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
Limit = Annotated[int | None, Query(ge=1, le=1000)]
Cursor = Annotated[str | None, Query(max_length=20)]
ReasonQuery = Annotated[str | None, Query(max_length=2000, description="why (or in the body)")]
VersionQuery = Annotated[int | None, Query(ge=1, description="the version you read (or in "
                                           "the body)")]


def reason_and_version(body: ReasonAndVersion | None, reason: str | None,
                       version: int | None) -> tuple[str | None, int | None]:
    """A DELETE carries reason and version in its body or, for clients that cannot send a
    body with DELETE, in the query."""
    if body is not None:
        return body.reason, body.version
    return reason, version


def _changes(body: Any) -> dict[str, Any]:
    return dict(body.model_dump(exclude_unset=True, exclude={"reason", "version"}))


# --- departments -------------------------------------------------------------------------------


@router.get("/departments", summary="The department tree (any signed-in user)")
def list_departments(ctx: Ctx) -> dict[str, Any]:
    return service.list_departments(ctx)


@router.get("/departments/{department_id}",
            summary="One department with its path from the top and its children")
def get_department(department_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return service.get_department(ctx, department_id)


@router.post("/departments", status_code=201, summary="Create a department (manage_users)")
def create_department(body: DepartmentCreate, ctx: Ctx) -> dict[str, Any]:
    return service.create_department(ctx, _changes(body), body.reason)


@router.patch("/departments/{department_id}",
              summary="Rename, move under another parent, or change the head (manage_users)")
def update_department(department_id: PathId, body: DepartmentUpdate, ctx: Ctx) -> dict[str, Any]:
    return service.update_department(ctx, department_id, _changes(body), body.version,
                                     body.reason)


@router.delete("/departments/{department_id}", status_code=204,
               summary="Delete an empty department (manage_users)")
def delete_department(department_id: PathId, ctx: Ctx, body: ReasonAndVersion | None = None,
                      reason: ReasonQuery = None, version: VersionQuery = None) -> Response:
    why, ver = reason_and_version(body, reason, version)
    service.delete_department(ctx, department_id, ver, why)
    return Response(status_code=204)


# --- users -------------------------------------------------------------------------------------


@router.get("/users", summary="Users: everyone sees active users' names and departments "
            "(for pickers); manage_users or view_audit see everything but passwords")
def list_users(ctx: Ctx, q: Annotated[str | None, Query(max_length=100)] = None,
               department: OptionalId = None, active: bool | None = None,
               limit: Limit = None, cursor: Cursor = None) -> dict[str, Any]:
    return service.list_users(ctx, q=q, department_id=department, active=active,
                              limit=limit, cursor=cursor)


@router.get("/users/{user_id}", summary="One user (full view with manage_users or view_audit)")
def get_user(user_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return service.get_user(ctx, user_id)


@router.post("/users", status_code=201, summary="Create a user (manage_users)")
def create_user(body: UserCreate, ctx: Ctx) -> dict[str, Any]:
    return service.create_user(ctx, _changes(body), body.reason)


@router.patch("/users/{user_id}", summary="Edit a user's details, manager or password "
              "(manage_users); department changes are moves")
def update_user(user_id: PathId, body: UserUpdate, ctx: Ctx) -> dict[str, Any]:
    return service.update_user(ctx, user_id, _changes(body), body.version, body.reason)


@router.post("/users/{user_id}/move", summary="Move a user to another department "
             "(manage_users); records follow or stay; chosen role assignments end")
def move_user(user_id: PathId, body: UserMove, ctx: Ctx) -> dict[str, Any]:
    return service.move_user(ctx, user_id, department_id=body.department_id,
                             manager_id=body.manager_id,
                             manager_given="manager_id" in body.model_fields_set,
                             records=body.records, version=body.version, reason=body.reason,
                             end_assignment_ids=body.end_assignment_ids)


@router.post("/users/{user_id}/deactivate", summary="Deactivate a user (manage_users): "
             "sessions end, records pass to the successor (default: the manager), roles "
             "end, pending requests are withdrawn, open review items pass on")
def deactivate_user(user_id: PathId, body: UserDeactivate, ctx: Ctx) -> dict[str, Any]:
    return service.deactivate_user(ctx, user_id, successor_id=body.successor_id,
                                   version=body.version, reason=body.reason)


@router.post("/users/{user_id}/reactivate", summary="Reactivate a user, with no roles "
             "(manage_users)")
def reactivate_user(user_id: PathId, body: ReasonAndVersion, ctx: Ctx) -> dict[str, Any]:
    return service.reactivate_user(ctx, user_id, version=body.version, reason=body.reason)
