"""Export (CSV, XLSX) and import files of records.

Exports stream: a generator opens its own session and request context (the request's
session may be closed while the response is still being sent), pages through the record
service with the keyset cursor under the `export` action, and writes one audit event when
it finishes, completed or not. Cells that a spreadsheet would run as a formula are
neutralised (SECURITY.md).

Imports read a CSV (UTF-8, with or without BOM) or an XLSX upload into rows of field
values; the record service validates and creates them (all or nothing).
"""

from __future__ import annotations

import csv
import io
import logging
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.responses import StreamingResponse

from vouch.access.engine import object_field_levels
from vouch.audit import service as audit
from vouch.catalog import TEXT_TYPES, FieldDef, FieldLevel, FieldType, ObjectDef, get_object
from vouch.context import RequestContext
from vouch.errors import ErrorType, Invalid, VouchError
from vouch.records import service
from vouch.records.sensitive_reads import READ_AUDIT_IDS

log = logging.getLogger("vouch.records.io")

EXPORT_PAGE = 500
EXPORT_SYSTEM_COLUMNS = ("id", "owner_id", "department_id", "created_at", "updated_at",
                         "version")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_UNCOMPRESSED_FACTOR = 20  # an XLSX may unpack to this many times the upload limit
# Columns of an export that an import accepts and ignores (Vouch sets them itself).
IMPORT_IGNORED_COLUMNS = frozenset({"id", "department_id", "created_at", "updated_at",
                                    "version", "created_by", "updated_by", "_editable"})


class TooLarge(VouchError):
    status, code, default_type = 413, "too_large", ErrorType.TOO_LARGE


# --- export ----------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """A text cell a spreadsheet would read as a formula, made inert by a leading `'`."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def export_columns(ctx: RequestContext, obj: str) -> list[str]:
    """System columns, then every field the viewer sees (hidden fields are absent)."""
    levels = object_field_levels(ctx.profile, obj)
    return [*EXPORT_SYSTEM_COLUMNS,
            *(f.name for f in get_object(obj).fields
              if levels[f.name].level is not FieldLevel.HIDDEN)]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):  # a reference: its id
        return str(value["id"])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | int):  # numbers we wrote ourselves, `-` and all
        return str(value)
    return neutralise(str(value))


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime):  # Excel has no time zones: ISO text with Z
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if value is None or isinstance(value, bool | int | Decimal | date):
        return value
    if isinstance(value, dict):
        return value["id"]
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise(str(value)))


class Sink(Protocol):
    media_type: str

    def __init__(self, columns: Sequence[str], title: str) -> None: ...
    def start(self) -> bytes: ...
    def write(self, items: list[dict[str, Any]]) -> bytes: ...
    def finish(self) -> Iterator[bytes]: ...


class _CsvSink:
    media_type = CSV_TYPE

    def __init__(self, columns: Sequence[str], title: str) -> None:
        self.columns = list(columns)

    def start(self) -> bytes:
        return "\ufeff".encode() + self._rows([self.columns])

    def write(self, items: list[dict[str, Any]]) -> bytes:
        return self._rows([[_csv_cell(i.get(c)) for c in self.columns] for i in items])

    def finish(self) -> Iterator[bytes]:
        return iter(())

    @staticmethod
    def _rows(rows: list[list[str]]) -> bytes:
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        return buf.getvalue().encode("utf-8")


class _XlsxSink:
    """openpyxl's write-only workbook keeps rows in temporary files; the zip is sent when
    the last page is written."""

    media_type = XLSX_TYPE

    def __init__(self, columns: Sequence[str], title: str) -> None:
        self.columns = list(columns)
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(title=title[:31])

    def start(self) -> bytes:
        self.sheet.append(self.columns)
        return b""

    def write(self, items: list[dict[str, Any]]) -> bytes:
        for i in items:
            self.sheet.append([_xlsx_cell(i.get(c)) for c in self.columns])
        return b""

    def finish(self) -> Iterator[bytes]:
        with tempfile.TemporaryFile() as tmp:
            self.book.save(tmp)
            tmp.seek(0)
            while chunk := tmp.read(64 * 1024):
                yield chunk


SINKS: dict[str, type[Sink]] = {"csv": _CsvSink, "xlsx": _XlsxSink}


@dataclass(frozen=True)
class ExportSpec:
    obj: str
    fmt: str
    filters: Any
    sort: str | None
    q: str | None
    user_id: int
    now: datetime
    ip: str | None
    request_id: str
    user_agent: str | None


def export_response(engine: Engine, ctx: RequestContext, obj: str, fmt: str, filters: Any,
                    sort: str | None, q: str | None) -> StreamingResponse:
    """Check the request now (403 without the export permission, 403 naming a field
    below read, 422 for bad filters), then stream the file."""
    service.plan_list(ctx, obj, action="export", filters=filters, sort=sort, q=q)
    spec = ExportSpec(obj, fmt, filters, sort, q, ctx.actor_id, ctx.now, ctx.ip,
                      ctx.request_id, ctx.origin.user_agent)
    odef = get_object(obj)
    filename = f"{odef.plural}-{ctx.now.astimezone(UTC):%Y%m%d-%H%M%S}.{fmt}"
    return StreamingResponse(
        stream_export(engine, spec), media_type=SINKS[fmt].media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def stream_export(engine: Engine, spec: ExportSpec) -> Iterator[bytes]:
    """The file, page by page, in a session of its own; audited when it ends."""
    rows, ids, columns, completed = 0, list[int](), list[str](), False
    with Session(engine, expire_on_commit=False) as session:
        ctx = RequestContext.for_user(session, spec.user_id, spec.now, ip=spec.ip,
                                      request_id=spec.request_id, user_agent=spec.user_agent)
        try:
            plan = service.plan_list(ctx, spec.obj, action="export", filters=spec.filters,
                                     sort=spec.sort, q=spec.q)
            columns = export_columns(ctx, spec.obj)
            sink = SINKS[spec.fmt](columns, get_object(spec.obj).plural)
            yield sink.start()
            cursor: str | None = None
            while True:
                page, cursor = service.fetch_page(ctx, plan, limit=EXPORT_PAGE, cursor=cursor)
                items = service.render_records(ctx, spec.obj, page)
                session.expunge_all()  # rows already written need not stay in memory
                rows += len(items)
                ids += [i["id"] for i in items[:max(0, READ_AUDIT_IDS - len(ids))]]
                chunk = sink.write(items)
                if chunk:
                    yield chunk
                if cursor is None:
                    break
            yield from sink.finish()
            completed = True
        finally:
            _audit_export(ctx, spec, rows, ids, columns, completed)


def _audit_export(ctx: RequestContext, spec: ExportSpec, rows: int, ids: list[int],
                  columns: list[str], completed: bool) -> None:
    try:
        ctx.session.rollback()
        audit.record(ctx.session, ctx.origin, "record.export", object=spec.obj, at=ctx.now,
                     details={"format": spec.fmt, "filters": spec.filters, "sort": spec.sort,
                              "q": spec.q, "rows": rows, "completed": completed,
                              "columns": columns})
        service.note_sensitive_read(ctx, spec.obj, ids, purpose="export", count=rows)
        ctx.session.commit()
    except Exception:  # the file is already on its way; the log must say why
        log.exception("could not audit the export of %s (request %s)", spec.obj,
                      spec.request_id)


# --- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Table:
    header: list[Any]
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cells); header is row 1


def is_xlsx(upload: Upload) -> bool:
    name = upload.filename.lower()
    if name.endswith(".xlsx") or upload.content_type.split(";")[0].strip() == XLSX_TYPE:
        return True
    return not name.endswith(".csv") and upload.data[:4] == b"PK\x03\x04"


def read_table(upload: Upload, max_rows: int, max_bytes: int) -> Table:
    return _read_xlsx(upload.data, max_rows, max_bytes) if is_xlsx(upload) \
        else _read_csv(upload.data, max_rows)


def _too_many(max_rows: int) -> TooLarge:
    return TooLarge(f"the file has more than {max_rows} rows; split it", {"max_rows": max_rows})


def _read_csv(data: bytes, max_rows: int) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(f"the file is not UTF-8 text (byte {exc.start} is not UTF-8); save the "
                      "CSV as UTF-8", field="file", type=ErrorType.FILE,
                      problem="encoding") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[Any]]] = []
    header: list[Any] | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if header is None:
                header = list(cells)
                continue
            rows.append((number, list(cells)))
            if len(rows) > max_rows:
                raise _too_many(max_rows)
    except csv.Error as exc:
        raise Invalid(f"CSV row {reader.line_num}: {exc}", field="file", type=ErrorType.FILE,
                      problem="csv", row=reader.line_num) from None
    if header is None:
        raise Invalid("the file is empty: the first row names the columns", field="file",
                      type=ErrorType.FILE, problem="empty")
    return Table(header, rows)


def _read_xlsx(data: bytes, max_rows: int, max_bytes: int) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
        if unpacked > XLSX_MAX_UNCOMPRESSED_FACTOR * max_bytes:
            raise TooLarge("the workbook unpacks to too much data", {"unpacked": unpacked})
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = book.worksheets[0]
            header: list[Any] | None = None
            rows: list[tuple[int, list[Any]]] = []
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if header is None:
                    header = list(cells)
                    continue
                rows.append((number, list(cells)))
                if len(rows) > max_rows:
                    raise _too_many(max_rows)
        finally:
            book.close()
    except VouchError:
        raise
    except Exception as exc:  # any failure to parse an untrusted workbook is bad input
        raise Invalid(f"not a readable XLSX workbook ({type(exc).__name__})",
                      field="file", type=ErrorType.FILE, problem="workbook") from None
    if header is None:
        raise Invalid("the workbook's first sheet is empty: the first row names the "
                      "columns", field="file", type=ErrorType.FILE, problem="empty")
    return Table(header, rows)


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def column_names(odef: ObjectDef) -> dict[str, str]:
    """Accepted column titles → field: field names and the zh/en labels, any case."""
    out = {"owner_id": "owner_id"}
    for f in odef.fields:
        for title in (f.name, f.label_zh, f.label_en):
            out.setdefault(_norm(title), f.name)
    return out


def map_columns(odef: ObjectDef, header: Sequence[Any]) -> tuple[list[str | None], list[str]]:
    """The field of each column (None: ignored) and the ignored columns' titles. An
    unknown column is refused (422 naming it), never guessed at or dropped."""
    names = column_names(odef)
    mapping: list[str | None] = []
    ignored: list[str] = []
    used: dict[str, str] = {}
    for index, cell in enumerate(header, start=1):
        title = "" if cell is None else str(cell).strip()
        if not title:
            mapping.append(None)
            continue
        if _norm(title) in IMPORT_IGNORED_COLUMNS:
            mapping.append(None)
            ignored.append(title)
            continue
        field = names.get(_norm(title))
        if field is None:
            raise Invalid(f"unknown column {title!r}: columns are the field names or labels "
                          f"of {odef.name}", field=title, column=index,
                          type=ErrorType.UNKNOWN)
        if field in used:
            raise Invalid(f"columns {used[field]!r} and {title!r} both set {field}",
                          field=title, column=index, type=ErrorType.DUPLICATE,
                          other=used[field])
        used[field] = title
        mapping.append(field)
    return mapping, ignored


def _integral(value: float) -> bool:
    return value.is_integer() and abs(value) < 2**53


def cell_value(f: FieldDef | None, value: Any) -> Any:
    """A cell as the record service takes it (f is None for owner_id). Spreadsheet
    numbers and dates become the field's type; text stays text."""
    if value is None:
        return None
    if isinstance(value, str):
        if f is None or f.type not in TEXT_TYPES or f.type is FieldType.ENUM:
            text = value.strip()
            if f is None and text.isdigit():
                return int(text)
            return text
        return value
    if isinstance(value, bool):
        return str(value).upper()
    kind = FieldType.REFERENCE if f is None else f.type
    if isinstance(value, float) and _integral(value) and kind is not FieldType.DECIMAL:
        value = int(value)
    if isinstance(value, datetime):
        if kind is FieldType.DATE:
            return value.date()
        if kind is FieldType.DATETIME:  # spreadsheet times carry no zone: taken as UTC
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value if kind is FieldType.DATE else value.isoformat()
    if isinstance(value, float):
        return Decimal(repr(value)) if kind is FieldType.DECIMAL else repr(value)
    if isinstance(value, int | Decimal):
        return value if kind in (FieldType.INTEGER, FieldType.REFERENCE, FieldType.DECIMAL) \
            else str(value)
    return str(value)


def table_rows(odef: ObjectDef, table: Table) -> tuple[list[tuple[int, dict[str, Any]]],
                                                       list[str]]:
    """Rows as (row number, {field: value}); empty rows are skipped."""
    mapping, ignored = map_columns(odef, table.header)
    out: list[tuple[int, dict[str, Any]]] = []
    for number, cells in table.rows:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        values: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            field = mapping[index] if index < len(mapping) else None
            empty = cell is None or (isinstance(cell, str) and not cell.strip())
            if field is None:
                named = index < len(mapping) and table.header[index] not in (None, "") \
                    and str(table.header[index]).strip()
                if not empty and not named:
                    raise Invalid(f"row {number} has a value in column {index + 1}, which "
                                  "has no title", field="file", row=number,
                                  type=ErrorType.FILE, problem="untitled_column")
                continue
            values[field] = cell_value(odef.field_map.get(field), cell)
        out.append((number, values))
    return out, ignored


def import_file(ctx: RequestContext, obj: str, upload: Upload, *, dry_run: bool,
                max_rows: int, max_bytes: int) -> dict[str, Any]:
    odef = get_object(obj)
    service.require_function(ctx, obj, "import")
    service.require_function(ctx, obj, "create")
    table = read_table(upload, max_rows, max_bytes)
    rows, ignored = table_rows(odef, table)
    filename = "".join(c for c in upload.filename if c.isprintable())[:200]
    source: Mapping[str, Any] = {"filename": filename,
                                 "format": "xlsx" if is_xlsx(upload) else "csv",
                                 "ignored_columns": ignored}
    try:
        report = service.import_records(ctx, obj, rows, dry_run=dry_run, source=source)
    except Invalid as exc:
        if "errors" in exc.details:
            exc.details["ignored_columns"] = ignored
        raise
    return {**report, "ignored_columns": ignored}
