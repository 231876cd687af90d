"""How campaigns and items look in answers: people by id and name, grants as reviewed,
record names only for readers who may view the record now, progress counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vouch.access import query
from vouch.access.admin import iso
from vouch.access.engine import object_field_levels
from vouch.catalog import OBJECT_NAMES, FieldLevel, Sensitivity, get_object
from vouch.context import RequestContext
from vouch.org.models import User
from vouch.records.models import model_for
from vouch.workflow.models import ReviewCampaign, ReviewItem

# What happened to an item in the end (ReviewItem.outcome); None while undecided.
OUTCOMES = ("certified", "revoked", "gone", "kept_at_deadline", "revoked_at_deadline",
            "kept_at_close", "revoked_at_close")
REMOVED = ("revoked", "revoked_at_deadline", "revoked_at_close")


def people(session: Session, ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.username, User.display_name, User.active)
                           .where(User.id.in_(wanted)))
    return {uid: {"id": uid, "username": name, "display_name": display, "active": active}
            for uid, name, display, active in rows}


def visible_titles(ctx: RequestContext, obj: str, ids: Iterable[int]) -> dict[int, str]:
    """Titles of the records of `obj` among `ids` that the actor may view now, when the
    title field is readable for them (and not a sensitive field, whose reads are audited
    per request)."""
    wanted = sorted(set(ids))
    if not wanted or obj not in OBJECT_NAMES or not ctx.profile.access(obj, "view").granted:
        return {}
    odef = get_object(obj)
    title = odef.field(odef.title_field)
    level = object_field_levels(ctx.profile, obj)[title.name].level
    if level.rank < FieldLevel.READ.rank or title.sensitivity is not Sensitivity.NORMAL:
        return {}
    model = model_for(obj)
    out: dict[int, str] = {}
    for i in range(0, len(wanted), 500):
        out.update((rid, str(name)) for rid, name in ctx.session.execute(
            query.filtered_select(ctx.profile, obj, "view", ctx.now, model.id,
                                  getattr(model, title.name))
            .where(model.id.in_(wanted[i:i + 500]))) if name is not None)
    return out


def record_names_for(ctx: RequestContext, items: Iterable[ReviewItem]) -> dict[tuple[str, int],
                                                                                str]:
    """(object, record id) → name, for the shares among `items` the reader may view."""
    by_object: dict[str, set[int]] = {}
    for item in items:
        snap = item.snapshot or {}
        if item.kind == "share" and snap.get("object") and snap.get("record_id"):
            by_object.setdefault(snap["object"], set()).add(snap["record_id"])
    return {(obj, rid): name for obj, ids in by_object.items()
            for rid, name in visible_titles(ctx, obj, ids).items()}


def grant_view(item: ReviewItem, names: Mapping[tuple[str, int], str]) -> dict[str, Any]:
    """The grant as it was when the campaign started. A shared record's name is the
    reader's own view of it now (null when they may not view it)."""
    snap = dict(item.snapshot or {})
    if item.kind == "share":
        snap["record_name"] = names.get((snap.get("object", ""), snap.get("record_id", 0)))
    return snap


def item_dict(item: ReviewItem, who: Mapping[int, dict[str, Any]],
              names: Mapping[tuple[str, int], str],
              campaign: ReviewCampaign | None = None) -> dict[str, Any]:
    out = {
        "id": item.id, "campaign_id": item.campaign_id, "kind": item.kind,
        "user": who.get(item.user_id), "reviewer": who.get(item.reviewer_id),
        "assignment_id": item.assignment_id, "share_id": item.share_id,
        "grant": grant_view(item, names), "decision": item.decision,
        "decided_by": who.get(item.decided_by) if item.decided_by else None,
        "decided_at": iso(item.decided_at), "reason": item.reason, "outcome": item.outcome,
        "pending": item.outcome is None, "version": item.version,
    }
    if campaign is not None:
        out["campaign"] = {"id": campaign.id, "name": campaign.name,
                           "deadline": iso(campaign.deadline),
                           "on_deadline": campaign.on_deadline, "status": campaign.status}
    return out


def render_items(ctx: RequestContext, items: list[ReviewItem],
                 campaigns: Mapping[int, ReviewCampaign] | None = None) -> list[dict[str, Any]]:
    who = people(ctx.session, [i for it in items
                               for i in (it.user_id, it.reviewer_id, it.decided_by)])
    names = record_names_for(ctx, items)
    return [item_dict(it, who, names, campaigns.get(it.campaign_id) if campaigns else None)
            for it in items]


def empty_progress() -> dict[str, Any]:
    return {"total": 0, "pending": 0, "certified": 0, "revoked": 0,
            "outcomes": dict.fromkeys(OUTCOMES, 0)}


def add_count(progress: dict[str, Any], decision: str | None, outcome: str | None,
              n: int) -> None:
    progress["total"] += n
    if outcome is None:
        progress["pending"] += n
    else:
        progress["outcomes"][outcome] = progress["outcomes"].get(outcome, 0) + n
    if decision == "certify":
        progress["certified"] += n
    elif decision == "revoke":
        progress["revoked"] += n


def progress_of(session: Session, campaign_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Counts per campaign in one grouped query: total, pending, decisions (certified,
    revoked) and outcomes."""
    out = {cid: empty_progress() for cid in campaign_ids}
    if not campaign_ids:
        return out
    rows = session.execute(
        select(ReviewItem.campaign_id, ReviewItem.decision, ReviewItem.outcome, func.count())
        .where(ReviewItem.campaign_id.in_(campaign_ids))
        .group_by(ReviewItem.campaign_id, ReviewItem.decision, ReviewItem.outcome))
    for cid, decision, outcome, n in rows:
        add_count(out[cid], decision, outcome, int(n))
    return out


def progress_by_reviewer(session: Session, campaign_id: int) -> list[dict[str, Any]]:
    per: dict[int, dict[str, Any]] = {}
    for reviewer, decision, outcome, n in session.execute(
            select(ReviewItem.reviewer_id, ReviewItem.decision, ReviewItem.outcome,
                   func.count())
            .where(ReviewItem.campaign_id == campaign_id)
            .group_by(ReviewItem.reviewer_id, ReviewItem.decision, ReviewItem.outcome)):
        add_count(per.setdefault(reviewer, empty_progress()), decision, outcome, int(n))
    who = people(session, per)
    return [{"reviewer": who.get(rid), **counts} for rid, counts in sorted(per.items())]


def campaign_dict(c: ReviewCampaign, who: Mapping[int, dict[str, Any]],
                  progress: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": c.id, "name": c.name,
        "scope": {"kind": c.scope_kind, "department_id": c.department_id,
                  "role_ids": list(c.role_ids or [])},
        "deadline": iso(c.deadline), "on_deadline": c.on_deadline, "status": c.status,
        "reason": c.reason, "created_by": who.get(c.created_by),
        "created_at": iso(c.created_at), "closed_at": iso(c.closed_at),
        "closed_early": c.closed_at is not None and c.closed_at < c.deadline,
        "version": c.version, "progress": progress,
    }


def outcome_counter(rows: Iterable[tuple[str | None, int]]) -> Counter[str]:
    counter: Counter[str] = Counter()
    for outcome, n in rows:
        counter[outcome or "pending"] += n
    return counter
