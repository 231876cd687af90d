"""/reviews, /review-items, /me/reviews and /access/dormant: access reviews and the
dormant-permissions report (thin: parse, call the service with the request context,
answer)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from vouch.deps import Ctx
from vouch.workflow import dormant, reviews
from vouch.workflow.reviews.schemas import (
    CampaignCreate,
    CampaignDetail,
    CampaignPage,
    CertifyBody,
    CloseBody,
    DormantReport,
    Item,
    ItemPage,
    MyReviews,
    Report,
    RevokeBody,
)

router = APIRouter(tags=["reviews"])

MAX_ID = 2**31 - 1
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Limit = Annotated[int | None, Query(ge=1, le=1000)]
Cursor = Annotated[str | None, Query(max_length=20)]
READ = "run_reviews, view_audit or manage_roles"


@router.post("/reviews", status_code=201, response_model=CampaignDetail,
             summary="Start an access-review campaign (run_reviews): one item per active "
                     "role assignment and per share of each user in scope")
def create_campaign(body: CampaignCreate, ctx: Ctx) -> dict[str, Any]:
    return reviews.create_campaign(
        ctx, name=body.name, scope=body.scope, department_id=body.department_id,
        role_ids=body.role_ids, deadline=body.deadline, on_deadline=body.on_deadline,
        reason=body.reason)


@router.get("/reviews", response_model=CampaignPage,
            summary=f"Review campaigns with their progress ({READ})")
def list_campaigns(ctx: Ctx, status: Literal["open", "closed"] | None = None,
                   limit: Limit = None, cursor: Cursor = None) -> dict[str, Any]:
    return reviews.list_campaigns(ctx, status=status, limit=limit, cursor=cursor)


@router.get("/reviews/{campaign_id}", response_model=CampaignDetail,
            summary=f"One campaign: progress overall and per reviewer ({READ})")
def get_campaign(campaign_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return reviews.get_campaign(ctx, campaign_id)


@router.get("/reviews/{campaign_id}/items", response_model=ItemPage,
            summary=f"A campaign's items, by reviewer, user or decided ({READ})")
def list_items(campaign_id: PathId, ctx: Ctx, reviewer: OptionalId = None,
               user: OptionalId = None, decided: bool | None = None, limit: Limit = None,
               cursor: Cursor = None) -> dict[str, Any]:
    return reviews.list_items(ctx, campaign_id, reviewer_id=reviewer, user_id=user,
                              decided=decided, limit=limit, cursor=cursor)


@router.get("/reviews/{campaign_id}/report", response_model=Report,
            summary=f"Outcome per reviewer and per role, and the revocations ({READ})")
def report(campaign_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return reviews.campaign_report(ctx, campaign_id)


@router.get("/reviews/{campaign_id}/export", response_class=Response,
            summary=f"The campaign's items as CSV or XLSX ({READ})",
            responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-"
                                         "officedocument.spreadsheetml.sheet": {}}}})
def export(campaign_id: PathId, ctx: Ctx,
           format: Literal["csv", "xlsx"] = "csv") -> Response:
    return reviews.export_campaign(ctx, campaign_id, format)


@router.post("/reviews/{campaign_id}/close", response_model=CampaignDetail,
             summary="Close a campaign early (run_reviews); undecided items are kept or "
                     "revoked")
def close_campaign(campaign_id: PathId, body: CloseBody, ctx: Ctx) -> dict[str, Any]:
    return reviews.close_campaign(ctx, campaign_id, reason=body.reason, version=body.version,
                                  undecided=body.undecided)


@router.get("/me/reviews", response_model=MyReviews,
            summary="My review items still to decide, across open campaigns, with counts")
def my_reviews(ctx: Ctx, limit: Limit = None, cursor: Cursor = None) -> dict[str, Any]:
    return reviews.my_reviews(ctx, limit=limit, cursor=cursor)


@router.post("/review-items/{item_id}/certify", response_model=Item,
             summary="Certify an item: the grant stays (its reviewer, or run_reviews)")
def certify(item_id: PathId, body: CertifyBody, ctx: Ctx) -> dict[str, Any]:
    return reviews.decide(ctx, item_id, "certify", reason=body.reason, version=body.version)


@router.post("/review-items/{item_id}/revoke", response_model=Item,
             summary="Revoke an item: the grant ends now (its reviewer, or run_reviews; "
                     "reason required)")
def revoke(item_id: PathId, body: RevokeBody, ctx: Ctx) -> dict[str, Any]:
    return reviews.decide(ctx, item_id, "revoke", reason=body.reason, version=body.version)


@router.get("/access/dormant", response_model=DormantReport, tags=["reviews"],
            summary="Dormant permissions from the audit log, per user and role "
                    "(manage_roles, view_audit or run_reviews)")
def dormant_permissions(ctx: Ctx, days: Annotated[int, Query(ge=1, le=dormant.MAX_DAYS)] = 90,
                        user_id: OptionalId = None, role_id: OptionalId = None,
                        dormant_only: bool = False, limit: Limit = None,
                        cursor: Cursor = None) -> dict[str, Any]:
    return dormant.dormant_report(ctx, days=days, user_id=user_id, role_id=role_id,
                                  dormant_only=dormant_only, limit=limit, cursor=cursor)
