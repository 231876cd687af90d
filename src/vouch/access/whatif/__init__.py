"""What-if: the impact of a proposed change to a role, an assignment, a sharing rule or a
restriction rule, before it is saved (WORKFLOW.md, issue 6 item 5).

    proposal = check_change(ctx, kind, op, id, body)   # the real endpoint's checks, no write
    result = impact(session, proposal, now)             # per user: scopes, fields, records
    answer = what_if(ctx, kind, op, id, body)           # both, rendered one page at a time

The facts after the change are built in memory from the stored facts and the change, both
profiles are compiled by the pure engine (`compile_profile`, `engine.diff`), and records
that become visible or invisible are counted in SQL under the engine's own view filters.
"""

from vouch.access.whatif.checks import check_change
from vouch.access.whatif.counting import count_changes
from vouch.access.whatif.impact import Impact, UserImpact, impact
from vouch.access.whatif.proposal import BODY_MODELS, KINDS, OPS, Proposal, parse_body
from vouch.access.whatif.service import what_if

__all__ = ["BODY_MODELS", "KINDS", "OPS", "Impact", "Proposal", "UserImpact", "check_change",
           "count_changes", "impact", "parse_body", "what_if"]
