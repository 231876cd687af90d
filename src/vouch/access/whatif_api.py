"""POST /access/what-if: the impact of a proposed access change before it is saved. Thin:
read the envelope, read the inner body with the real endpoint's model, call
`vouch.access.whatif.what_if`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from vouch.access.whatif import parse_body, what_if
from vouch.access.whatif.schemas import WhatIfAnswer, WhatIfRequest
from vouch.access.whatif.service import MAX_LIMIT
from vouch.deps import Ctx

router = APIRouter()


@router.post(
    "/access/what-if", tags=["access"], response_model=WhatIfAnswer,
    summary="The impact of a proposed change to a role, an assignment, a sharing rule or a "
            "restriction rule, per affected user, without saving it (manage_roles; a "
            "delegated administrator for the assignments they could make)",
    description="The change's `body` is exactly what its real endpoint takes and is "
                "checked the same way: the same 403, 404, 409 and 422 (field paths as the "
                "endpoint's own). Per affected user: the (object, action) scopes and field "
                "levels that change, system permissions and roles gained or lost, and per "
                "object how many records become visible or invisible (counted under the "
                "engine's view filters before and after). Users whose access does not "
                "change are counted in `totals`, not listed. Nothing is written.")
def access_what_if(
    body: WhatIfRequest, ctx: Ctx,
    limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT,
                                       description="users per page (default 100)")] = None,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> dict[str, Any]:
    change = body.change
    try:
        inner = parse_body(change.kind, change.op, change.body)
    except ValidationError as exc:
        # The same 422 the real endpoint gives: its paths, below the request body.
        raise RequestValidationError(
            [{**err, "loc": ("body", *err["loc"])} for err in exc.errors()]) from None
    return what_if(ctx, change.kind, change.op, change.id, inner, limit=limit, offset=offset)
