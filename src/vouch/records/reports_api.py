"""/reports: pipeline, sales by month, by owner, and a chosen grouping (thin routes over
`records.reports`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from vouch.catalog import OBJECT_NAMES
from vouch.deps import Ctx
from vouch.records import reports
from vouch.records.schemas import RecordJSON

router = APIRouter(prefix="/reports", tags=["reports"])

ObjectName = Literal[OBJECT_NAMES]  # type: ignore[valid-type]
Month = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                                    description="a month, YYYY-MM")]
FieldName = Annotated[str | None, Query(max_length=64)]


@router.get("/pipeline", summary="Opportunities by stage: count and sum of amount (the sum "
            "is withheld when amount is below read for you)")
def pipeline(ctx: Ctx) -> Response:
    return RecordJSON(reports.pipeline(ctx))


@router.get("/sales-by-month", summary="Contracts by month signed: count and sum of amount")
def sales_by_month(ctx: Ctx, start: Annotated[Month, Query(alias="from")] = None,
                   end: Annotated[Month, Query(alias="to")] = None) -> Response:
    return RecordJSON(reports.sales_by_month(ctx, start, end))


@router.get("/by-owner", summary="Count and sum per owner, with the owners' names")
def by_owner(ctx: Ctx, object: Annotated[ObjectName, Query()] = "opportunity",
             sum: Annotated[FieldName, Query(description="a number field to sum (needs read; "
                                                         "default: amount if the object "
                                                         "has one)")] = None) -> Response:
    return RecordJSON(reports.by_owner(ctx, object, sum))


@router.get("/summary", summary="Count (and a sum) per value of a field you choose; both "
            "fields need at least read")
def summary(ctx: Ctx, object: Annotated[ObjectName, Query()],
            group: Annotated[str, Query(max_length=64)],
            sum: FieldName = None) -> Response:
    return RecordJSON(reports.summary(ctx, object, group, sum))
