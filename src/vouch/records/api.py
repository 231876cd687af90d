"""Routes of the nine record objects, generated from the catalog, and `GET /catalog`.

One generic implementation: for each object, routes under `/{plural}` (so OpenAPI lists
every object with its own request and response models). Routes are thin: parse, call one
record service function with the request context, render.

(No `from __future__ import annotations` here: the per-object request models are local
variables that FastAPI must see as real annotations.)
"""

from collections.abc import AsyncGenerator, Callable
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.formparsers import MultiPartException, MultiPartParser

from vouch.catalog import OBJECTS, ObjectDef
from vouch.context import RequestContext
from vouch.deps import Ctx, engine_of, settings_of
from vouch.errors import ErrorType, Invalid
from vouch.records import io, service
from vouch.records.schemas import (
    CREATE_MODELS,
    EXPORT_PARAMS,
    LIST_PARAMS,
    MAX_ID,
    PAGE_MODELS,
    PATCH_MODELS,
    RECORD_MODELS,
    Catalog,
    ImportReport,
    NewShare,
    RecordJSON,
    ShareOut,
    Transfer,
    filter_parameters,
    parse_filters,
)

router = APIRouter()

PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="the record's id")]
Limit = Annotated[int, Query(ge=1, le=service.MAX_LIMIT, description="page size (1–500)")]
Cursor = Annotated[str | None, Query(max_length=1000,
                                     description="next_cursor of the previous page")]
Sort = Annotated[str | None, Query(max_length=80, description="a field, `-field` descending; "
                                   "default -updated_at")]
Search = Annotated[str | None, Query(max_length=200, description="free text over the "
                                     "searchable fields you can read")]
Filter = Annotated[str | None, Query(alias="filter", max_length=10_000, description=(
    'a JSON condition: {"field","op","value"}, {"and": [...]}, {"or": [...]}, {"not": ...}, '
    '{"relation": "owner_in_department", "department": 3, "subtree": true}'))]
MULTIPART_SLACK = 64 * 1024  # multipart framing around the file part


@router.get("/catalog", tags=["catalog"], summary="Objects, fields and what you may do with "
            "them: allowed actions per object and each field's level for you",
            responses={200: {"model": Catalog}})
def catalog(ctx: Ctx) -> Response:
    return RecordJSON(service.catalog_for(ctx))


async def read_upload(request: Request) -> io.Upload:
    """The `file` part of a multipart body, refused (413) as soon as more than the upload
    limit has arrived: the body is counted as it streams in, whatever Content-Length says."""
    limit = settings_of(request).max_upload_bytes
    too_large = io.TooLarge(f"the upload is larger than {limit} bytes", {"limit": limit})
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + MULTIPART_SLACK:
        raise too_large
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Invalid("send the file as multipart/form-data, in a part named file",
                      field="file", type=ErrorType.FILE, problem="not_multipart")

    async def counted() -> AsyncGenerator[bytes, None]:
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > limit + MULTIPART_SLACK:
                raise too_large
            yield chunk

    try:
        form = await MultiPartParser(request.headers, counted(), max_files=1,
                                     max_fields=8).parse()
    except MultiPartException as exc:
        raise Invalid(f"malformed multipart body: {exc.message}", field="file",
                      type=ErrorType.FILE, problem="malformed") from None
    try:
        part = form.get("file")
        if part is None or isinstance(part, str):
            raise Invalid("the multipart body has no file part named file", field="file",
                          type=ErrorType.FILE, problem="no_file_part")
        data = await part.read(limit + 1)
        if len(data) > limit:
            raise too_large
        return io.Upload(part.filename or "", part.content_type or "", data)
    finally:
        await form.close()


def _register(odef: ObjectDef) -> None:
    obj, base = odef.name, f"/{odef.plural}"
    tags: list[str | Enum] = [odef.plural]
    label = odef.label_en.lower()
    create_model, patch_model = CREATE_MODELS[obj], PATCH_MODELS[obj]

    def list_records(request: Request, ctx: Ctx, limit: Limit = 50, cursor: Cursor = None,
                     sort: Sort = None, q: Search = None, total: bool = False,
                     filter_: Filter = None) -> Response:
        filters = parse_filters(odef, request.query_params, LIST_PARAMS,
                                ctx.profile.facts.department_parents)
        page = service.list_records(ctx, obj, filters=filters, sort=sort, q=q, limit=limit,
                                    cursor=cursor, total=total)
        body: dict[str, Any] = {"items": page.items, "next_cursor": page.next_cursor}
        if total:
            body["total"] = page.total
        return RecordJSON(body)

    def create_record(body: create_model, ctx: Ctx) -> Response:  # type: ignore[valid-type]
        values = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        return RecordJSON(service.create_record(ctx, obj, values), status_code=201)

    def export_records(request: Request, ctx: Ctx,
                       format: Literal["csv", "xlsx"] = "csv", sort: Sort = None,
                       q: Search = None, filter_: Filter = None) -> Response:
        filters = parse_filters(odef, request.query_params, EXPORT_PARAMS,
                                ctx.profile.facts.department_parents)
        return io.export_response(engine_of(request), ctx, obj, format, filters, sort, q)

    def import_gate(ctx: Ctx) -> RequestContext:
        """Refuse before reading the upload."""
        service.require_function(ctx, obj, "import")
        service.require_function(ctx, obj, "create")
        return ctx

    def import_records(request: Request,
                       ctx: Annotated[RequestContext, Depends(import_gate)],
                       upload: Annotated[io.Upload, Depends(read_upload)],
                       dry_run: bool = True) -> Response:
        settings = settings_of(request)
        report = io.import_file(ctx, obj, upload, dry_run=dry_run,
                                max_rows=settings.max_import_rows,
                                max_bytes=settings.max_upload_bytes)
        return RecordJSON(report, status_code=200 if dry_run else 201)

    def get_record(record_id: PathId, ctx: Ctx) -> Response:
        return RecordJSON(service.get_record(ctx, obj, record_id))

    def update_record(record_id: PathId, body: patch_model,  # type: ignore[valid-type]
                      ctx: Ctx) -> Response:
        values = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        version = values.pop("version")
        return RecordJSON(service.update_record(ctx, obj, record_id, values, version))

    def delete_record(record_id: PathId, ctx: Ctx,
                      version: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
                      ) -> Response:
        service.delete_record(ctx, obj, record_id, version)
        return Response(status_code=204)

    def transfer_record(record_id: PathId, body: Transfer, ctx: Ctx) -> Response:
        return RecordJSON(service.transfer_record(ctx, obj, record_id, body.owner_id,
                                                  body.version))

    def list_shares(record_id: PathId, ctx: Ctx) -> Response:
        return RecordJSON({"items": service.list_shares(ctx, obj, record_id)})

    def share_record(record_id: PathId, body: NewShare, ctx: Ctx) -> Response:
        share = service.share_record(ctx, obj, record_id, principal_kind=body.principal_kind,
                                     principal_id=body.principal_id, access=body.access,
                                     expires_at=body.expires_at, reason=body.reason)
        return RecordJSON(share, status_code=201)

    def unshare_record(record_id: PathId, share_id: PathId, ctx: Ctx) -> Response:
        service.unshare_record(ctx, obj, record_id, share_id)
        return Response(status_code=204)

    def add(path: str, endpoint: Callable[..., Any], method: str, summary: str,
            **kw: Any) -> None:
        router.add_api_route(base + path, endpoint, methods=[method], tags=tags,
                             summary=summary, name=f"{obj}.{endpoint.__name__}", **kw)

    record_model = RECORD_MODELS[obj]
    add("", list_records, "GET", f"List {label} records you can view: field filters "
        "(?field=value, ?field__op=value), filter=<JSON>, sort, q, limit, cursor, total",
        response_model=PAGE_MODELS[obj],
        openapi_extra={"parameters": filter_parameters(odef)})
    add("", create_record, "POST", f"Create a {label} (you own it)", status_code=201,
        response_model=record_model)
    # before /{record_id}, which would otherwise take "export" and "import" for ids
    add("/export", export_records, "GET", f"Export the {label} records your export scope "
        "reaches, as CSV or XLSX (same filters as the list; audited)",
        response_class=Response, openapi_extra={
            "parameters": filter_parameters(odef),
            "responses": {"200": {"content": {io.CSV_TYPE: {}, io.XLSX_TYPE: {}}}}})
    add("/import", import_records, "POST", f"Import {label} records from a CSV (UTF-8) or "
        "XLSX file: dry_run=true reports per row; dry_run=false creates all rows or none",
        response_model=ImportReport, openapi_extra={"requestBody": {
            "required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}}}}}})
    add("/{record_id}", get_record, "GET", f"One {label}", response_model=record_model)
    add("/{record_id}", update_record, "PATCH", f"Change a {label}: the fields sent and the "
        "version you read (a stale version gets 409)", response_model=record_model)
    add("/{record_id}", delete_record, "DELETE", f"Delete a {label}", status_code=204,
        response_class=Response)
    add("/{record_id}/transfer", transfer_record, "POST", f"Give a {label} to another user",
        response_model=record_model)
    add("/{record_id}/shares", list_shares, "GET", f"Manual shares of a {label}")
    add("/{record_id}/shares", share_record, "POST", f"Share a {label} with a user, role "
        "or department", status_code=201, response_model=ShareOut)
    add("/{record_id}/shares/{share_id}", unshare_record, "DELETE",
        f"Remove a share of a {label}", status_code=204, response_class=Response)


for _odef in OBJECTS:
    _register(_odef)
