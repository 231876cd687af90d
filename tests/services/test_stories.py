"""Stories 1–3 of SCENARIOS.md, told through the record service and the `vouch` CLI."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.services.helpers import all_ids, ctx_for, list_all, owned_ids, user_id
from vouch.errors import FieldDenied, FunctionDenied, NotFound
from vouch.records import service as records

runner = CliRunner()


def cli(engine: Engine, *args: str) -> tuple[int, str]:
    url = engine.url.render_as_string(hide_password=False)
    result = runner.invoke(__import__("vouch.cli.main", fromlist=["app"]).app, list(args),
                           env={"VOUCH_DATABASE_URL": url})
    return result.exit_code, result.output


# --- story 1: the sales rep -------------------------------------------------------------


def test_story1_rep_lists_only_her_own_customers(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "hanmeimei")
        seen = {item["id"] for item in list_all(ctx, "customer")}
    mine = owned_ids(demo_engine, "customer", "hanmeimei")
    assert mine and seen == mine


def test_story1_rep_edits_her_customer_but_cannot_delete_or_export(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "hanmeimei")
        cid = min(owned_ids(demo_engine, "customer", "hanmeimei"))
        before = records.get_record(ctx, "customer", cid)
        after = records.update_record(ctx, "customer", cid, {"notes": "回访：客户满意"},
                                      before["version"])
        assert after["notes"] == "回访：客户满意" and after["version"] == before["version"] + 1
        with pytest.raises(FunctionDenied) as denied:
            records.delete_record(ctx, "customer", cid)
        assert denied.value.status == 403 and denied.value.action == "delete"
        with pytest.raises(FunctionDenied) as no_export:
            records.list_records(ctx, "customer", action="export")
        assert no_export.value.status == 403 and no_export.value.action == "export"


def test_story1_colleagues_customer_is_404_for_the_rep(demo_engine: Engine) -> None:
    theirs = min(owned_ids(demo_engine, "customer", "zhangwei"))
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "hanmeimei")
        with pytest.raises(NotFound) as nf:
            records.get_record(ctx, "customer", theirs)
        assert nf.value.status == 404
        with pytest.raises(NotFound):
            records.update_record(ctx, "customer", theirs, {"notes": "x"}, 1)


def test_story1_contract_amount_is_hidden_from_the_rep(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "hanmeimei")
        contracts = list_all(ctx, "contract")
        assert contracts, "hanmeimei owns contracts in the demo"
        assert all("amount" not in c and "terms" not in c for c in contracts)
        assert all("number" in c for c in contracts)
        with pytest.raises(FieldDenied) as fd:
            records.list_records(ctx, "contract", sort="-amount")
        assert fd.value.field == "amount"


def test_story1_cli(demo_engine: Engine) -> None:
    cid = min(owned_ids(demo_engine, "customer", "hanmeimei"))
    code, out = cli(demo_engine, "check", "hanmeimei", "delete", "customer", str(cid), "--json")
    body = json.loads(out)
    assert code == 1 and body["allowed"] is False
    assert body["first_denied"] == "function"
    assert [x["layer"] for x in body["layers"]][:2] == ["identity", "function"]
    code, out = cli(demo_engine, "check", "hanmeimei", "edit", "customer", str(cid))
    assert code == 0, out
    theirs = min(owned_ids(demo_engine, "customer", "zhangwei"))
    code, out = cli(demo_engine, "check", "hanmeimei", "view", "customer", str(theirs), "--json")
    assert code == 1 and json.loads(out)["first_denied"] == "record"
    contract = min(owned_ids(demo_engine, "contract", "hanmeimei"))
    code, out = cli(demo_engine, "check", "hanmeimei", "view", "contract", str(contract),
                    "--field", "amount", "--json")
    assert code == 1 and json.loads(out)["first_denied"] == "field"
    code, out = cli(demo_engine, "records", "list", "customer", "--as", "hanmeimei", "--json",
                    "--limit", "500")
    listed = json.loads(out)
    assert code == 0
    assert {i["id"] for i in listed["items"]} == owned_ids(demo_engine, "customer", "hanmeimei")
    assert all(i["credit_limit"] in (None, "***") for i in listed["items"])  # masked for reps


# --- story 2: the sales manager ---------------------------------------------------------


@pytest.mark.parametrize("obj", ["customer", "opportunity"])
def test_story2_manager_sees_everything_of_his_three_reps(demo_engine: Engine, obj: str) -> None:
    team = set()
    for rep in ("hanmeimei", "zhangwei", "liuyang", "lilei"):
        team |= owned_ids(demo_engine, obj, rep)
    with Session(demo_engine) as s:
        seen = {i["id"] for i in list_all(ctx_for(s, "lilei"), obj)}
    assert seen == team == all_ids(demo_engine, obj)


def test_story2_manager_edits_sales_plans_and_tasks(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "lilei")
        for obj in ("sales_plan", "task"):
            rid = min(owned_ids(demo_engine, obj, "zhangwei"))
            rec = records.get_record(ctx, obj, rid)
            assert rec["_editable"] is True
            updated = records.update_record(ctx, obj, rid, {"notes": "经理已审阅"}, rec["version"])
            assert updated["notes"] == "经理已审阅"


def test_story2_manager_is_refused_system_settings(demo_engine: Engine) -> None:
    code, out = cli(demo_engine, "check", "lilei", "manage_settings", "--json")
    assert code == 1 and json.loads(out)["allowed"] is False
    code, _ = cli(demo_engine, "check", "wangfang", "manage_settings")
    assert code == 0


# --- story 3: finance -------------------------------------------------------------------


def test_story3_finance_sees_all_contract_amounts_and_payments(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "zhaomin")
        contracts = list_all(ctx, "contract")
        payments = list_all(ctx, "payment")
    assert {c["id"] for c in contracts} == all_ids(demo_engine, "contract")
    assert all("amount" in c and c["amount"] != "***" for c in contracts)
    assert {p["id"] for p in payments} == all_ids(demo_engine, "payment")
    assert all("amount" in p for p in payments)


def test_story3_finance_cannot_change_a_customer(demo_engine: Engine) -> None:
    cid = min(all_ids(demo_engine, "customer"))
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "zhaomin")
        assert records.get_record(ctx, "customer", cid)["_editable"] is False
        with pytest.raises(FunctionDenied) as denied:
            records.update_record(ctx, "customer", cid, {"notes": "x"}, 1)
    assert denied.value.status == 403 and denied.value.details == {
        "object": "customer", "action": "edit"}
    code, out = cli(demo_engine, "check", "zhaomin", "edit", "customer", str(cid), "--json")
    assert code == 1 and json.loads(out)["first_denied"] == "function"


def test_cli_bad_input_exits_2(demo_engine: Engine) -> None:
    assert cli(demo_engine, "check", "nobody", "view", "customer")[0] == 2
    assert cli(demo_engine, "check", "hanmeimei", "fly", "customer")[0] == 2
    assert cli(demo_engine, "check", "hanmeimei", "view", "spaceship")[0] == 2
    assert cli(demo_engine, "check", "hanmeimei", "view", "customer", "1", "--field", "x")[0] == 2
    assert user_id(demo_engine, "hanmeimei") > 0
