"""Configuration as code over HTTP: GET /config/export, POST /config/diff (a dry run of a
document sent as YAML or JSON) and POST /config/apply. Thin: parse, call
`vouch.configcode`, answer."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from vouch.configcode import apply_config, diff_config, export_config
from vouch.configcode.document import FORMAT
from vouch.deps import Ctx

router = APIRouter()
TAGS: list[str | Enum] = ["config"]
MAX_VERSION = 2**63 - 1
MEDIA_TYPES = {"yaml": "application/yaml", "json": "application/json"}
ExpectVersion = Annotated[int | None, Query(
    ge=0, le=MAX_VERSION, description="the policy version the document was exported at; "
    "409 when the live one moved since")]


class FieldChangeOut(BaseModel):
    path: str = Field(description="inside the item: `grants.customer.edit`, `name.en`, "
                                  "`principals`, `condition`")
    before: Any = Field(description="the live value; the text `(absent)` when there is none")
    after: Any = Field(description="the document's value; `(absent)` when it has none")


class ItemChangeOut(BaseModel):
    section: str = Field(description="roles, sharing_rules, restriction_rules, "
                                     "approval_policies, role_conflicts or settings")
    key: str = Field(description="the item: a role key, a rule name, a policy's role key "
                                 "(`(default)` for the default policy), a pair `a + b`, "
                                 "`workflow` for the settings")
    change: str = Field(description="added, changed or removed")
    fields: list[FieldChangeOut]
    notes: list[str] = Field(description="what goes with the change (a removed role's "
                                         "ended assignments and manual shares)")
    before: dict[str, Any] | None = Field(description="the live item, as the document "
                                                      "writes it")
    after: dict[str, Any] | None = Field(description="the document's item")


class ProblemOut(BaseModel):
    path: str = Field(description="where in the document: `roles[3].grants.customer.edit`")
    message: str
    type: str = Field(description="an error type (see ErrorObject.type)")
    details: dict[str, Any]


class Counts(BaseModel):
    added: int
    changed: int
    removed: int


class ConfigDiff(BaseModel):
    policy_version: int = Field(description="the live policy version")
    document_policy_version: int | None = Field(
        description="the policy version the document says it was exported at")
    counts: Counts
    changed: bool = Field(description="whether applying the document changes anything")
    valid: bool
    can_apply: bool = Field(description="false when the current state refuses the "
                                        "document (`problems` says why)")
    changes: list[ItemChangeOut]
    problems: list[ProblemOut] = Field(description="refusals by the current state (a role "
                                                   "still held cannot be removed)")


class ConfigApplied(BaseModel):
    policy_version: int = Field(description="the policy version after the import")
    policy_version_before: int
    document_policy_version: int | None
    applied: bool = Field(description="false when the document changed nothing")
    counts: Counts
    changed: bool
    valid: bool
    changes: list[ItemChangeOut]
    problems: list[ProblemOut]


class ApplyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str | dict[str, Any] = Field(
        description=f"the document ({FORMAT}): its YAML or JSON text, or the JSON object")
    reason: str = Field(min_length=1, max_length=2000,
                        description="why: written to every audit event of the import")
    expect_version: int | None = Field(
        default=None, ge=0, le=MAX_VERSION,
        description="the policy version the document was exported at; the import is "
                    "refused (409) when the live one moved since")


async def raw_body(request: Request) -> bytes:
    return await request.body()


DOCUMENT_BODY = {"requestBody": {"required": True, "content": {
    "application/yaml": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object"}},
    "text/plain": {"schema": {"type": "string"}}}}}


@router.get("/config/export", tags=TAGS, response_class=Response,
            summary="The configuration as one document: roles, rules, approval policies, "
                    "conflicting role pairs, workflow settings (manage_roles or view_audit)",
            openapi_extra={"responses": {"200": {"content": {
                "application/yaml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}}}}}})
def export(ctx: Ctx, fmt: Annotated[str, Query(
        alias="format", pattern="^(yaml|json)$", description="yaml (default) or json")
        ] = "yaml") -> Response:
    text = export_config(ctx, fmt)
    stamp = ctx.now.strftime("%Y%m%dT%H%M%SZ")
    return Response(text, media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="vouch-config-{stamp}.{fmt}"'})


@router.post("/config/diff", tags=TAGS, response_model=ConfigDiff,
             summary="What importing a document would change, item by item and field by "
                     "field; 422 naming every problem's path (manage_roles or view_audit)",
             openapi_extra=DOCUMENT_BODY)
def diff(ctx: Ctx, body: Annotated[bytes, Depends(raw_body)],
         expect_version: ExpectVersion = None) -> dict[str, Any]:
    return diff_config(ctx, body, expect_version)


@router.post("/config/apply", tags=TAGS, response_model=ConfigApplied,
             summary="Import a document in one transaction: everything or nothing, audited "
                     "per item (manage_roles; manage_settings too to change settings)")
def apply(body: ApplyBody, ctx: Ctx) -> dict[str, Any]:
    return apply_config(ctx, body.document, body.reason, body.expect_version)
