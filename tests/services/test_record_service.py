"""Record service behaviour: validation, conflicts, ownership, transfer, shares."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.conftest import DEMO_NOW
from tests.services.helpers import ctx_for, owned_ids, user_id
from vouch.context import RequestContext
from vouch.errors import Conflict, FieldDenied, FunctionDenied, Invalid, NotFound
from vouch.records import service as records


def test_create_takes_owner_and_department_from_the_actor(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "hanmeimei")
        rec = records.create_record(ctx, "customer", {"name": "测试客户甲", "industry": "retail",
                                                      "phone": "13800001111"})
        assert rec["owner_id"] == ctx.actor_id and rec["department_id"] == ctx.actor_department_id
        assert rec["phone"] == "13800001111" and rec["version"] == 1


def test_create_refuses_setting_the_owner_without_transfer(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "hanmeimei")
        other = user_id(demo_engine, "zhangwei")
        with pytest.raises(FunctionDenied) as denied:
            records.create_record(ctx, "customer", {"name": "越权客户", "owner_id": other})
        assert denied.value.action == "transfer"
    with Session(demo_engine) as s:  # and nothing was written
        ctx = ctx_for(s, "wangfang")
        assert records.count_records(ctx, "customer", filters=[
            {"field": "name", "op": "eq", "value": "越权客户"}]) == 0


def test_create_with_owner_when_allowed_to_transfer(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "lilei")
        rep = user_id(demo_engine, "liuyang")
        rec = records.create_record(ctx, "customer", {"name": "分配客户", "owner_id": rep})
        assert rec["owner_id"] == rep


@pytest.mark.parametrize(("values", "field"), [
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"name": "ok", "industry": "mining"}, "industry"),
    ({"name": "ok", "email": "not an address"}, "email"),
    ({"name": "ok", "credit_limit": "lots"}, "credit_limit"),
    ({"name": "ok", "colour": "red"}, "colour"),
])
def test_bad_input_is_422_naming_the_field(demo_engine: Engine, values: dict[str, object],
                                           field: str) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "wangfang")
        with pytest.raises(Invalid) as bad:
            records.create_record(ctx, "customer", values)
        assert bad.value.status == 422 and bad.value.field == field


def test_writing_a_field_below_edit_is_403_naming_it(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "hanmeimei")
        cid = min(owned_ids(demo_engine, "customer", "hanmeimei"))
        rec = records.get_record(ctx, "customer", cid)
        with pytest.raises(FieldDenied) as denied:
            records.update_record(ctx, "customer", cid, {"credit_limit": "1"}, rec["version"])
        assert denied.value.field == "credit_limit" and denied.value.level == "masked"


def test_stale_version_is_409_and_nothing_changes(demo_engine: Engine) -> None:
    cid = max(owned_ids(demo_engine, "customer", "zhangwei"))
    with Session(demo_engine) as a, Session(demo_engine) as b:
        ca, cb = ctx_for(a, "zhangwei"), ctx_for(b, "zhangwei")
        v = records.get_record(ca, "customer", cid)["version"]
        records.update_record(ca, "customer", cid, {"notes": "first"}, v)
        with pytest.raises(Conflict) as conflict:
            records.update_record(cb, "customer", cid, {"notes": "second"}, v)
        assert conflict.value.status == 409
    with Session(demo_engine) as s:
        assert records.get_record(ctx_for(s, "zhangwei"), "customer", cid)["notes"] == "first"


def test_reference_to_an_invisible_record_is_rejected(demo_engine: Engine) -> None:
    theirs = min(owned_ids(demo_engine, "customer", "zhangwei"))
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "hanmeimei")
        with pytest.raises(Invalid) as bad:
            records.create_record(ctx, "contact", {"name": "王五", "customer_id": theirs})
        assert bad.value.field == "customer_id"


def test_reference_names_only_when_visible(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "chenjing")  # support views customers: names shown
        items = records.list_records(ctx, "service_record", limit=20).items
        refs = [i["customer_id"] for i in items if i.get("customer_id")]
        assert refs and all("name" in r for r in refs)
        ctx = ctx_for(s, "lilei")  # the manager views payments but not every contract
        pays = records.list_records(ctx, "payment", limit=500).items
        refs = [p["contract_id"] for p in pays if p.get("contract_id")]
        assert refs and all(("name" in r) != bool(r.get("restricted")) for r in refs)


def test_transfer_moves_owner_and_department(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "lilei")
        cid = min(owned_ids(demo_engine, "customer", "liuyang"))
        target = user_id(demo_engine, "hanmeimei")
        rec = records.transfer_record(ctx, "customer", cid, target)
        assert rec["owner_id"] == target and rec["department_id"] == 3
    assert cid in owned_ids(demo_engine, "customer", "hanmeimei")


def test_share_gives_view_and_expires_at_its_instant(demo_engine: Engine) -> None:
    cid = min(owned_ids(demo_engine, "customer", "liuyang"))
    rep = user_id(demo_engine, "zhangwei")
    ends = DEMO_NOW + timedelta(days=1)
    with Session(demo_engine) as s:
        share = records.share_record(ctx_for(s, "lilei"), "customer", cid,
                                     principal_kind="user", principal_id=rep, access="read",
                                     expires_at=ends, reason="协助跟进")
    with Session(demo_engine) as s:
        before = RequestContext.for_user(s, rep, ends - timedelta(microseconds=1))
        assert records.get_record(before, "customer", cid)["_editable"] is False
        at = RequestContext.for_user(s, rep, ends)
        with pytest.raises(NotFound):
            records.get_record(at, "customer", cid)
    with Session(demo_engine) as s:
        records.unshare_record(ctx_for(s, "lilei"), "customer", cid, share["id"])
        assert records.list_shares(ctx_for(s, "lilei"), "customer", cid) == []


def test_bad_cursor_limit_and_sort_are_422(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, "hanmeimei")
        with pytest.raises(Invalid) as bad:
            records.list_records(ctx, "customer", cursor="garbage!")
        assert bad.value.field == "cursor"
        with pytest.raises(Invalid) as big:
            records.list_records(ctx, "customer", limit=10_000)
        assert big.value.field == "limit"
        with pytest.raises(Invalid) as sort:
            records.list_records(ctx, "customer", sort="-nonsense")
        assert sort.value.field == "sort"


@pytest.mark.parametrize(("user", "sort"), [
    ("lilei", "-updated_at"), ("lilei", "name"), ("wangfang", "-credit_limit"),
    ("lilei", "level"), ("hanmeimei", "-id"),
])
def test_cursor_paging_visits_every_visible_record_once(demo_engine: Engine, user: str,
                                                       sort: str) -> None:
    with Session(demo_engine) as s:
        ctx = ctx_for(s, user)
        seen: list[int] = []
        cursor = None
        while True:
            page = records.list_records(ctx, "customer", sort=sort, limit=97, cursor=cursor)
            seen += [i["id"] for i in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert len(seen) == len(set(seen)) == records.count_records(ctx, "customer")


def test_cached_first_page_obeys_share_expiry_at_each_request(demo_engine: Engine) -> None:
    """The first page's statement is built once per profile with the decision time as a
    parameter: a share that ends between two requests is gone from the second, although
    the profile (and its statement) is the same."""
    from sqlalchemy import delete

    from vouch.access import query
    from vouch.access.models import Share
    from vouch.access.service import bump_policy_version, profile_for
    from vouch.db import system_session

    theirs = sorted(owned_ids(demo_engine, "customer", "zhangwei"))[0]
    han = user_id(demo_engine, "hanmeimei")
    with system_session(demo_engine, "test setup") as s:
        s.add(Share(object="customer", record_id=theirs, principal_kind="user",
                    principal_id=han, access="read", shared_by=None, created_at=DEMO_NOW,
                    expires_at=DEMO_NOW + timedelta(hours=1), reason="expiring share"))
        bump_policy_version(s)
        s.commit()
    try:
        with Session(demo_engine) as s:
            before = RequestContext.for_user(s, han, DEMO_NOW)
            ids = {r["id"] for r in records.list_records(before, "customer", limit=500).items}
            assert theirs in ids
            after = RequestContext.for_user(s, han, DEMO_NOW + timedelta(hours=2))
            assert after.profile is before.profile  # same profile, same cached statement
            ids = {r["id"] for r in records.list_records(after, "customer", limit=500).items}
            assert theirs not in ids
            stmt, params = query.first_page(after.profile, "customer", "view", after.now,
                                             dialect=demo_engine.dialect.name, limit=501)
            assert params == {query.NOW: after.now}
            with pytest.raises(Exception, match="vouch_now"):
                s.scalars(stmt).all()  # never with a stale or missing time
            s.rollback()
            assert profile_for(s, han, DEMO_NOW) is before.profile
    finally:
        with system_session(demo_engine, "test cleanup") as s:
            s.execute(delete(Share).where(Share.reason == "expiring share"))
            bump_policy_version(s)
            s.commit()
