"""What the lifecycle owes a user who is deactivated, done inside the deactivation's own
transaction (org/service.py `deactivate_user`):

- their open requests (as requester or as beneficiary, pending or sent back for
  changes) are withdrawn, each with a `withdrawn` entry in its history naming the
  administrator and the reason (the same entry as a requester's own withdrawal), and an
  audit event;
- the open review items they were to decide pass to another reviewer: the campaign's
  creator, else the successor, else another holder of `run_reviews`, else the
  administrator deactivating them — never the user whose access the item is about (with
  nobody else left, the item stays where it is, for a holder of `run_reviews`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from vouch.context import RequestContext
from vouch.org.models import User
from vouch.workflow.models import ReviewCampaign, ReviewItem
from vouch.workflow.requests import withdraw_open_requests_of
from vouch.workflow.reviews.scope import run_reviews_holders


def withdraw_requests(ctx: RequestContext, user_id: int, reason: str) -> list[int]:
    """Withdraw the user's open requests, each with its history entry and audit event
    (the requests' own closing, workflow/decisions.py); returns their ids."""
    return withdraw_open_requests_of(ctx, user_id, reason)


def hand_over_reviews(ctx: RequestContext, user_id: int, successor_id: int
                      ) -> list[dict[str, Any]]:
    """Give the user's undecided items of open campaigns to another reviewer; returns
    what went where."""
    items = ctx.session.execute(
        select(ReviewItem, ReviewCampaign)
        .join(ReviewCampaign, ReviewCampaign.id == ReviewItem.campaign_id)
        .where(ReviewItem.reviewer_id == user_id, ReviewItem.outcome.is_(None),
               ReviewCampaign.status == "open").order_by(ReviewItem.id)).tuples().all()
    if not items:
        return []
    active = set(ctx.session.scalars(select(User.id).where(User.active.is_(True))))
    holders = [h for h in run_reviews_holders(ctx.session, ctx.now) if h != user_id]
    moved = []
    for item, campaign in items:
        candidates = [campaign.created_by, successor_id, *holders, ctx.actor_id]
        new = next((c for c in candidates
                    if c in active and c not in (user_id, item.user_id)), None)
        if new is not None:  # else it stays for any holder of run_reviews to decide
            item.reviewer_id = new
            item.version += 1
        moved.append({"item_id": item.id, "campaign_id": campaign.id, "reviewer_id": new})
    ctx.session.flush()
    return moved
