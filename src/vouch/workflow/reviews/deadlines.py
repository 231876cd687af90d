"""Ending a campaign: at its deadline, or early by hand.

Undecided items follow the campaign's `on_deadline` (or, for an early close, the choice of
the administrator who closes it): `keep` leaves the grant (`kept_at_deadline`), `revoke`
deletes it (`revoked_at_deadline`), each revocation audited on its own with the policy
version bump; an item whose grant is already gone ends `gone`. Deadlines are decision
time: a campaign past its deadline is settled by the first read or decision that touches
campaigns or items (as the system, in a transaction of its own before the request's own
work), or by `vouch reviews close-due`; no scheduler is needed for the answers to be
right."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vouch.access.admin import admin_change, iso
from vouch.context import RequestContext
from vouch.workflow.models import ReviewCampaign, ReviewItem
from vouch.workflow.reviews.actor import Actor, system_change
from vouch.workflow.reviews.grants import live_grant, revoke


def _due(session: Session, now: datetime) -> list[int]:
    return list(session.scalars(select(ReviewCampaign.id).where(
        ReviewCampaign.status == "open", ReviewCampaign.deadline <= now)
        .order_by(ReviewCampaign.id)))


def settle(actor: Actor, campaign: ReviewCampaign, undecided: str, trigger: str,
           reason: str, bump_version: bool = True) -> dict[str, int]:
    """Close `campaign` in the actor's transaction; `trigger` is `deadline` or `close`
    (whose caller claimed the version already). Returns the count of each outcome given
    to the undecided items."""
    counts: Counter[str] = Counter()
    items = actor.session.scalars(select(ReviewItem).where(
        ReviewItem.campaign_id == campaign.id, ReviewItem.outcome.is_(None))
        .order_by(ReviewItem.id)).all()
    for item in items:
        row = live_grant(actor.session, item, actor.now)
        if row is None:
            item.outcome = "gone"
        elif undecided == "revoke":
            item.outcome = f"revoked_at_{trigger}"
            revoke(actor, item, row, item.outcome, reason)
            item.assignment_id = item.share_id = None
        else:
            item.outcome = f"kept_at_{trigger}"
        item.version += 1
        counts[item.outcome] += 1
    before = {"status": campaign.status}
    campaign.status = "closed"
    campaign.closed_at = campaign.deadline if trigger == "deadline" else actor.now
    if bump_version:
        campaign.version += 1
    actor.session.flush()
    actor.note("review.campaign_closed", "review_campaign", campaign.id, reason,
               before=before,
               after={"status": "closed", "closed_at": iso(campaign.closed_at),
                      "version": campaign.version},
               details={"trigger": trigger, "undecided": undecided,
                        "outcomes": dict(counts)})
    return dict(counts)


def _settle_due(actor: Actor) -> list[dict[str, Any]]:
    done = []
    for campaign_id in _due(actor.session, actor.now):  # read again under the lock
        campaign = actor.session.get(ReviewCampaign, campaign_id)
        assert campaign is not None
        why = (f"access review {campaign.id} ({campaign.name}) reached its deadline: "
               f"undecided items are {'revoked' if campaign.on_deadline == 'revoke' else 'kept'}")
        outcomes = settle(actor, campaign, campaign.on_deadline, "deadline", why)
        done.append({"id": campaign.id, "name": campaign.name, "outcomes": outcomes})
    return done


def settle_due(ctx: RequestContext) -> list[dict[str, Any]]:
    """Settle every campaign past its deadline, as the system, before a request reads or
    decides (one cheap query when none is due)."""
    if not _due(ctx.session, ctx.now):
        return []
    with admin_change(ctx):
        return _settle_due(Actor.system(ctx.session, ctx.now, ctx.request_id))


def close_due(session: Session, now: datetime) -> list[dict[str, Any]]:
    """The command line's sweep: the same, with no signed-in user."""
    due = _due(session, now)
    session.rollback()  # the lock is the transaction's first statement
    if not due:
        return []
    with system_change(session):
        return _settle_due(Actor.system(session, now))


# (policy version, earliest deadline of an open campaign) as this process last read it.
# Creating a campaign and settling one both move the policy version, so a stale entry is
# never trusted: another process's new campaign shows up as a new version here.
_next_deadline: tuple[int, datetime | None] | None = None
_next_lock = threading.Lock()


def settle_before_deciding(session: Session, now: datetime) -> None:
    """Called before any access decision is made for a request or a command: a campaign
    whose deadline has passed is settled first (undecided grants of a `revoke` campaign
    end at the deadline, not when someone next looks at reviews). Costs one read of the
    policy version while nothing is due."""
    global _next_deadline
    from vouch.access.service import policy_version

    version = policy_version(session)
    with _next_lock:
        known = _next_deadline
    if known is not None and known[0] == version and (known[1] is None or now < known[1]):
        return
    earliest = session.scalar(select(func.min(ReviewCampaign.deadline))
                              .where(ReviewCampaign.status == "open"))
    if earliest is not None and earliest <= now:
        # Contexts are made where a unit of work starts, so this ends at most a read.
        session.commit()
        close_due(session, now)
        version = policy_version(session)
        earliest = session.scalar(select(func.min(ReviewCampaign.deadline))
                                  .where(ReviewCampaign.status == "open"))
    with _next_lock:
        _next_deadline = (version, earliest)
