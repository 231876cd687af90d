"""A campaign's items as a CSV or XLSX file: one row per item with the grant as
reviewed, the decision and the outcome. The writers are the record exports' (records/io.py),
so text a spreadsheet would run as a formula is neutralised the same way. The export is
audited (`review.export`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from starlette.responses import Response

from vouch.access.admin import require_any
from vouch.audit import service as audit
from vouch.context import RequestContext
from vouch.errors import NotFound
from vouch.records.io import SINKS
from vouch.records.service import atomic
from vouch.workflow.models import ReviewCampaign, ReviewItem
from vouch.workflow.reviews.campaigns import READERS
from vouch.workflow.reviews.deadlines import settle_due
from vouch.workflow.reviews.rendering import render_items

COLUMNS = ("campaign_id", "campaign", "item_id", "user", "user_display_name", "reviewer",
           "kind", "role_key", "role_name", "object", "record_id", "record_name", "access",
           "grant_expires_at", "decision", "outcome", "decided_by", "decided_at", "reason")


def _row(campaign: ReviewCampaign, item: dict[str, Any]) -> dict[str, Any]:
    grant = item["grant"]
    user, reviewer, decider = item["user"] or {}, item["reviewer"] or {}, item["decided_by"]
    return {
        "campaign_id": campaign.id, "campaign": campaign.name, "item_id": item["id"],
        "user": user.get("username"), "user_display_name": user.get("display_name"),
        "reviewer": reviewer.get("username"), "kind": item["kind"],
        "role_key": grant.get("role_key"), "role_name": grant.get("role_name"),
        "object": grant.get("object"), "record_id": grant.get("record_id"),
        "record_name": grant.get("record_name"), "access": grant.get("access"),
        "grant_expires_at": grant.get("expires_at"), "decision": item["decision"],
        "outcome": item["outcome"] or "pending",
        "decided_by": decider.get("username") if decider else None,
        "decided_at": item["decided_at"], "reason": item["reason"],
    }


def export_campaign(ctx: RequestContext, campaign_id: int, fmt: str) -> Response:
    require_any(ctx, *READERS)
    settle_due(ctx)
    campaign = ctx.session.get(ReviewCampaign, campaign_id)
    if campaign is None:
        raise NotFound("review_campaign", campaign_id)
    items = list(ctx.session.scalars(select(ReviewItem).where(
        ReviewItem.campaign_id == campaign_id).order_by(ReviewItem.id)))
    rows = [_row(campaign, i) for i in render_items(ctx, items)]
    sink = SINKS[fmt](COLUMNS, f"review-{campaign.id}")
    body = sink.start() + sink.write(rows) + b"".join(sink.finish())
    with atomic(ctx):
        audit.record(ctx.session, ctx.origin, "review.export", object="review_campaign",
                     record_id=campaign.id, at=ctx.now,
                     details={"format": fmt, "rows": len(rows)})
    filename = f"review-{campaign.id}-{ctx.now:%Y%m%d-%H%M%S}.{fmt}"
    return Response(body, media_type=sink.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
