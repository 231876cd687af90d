"""Access reviews (WORKFLOW.md "Changing, reviewing and revoking"): campaigns over all
users, a department subtree or the holders of given roles; reviewers certify or revoke
each role assignment and share; deadlines keep or revoke what is undecided; progress,
outcome reports and exports.

Modules, one job each: `scope` (whom a campaign covers, who reviews them), `grants`
(snapshots, liveness, revocation), `campaigns` (start, read, close), `items` (queues,
decisions), `deadlines` (settling a campaign), `reports`, `export`, `rendering`, `actor`
(a user or the system, and its transaction), `schemas` (API shapes)."""

from __future__ import annotations

from vouch.workflow.reviews.campaigns import (
    READERS,
    close_campaign,
    create_campaign,
    get_campaign,
    list_campaigns,
)
from vouch.workflow.reviews.deadlines import close_due, settle_due
from vouch.workflow.reviews.export import export_campaign
from vouch.workflow.reviews.items import decide, list_items, my_reviews
from vouch.workflow.reviews.reports import campaign_report

__all__ = ["READERS", "campaign_report", "close_campaign", "close_due", "create_campaign",
           "decide", "export_campaign", "get_campaign", "list_campaigns", "list_items",
           "my_reviews", "settle_due"]
