"""What the lifecycle owes a user who is deactivated, done inside the deactivation's own
transaction (org/service.py `deactivate_user`):

- their pending requests (as requester or as beneficiary, pending or sent back for
  changes) are withdrawn, each with a `withdraw` entry in its history naming the
  administrator and the reason;
- the open review items they were to decide pass to another reviewer: the campaign's
  creator, else the successor, else another holder of `run_reviews`, else the
  administrator deactivating them — never the user whose access the item is about (with
  nobody else left, the item stays where it is, for a holder of `run_reviews`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from vouch.context import RequestContext
from vouch.org.models import User
from vouch.workflow.models import AccessRequest, RequestDecision, ReviewCampaign, ReviewItem
from vouch.workflow.reviews.scope import run_reviews_holders

OPEN_REQUEST = ("pending", "changes_requested")


def withdraw_requests(ctx: RequestContext, user_id: int, reason: str) -> list[int]:
    """Withdraw the user's open requests; returns their ids."""
    rows = ctx.session.scalars(select(AccessRequest).where(
        AccessRequest.status.in_(OPEN_REQUEST),
        or_(AccessRequest.requester_id == user_id, AccessRequest.beneficiary_id == user_id))
        .order_by(AccessRequest.id)).all()
    for req in rows:
        req.status = "withdrawn"
        req.decided_at = req.updated_at = ctx.now
        req.step_due_at = None
        req.version += 1
        ctx.session.add(RequestDecision(request_id=req.id, step=req.current_step,
                                        actor_id=ctx.actor_id, decision="withdraw",
                                        reason=reason, at=ctx.now))
    ctx.session.flush()
    return [r.id for r in rows]


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
