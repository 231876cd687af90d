"""A campaign's report: progress and outcome per reviewer and per role (shares
apart), and the list of what was revoked — by a reviewer, at the deadline or at an early
close."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from vouch.access.admin import require_any
from vouch.context import RequestContext
from vouch.errors import NotFound
from vouch.workflow.models import ReviewCampaign, ReviewItem
from vouch.workflow.reviews.campaigns import READERS
from vouch.workflow.reviews.deadlines import settle_due
from vouch.workflow.reviews.rendering import (
    REMOVED,
    add_count,
    campaign_dict,
    empty_progress,
    people,
    render_items,
)


def campaign_report(ctx: RequestContext, campaign_id: int) -> dict[str, Any]:
    require_any(ctx, *READERS)
    settle_due(ctx)
    campaign = ctx.session.get(ReviewCampaign, campaign_id)
    if campaign is None:
        raise NotFound("review_campaign", campaign_id)
    items = list(ctx.session.scalars(select(ReviewItem).where(
        ReviewItem.campaign_id == campaign_id).order_by(ReviewItem.id)))
    overall = empty_progress()
    per_reviewer: dict[int, dict[str, Any]] = {}
    per_role: dict[int, dict[str, Any]] = {}
    role_names: dict[int, dict[str, Any]] = {}
    shares = empty_progress()
    for item in items:
        add_count(overall, item.decision, item.outcome, 1)
        add_count(per_reviewer.setdefault(item.reviewer_id, empty_progress()),
                  item.decision, item.outcome, 1)
        snap = item.snapshot or {}
        if item.kind == "assignment":
            rid = int(snap.get("role_id", 0))
            role_names.setdefault(rid, {"id": rid, "key": snap.get("role_key"),
                                        "name": snap.get("role_name"),
                                        "name_en": snap.get("role_name_en")})
            add_count(per_role.setdefault(rid, empty_progress()), item.decision,
                      item.outcome, 1)
        else:
            add_count(shares, item.decision, item.outcome, 1)
    who = people(ctx.session, [campaign.created_by, *per_reviewer])
    removed = [i for i in items if i.outcome in REMOVED]
    return {
        "campaign": campaign_dict(campaign, who, overall),
        "by_reviewer": [{"reviewer": who.get(r), **counts}
                        for r, counts in sorted(per_reviewer.items())],
        "by_role": [{"role": role_names[r], **counts} for r, counts in sorted(per_role.items())],
        "shares": shares,
        "revocations": render_items(ctx, removed),
    }
