"""/me/notifications, /me/counts and /me/ending-soon: what the console header and the
notification list show (thin: parse, call the services, answer)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from vouch.deps import Ctx
from vouch.workflow import notifications, requests
from vouch.workflow.api_common import Cursor, Limit, PathId
from vouch.workflow.schemas import (
    CountsOut,
    EndingSoonOut,
    MarkedOut,
    NotificationOut,
    NotificationPage,
)

router = APIRouter(tags=["notifications"])


@router.get("/me/notifications", response_model=NotificationPage,
            summary="My notifications, newest first (unread=true: only unread)")
def my_notifications(ctx: Ctx, unread: bool | None = None, limit: Limit = None,
                     cursor: Cursor = None) -> dict[str, Any]:
    return notifications.list_notifications(ctx, unread=unread, limit=limit, cursor=cursor)


@router.post("/me/notifications/read-all", response_model=MarkedOut,
             summary="Mark all my notifications read")
def read_all(ctx: Ctx) -> dict[str, Any]:
    return notifications.mark_all_read(ctx)


@router.post("/me/notifications/{notification_id}/read", response_model=NotificationOut,
             summary="Mark one of my notifications read")
def read_one(notification_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return notifications.mark_read(ctx, notification_id)


@router.get("/me/counts", response_model=CountsOut,
            summary="The console header's counts: my open requests, requests to approve, "
                    "unread notifications, grants ending soon")
def my_counts(ctx: Ctx) -> dict[str, Any]:
    from vouch.workflow.deadlines import sweep_due

    sweep_due(ctx)
    notifications.refresh_ending_soon(ctx)
    ending = notifications.ending_soon(ctx)
    return {"my_pending_requests": requests.my_open_count(ctx),
            "to_approve": len(requests.approvable(ctx)),
            "unread_notifications": notifications.unread_count(ctx.session, ctx.actor_id),
            "ending_soon": len(ending["items"])}


@router.get("/me/ending-soon", response_model=EndingSoonOut,
            summary="My role assignments and shares ending within the notice period")
def my_ending_soon(ctx: Ctx) -> dict[str, Any]:
    return notifications.ending_soon(ctx)
