"""The refusals of the workflow: failed preconditions (422 when asking, 409 at final
approval, each listed with its code and parameters), a request no longer open, and a
decision that separation of duties refuses."""

from __future__ import annotations

from typing import Any

from vouch.errors import Conflict, ErrorType, Invalid, PermissionDenied

REFUSALS = {
    "own_request": "you made this request: someone else decides it",
    "beneficiary": "the request would give you access: someone else decides it",
    "approved_earlier_step": "you approved an earlier step of this request: another "
                             "approver decides this one",
    "not_an_approver": "you are not an approver of the current step",
    "not_pending": "the request is not waiting for a decision",
    "not_requester": "only the requester may do this",
}


def preconditions_failed(failures: list[dict[str, Any]], *, at_approval: bool,
                         message: str | None = None) -> Invalid | Conflict:
    codes = ", ".join(f["code"] for f in failures)
    if at_approval:
        return Conflict(message or f"preconditions fail at final approval ({codes}); the "
                        "request stays pending", {"preconditions": failures},
                        type=ErrorType.PRECONDITIONS_FAILED)
    return Invalid(f"preconditions fail ({codes})", field="preconditions",
                   type=ErrorType.PRECONDITIONS, preconditions=failures)


def not_open(request_id: int, status: str) -> Conflict:
    return Conflict(f"request {request_id} is {status}: it cannot change any more",
                    {"object": "access_request", "id": request_id, "status": status},
                    type=ErrorType.REQUEST_CLOSED)


class DecisionRefused(PermissionDenied):
    """The actor may see the request but not decide it (separation of duties, or not an
    approver of the current step); audited as a denial."""

    default_type = ErrorType.FORBIDDEN_DECISION

    def __init__(self, request_id: int, reason: str) -> None:
        super().__init__("approver")
        self.message = f"request {request_id}: {REFUSALS.get(reason, reason)}"
        self.args = (self.message,)
        self.error_type = ErrorType.FORBIDDEN_DECISION
        self.details = {"permission": None, "object": "access_request", "id": request_id,
                        "reason": reason}
