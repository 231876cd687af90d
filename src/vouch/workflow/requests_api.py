"""/requests, /approvals, /me/requests and /me/access/problems: asking for access,
deciding, and following one's requests (thin: parse, call the workflow services,
answer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from vouch.deps import Ctx
from vouch.workflow import decisions, requests
from vouch.workflow.api_common import Cursor, Limit, PathId
from vouch.workflow.schemas import (
    ApprovalsOut,
    DecisionBody,
    DecisionWithReason,
    ProblemReport,
    RequestCheckOut,
    RequestCreate,
    RequestDetailOut,
    RequestIn,
    RequestPage,
    ResubmitBody,
)

router = APIRouter(tags=["requests"])
StatusQuery = Annotated[str | None, Query(max_length=20, description="open, closed, all, or "
                                          "one status")]
PRECONDITIONS_422 = {422: {"description": "bad input, or preconditions fail: "
                                          "error.details.preconditions lists each with its "
                                          "code and params"},
                     409: {"description": "held already (conflict.already_holds) or an open "
                                          "request for the same exists"}}


def _values(body: RequestIn) -> dict[str, Any]:
    return body.model_dump(exclude={"kind", "reason"})


@router.post("/requests", status_code=201, response_model=RequestDetailOut,
             responses=PRECONDITIONS_422,  # type: ignore[arg-type]
             summary="Request a role (optionally for days or until a time) or access to one "
                     "record; preconditions are checked now")
def create_request(body: RequestCreate, ctx: Ctx) -> dict[str, Any]:
    return requests.create_request(ctx, body.kind, _values(body), body.reason)


@router.post("/requests/check", response_model=RequestCheckOut,
             summary="Dry run of a request: each precondition passed or failed, whether it "
                     "is held already, and the approvers it would go to")
def check_request(body: RequestIn, ctx: Ctx) -> dict[str, Any]:
    return requests.check_request(ctx, body.kind, _values(body))


@router.get("/requests", response_model=RequestPage,
            summary="Every request, newest first (manage_roles or view_audit)")
def list_requests(ctx: Ctx, status: StatusQuery = None,
                  kind: Annotated[str | None, Query(max_length=20)] = None,
                  user: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                  limit: Limit = None, cursor: Cursor = None) -> dict[str, Any]:
    return requests.list_requests(ctx, status=status, kind=kind, user_id=user, limit=limit,
                                  cursor=cursor)


@router.get("/requests/{request_id}", response_model=RequestDetailOut,
            summary="One request with its steps, history and preconditions as they stand "
                    "(its requester, beneficiary, approvers; manage_roles or view_audit)")
def get_request(request_id: PathId, ctx: Ctx) -> dict[str, Any]:
    return requests.get_request(ctx, request_id)


@router.post("/requests/{request_id}/approve", response_model=RequestDetailOut,
             summary="Approve the current step; the last step grants (same transaction)")
def approve_request(request_id: PathId, body: DecisionBody, ctx: Ctx) -> dict[str, Any]:
    return decisions.approve(ctx, request_id, body.version, body.reason)


@router.post("/requests/{request_id}/reject", response_model=RequestDetailOut,
             summary="Reject the request (an approver of the current step; reason required)")
def reject_request(request_id: PathId, body: DecisionWithReason, ctx: Ctx) -> dict[str, Any]:
    return decisions.reject(ctx, request_id, body.version, body.reason)


@router.post("/requests/{request_id}/request-changes", response_model=RequestDetailOut,
             summary="Send the request back to its requester for changes (reason required)")
def request_changes(request_id: PathId, body: DecisionWithReason, ctx: Ctx) -> dict[str, Any]:
    return decisions.request_changes(ctx, request_id, body.version, body.reason)


@router.post("/requests/{request_id}/withdraw", response_model=RequestDetailOut,
             summary="Withdraw an open request (its requester)")
def withdraw_request(request_id: PathId, body: DecisionBody, ctx: Ctx) -> dict[str, Any]:
    return decisions.withdraw(ctx, request_id, body.version, body.reason)


@router.post("/requests/{request_id}/resubmit", response_model=RequestDetailOut,
             summary="Answer a request for changes: a new reason (and end), checked again, "
                     "the approval starts over (its requester)")
def resubmit_request(request_id: PathId, body: ResubmitBody, ctx: Ctx) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True, exclude={"version", "reason"})
    return decisions.resubmit(ctx, request_id, body.version, body.reason, changes)


@router.get("/me/requests", response_model=RequestPage,
            summary="Requests I made or that would give me access, newest first")
def my_requests(ctx: Ctx, status: StatusQuery = None, limit: Limit = None,
                cursor: Cursor = None) -> dict[str, Any]:
    return requests.my_requests(ctx, status=status, limit=limit, cursor=cursor)


@router.get("/approvals", response_model=ApprovalsOut,
            summary="Requests whose current step I may decide, the most urgent first, with "
                    "counts per kind")
def approvals(ctx: Ctx) -> dict[str, Any]:
    return requests.approvals(ctx)


@router.post("/me/access/problems", status_code=201, response_model=RequestDetailOut,
             summary="Report a problem with my access: a request to the administrators "
                     "(manage_roles) with the explanation attached")
def report_problem(body: ProblemReport, ctx: Ctx) -> dict[str, Any]:
    return requests.report_problem(ctx, body.model_dump(exclude={"message"}), body.message)
