"""Review items: a campaign's items, a reviewer's queue, and deciding one.

Who decides: the item's reviewer, or a holder of `run_reviews`; never the user whose
access it is. Someone who may read campaigns (`view_audit`, `manage_roles`) but not
decide is told so (403 naming `run_reviews`); anyone else gets 404, as if the item did not
exist. A revocation deletes the grant in the decision's own transaction (policy version
bump, audit event); a grant already gone (deleted, expired, replaced) ends the item as
`gone` whatever the decision."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from vouch.access.admin import (
    MAX_REASON,
    admin_change,
    claim_version,
    clean_reason,
    clean_text,
    iso,
    require_any,
    require_version,
)
from vouch.context import RequestContext
from vouch.errors import Conflict, ErrorType, NotFound, PermissionDenied
from vouch.workflow.models import ReviewCampaign, ReviewItem
from vouch.workflow.reviews.actor import Actor
from vouch.workflow.reviews.campaigns import READERS, keyset
from vouch.workflow.reviews.deadlines import settle_due
from vouch.workflow.reviews.grants import live_grant, revoke
from vouch.workflow.reviews.rendering import render_items

DECISIONS = {"certify": "certified", "revoke": "revoked"}


def list_items(ctx: RequestContext, campaign_id: int, *, reviewer_id: int | None = None,
               user_id: int | None = None, decided: bool | None = None,
               limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
    require_any(ctx, *READERS)
    settle_due(ctx)
    campaign = ctx.session.get(ReviewCampaign, campaign_id)
    if campaign is None:
        raise NotFound("review_campaign", campaign_id)
    stmt = select(ReviewItem).where(ReviewItem.campaign_id == campaign_id)
    if reviewer_id is not None:
        stmt = stmt.where(ReviewItem.reviewer_id == reviewer_id)
    if user_id is not None:
        stmt = stmt.where(ReviewItem.user_id == user_id)
    if decided is not None:
        stmt = stmt.where(ReviewItem.outcome.is_not(None) if decided
                          else ReviewItem.outcome.is_(None))
    rows, next_cursor = keyset(ctx.session, stmt, ReviewItem.id, limit, cursor)
    return {"items": render_items(ctx, rows, {campaign.id: campaign}),
            "next_cursor": next_cursor}


def my_reviews(ctx: RequestContext, *, limit: int | None = None,
               cursor: str | None = None) -> dict[str, Any]:
    """The actor's items still to decide, across open campaigns, with the counts the
    console's header shows (open to every signed-in user: a manager reviews without any
    system permission)."""
    settle_due(ctx)
    mine = (select(ReviewItem).join(ReviewCampaign,
                                    ReviewCampaign.id == ReviewItem.campaign_id)
            .where(ReviewItem.reviewer_id == ctx.actor_id, ReviewItem.outcome.is_(None),
                   ReviewCampaign.status == "open"))
    rows, next_cursor = keyset(ctx.session, mine, ReviewItem.id, limit, cursor)
    per_campaign = ctx.session.execute(
        select(ReviewCampaign, func.count(ReviewItem.id))
        .join(ReviewItem, ReviewItem.campaign_id == ReviewCampaign.id)
        .where(ReviewItem.reviewer_id == ctx.actor_id, ReviewItem.outcome.is_(None),
               ReviewCampaign.status == "open")
        .group_by(ReviewCampaign.id).order_by(ReviewCampaign.deadline, ReviewCampaign.id)
    ).tuples().all()
    campaigns = {c.id: c for c, _n in per_campaign}
    return {
        "pending": sum(int(n) for _c, n in per_campaign),
        "campaigns": [{"id": c.id, "name": c.name, "deadline": iso(c.deadline),
                       "on_deadline": c.on_deadline, "pending": int(n)}
                      for c, n in per_campaign],
        "items": render_items(ctx, rows, campaigns),
        "next_cursor": next_cursor,
    }


def _may_decide(ctx: RequestContext, item: ReviewItem) -> None:
    if item.reviewer_id == ctx.actor_id or "run_reviews" in ctx.profile.permissions:
        return
    if any(p in ctx.profile.permissions for p in READERS):
        exc = PermissionDenied("run_reviews")
        exc.message = ("requires the system permission run_reviews: only the item's "
                       "reviewer or a holder of run_reviews decides")
        exc.args = (exc.message,)
        raise exc
    raise NotFound("review_item", item.id)


def decide(ctx: RequestContext, item_id: int, decision: str, *, reason: object,
           version: object) -> dict[str, Any]:
    """Certify or revoke one item (reason required to revoke)."""
    if decision == "revoke":
        why: str | None = clean_reason(reason)
    else:
        why = clean_text(reason, "reason", required=False, limit=MAX_REASON)
    require_version(version)
    settle_due(ctx)
    with admin_change(ctx):
        session = ctx.session
        item = session.get(ReviewItem, item_id)
        if item is None:
            raise NotFound("review_item", item_id)
        _may_decide(ctx, item)
        if item.user_id == ctx.actor_id:
            raise Conflict("you cannot review your own access", {"id": item_id,
                                                                 "reason": "own_access"},
                           type=ErrorType.SELF)
        campaign = session.get(ReviewCampaign, item.campaign_id)
        assert campaign is not None
        if campaign.status != "open":
            raise Conflict(f"review campaign {campaign.id} is closed; its items can no "
                           "longer be decided", {"id": item_id, "campaign_id": campaign.id,
                                                 "reason": "campaign_closed"})
        if item.outcome is not None:
            raise Conflict(f"review item {item_id} is decided already ({item.outcome})",
                           {"id": item_id, "outcome": item.outcome, "reason": "decided"})
        claim_version(session, ReviewItem, item_id, version, "review_item")
        session.refresh(item)
        actor = Actor.of(ctx)
        row = live_grant(session, item, ctx.now)
        outcome = DECISIONS[decision] if row is not None else "gone"
        item.decision, item.decided_by, item.decided_at = decision, ctx.actor_id, ctx.now
        item.reason, item.outcome = why, outcome
        if row is not None and decision == "revoke":
            assert why is not None
            revoke(actor, item, row, outcome, why)
            item.assignment_id = item.share_id = None
        else:
            actor.note(f"review.item_{outcome}", "review_item", item.id, why,
                       after={"decision": decision, "outcome": outcome},
                       details={"campaign_id": campaign.id, "user_id": item.user_id,
                                "grant": item.snapshot})
        session.flush()
    return render_items(ctx, [item], {campaign.id: campaign})[0]
