"""Side channels: a value the user cannot read must not leak through filtering, sorting,
searching, grouping or summing (403 naming the field, or no match), nor through reports,
exports, references or the shape of a 404. Denials and clear sensitive reads are audited.
(PERMISSIONS.md, Field security and Errors.)"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from tests.api.conftest import API, Login
from tests.api.records_truth import (
    SALES_TREE,
    error,
    events,
    last_seq,
    list_all,
    rows,
    uid,
)

CONTRACT_AMOUNT_IS_NOT_NULL = '{"not": {"field": "amount", "op": "is_null", "value": true}}'


@pytest.mark.parametrize(("user", "plural", "params", "field", "level", "purpose"), [
    ("hanmeimei", "contracts", {"amount__gte": "1"}, "amount", "hidden", "filter"),
    ("hanmeimei", "contracts", {"amount__is_null": "false"}, "amount", "hidden", "filter"),
    ("hanmeimei", "contracts", {"filter": CONTRACT_AMOUNT_IS_NOT_NULL}, "amount", "hidden",
     "filter"),
    ("hanmeimei", "contracts", {"filter": '{"or": [{"field": "number", "op": "eq", "value": '
                                          '"x"}, {"field": "terms", "op": "contains", '
                                          '"value": "付款"}]}'}, "terms", "hidden", "filter"),
    ("hanmeimei", "contracts", {"sort": "-amount"}, "amount", "hidden", "sort"),
    ("hanmeimei", "contracts", {"sort": "+terms"}, "terms", "hidden", "sort"),
    ("hanmeimei", "customers", {"credit_limit": "1000"}, "credit_limit", "masked", "filter"),
    ("hanmeimei", "customers", {"sort": "credit_limit", "total": "true"}, "credit_limit",
     "masked", "sort"),
    ("hanmeimei", "contacts", {"id_number__contains": "11"}, "id_number", "masked", "filter"),
    ("zhaomin", "customers", {"phone__contains": "138"}, "phone", "masked", "filter"),
    ("zhaomin", "customers", {"total": "true", "email__in": "a@b.cn,c@d.cn"}, "email",
     "masked", "filter"),
    ("zhaomin", "customers", {"sort": "-phone"}, "phone", "masked", "sort"),
    ("chenjing", "customers", {"credit_limit__gt": "0"}, "credit_limit", "hidden", "filter"),
    ("chenjing", "contacts", {"id_number": "110101199001011234"}, "id_number", "hidden",
     "filter"),
])
def test_querying_by_a_field_below_read_is_403_naming_it(
        api_engine: Engine, as_user: Login, user: str, plural: str, params: dict[str, str],
        field: str, level: str, purpose: str) -> None:
    since = last_seq(api_engine)
    r = as_user(user).get(f"{API}/{plural}", params=params)
    assert r.status_code == 403, r.text
    body = error(r)
    assert body["code"] == "field_forbidden"
    assert (body["details"]["field"], body["details"]["level"],
            body["details"]["purpose"]) == (field, level, purpose)
    assert "items" not in r.json()
    denied, = events(api_engine, "access.denied", since)
    assert denied.details["field"] == field and denied.actor == user


def test_exports_refuse_the_same_queries(as_user: Login) -> None:
    r = as_user("zhaomin").get(f"{API}/customers/export", params={"phone__contains": "13"})
    assert r.status_code == 403 and error(r)["details"]["field"] == "phone"
    r = as_user("zhaomin").get(f"{API}/customers/export", params={"sort": "email"})
    assert r.status_code == 403 and error(r)["details"]["field"] == "email"


def test_fields_at_read_or_above_can_be_queried(as_user: Login) -> None:
    for user, plural, params in [("zhaomin", "contracts", {"amount__gte": "1", "sort": "-amount"}),
                                 ("chenjing", "contacts", {"phone__contains": "13"}),
                                 ("hanmeimei", "opportunities", {"amount__gt": "0"})]:
        assert as_user(user).get(f"{API}/{plural}", params=params).status_code == 200


def test_search_never_matches_on_a_field_the_user_cannot_read(api_engine: Engine,
                                                             as_user: Login) -> None:
    target = rows(api_engine, "customer",
                  lambda r: r.phone is not None and r.department_id in SALES_TREE)[0]
    needle = target.phone[-7:]
    # the manager reads phones: the search finds the customer by its number
    assert target.id in {i["id"] for i in list_all(as_user("lilei"), "customers", q=needle)}
    # finance sees phones masked: the same search must not match on them
    assert list_all(as_user("wangfang"), "customers", q=needle) != []
    assert list_all(as_user("zhaomin"), "customers", q=needle) == []
    r = as_user("zhaomin").get(f"{API}/customers/export", params={"q": needle})
    assert r.status_code == 200 and r.content.decode("utf-8-sig").count("\n") == 1  # header


def test_grouping_or_summing_by_a_field_below_read_is_403_naming_it(as_user: Login) -> None:
    cases: list[tuple[str, dict[str, str], str, str]] = [
        ("zhaomin", {"object": "customer", "group": "phone"}, "phone", "group"),
        ("hanmeimei", {"object": "contact", "group": "id_number"}, "id_number", "group"),
        ("chenjing", {"object": "contact", "group": "id_number"}, "id_number", "group"),
        ("chenjing", {"object": "customer", "group": "region", "sum": "credit_limit"},
         "credit_limit", "sum"),
        ("hanmeimei", {"object": "contract", "group": "status", "sum": "amount"}, "amount",
         "sum"),
    ]
    for user, params, field, purpose in cases:
        r = as_user(user).get(f"{API}/reports/summary", params=params)
        assert r.status_code == 403, (user, params, r.text)
        assert (error(r)["details"]["field"], error(r)["details"]["purpose"]) == (field,
                                                                                  purpose)
        assert "groups" not in r.json()


def test_reports_carry_no_out_of_scope_records_or_hidden_sums(api_engine: Engine,
                                                              as_user: Login) -> None:
    me = uid(api_engine, "hanmeimei")
    client = as_user("hanmeimei")
    by_owner = client.get(f"{API}/reports/by-owner").json()
    assert [g["owner_id"] for g in by_owner["groups"]] == [me]
    contracts = client.get(f"{API}/reports/by-owner", params={"object": "contract"}).json()
    assert contracts["withheld"] == [{"field": "amount", "level": "hidden"}]
    assert all(set(g) == {"owner_id", "count", "owner_name"} for g in contracts["groups"])
    assert "amount" not in contracts["total"]
    by_dept = client.get(f"{API}/reports/summary",
                         params={"object": "customer", "group": "department_id"}).json()
    own = rows(api_engine, "customer", lambda r: r.owner_id == me)
    assert sum(g["count"] for g in by_dept["groups"]) == len(own)


def test_a_reference_to_a_record_out_of_view_shows_only_its_id(api_engine: Engine,
                                                               as_user: Login) -> None:
    rep = as_user("hanmeimei")
    me = uid(api_engine, "hanmeimei")
    customer = max(r.id for r in rows(api_engine, "customer", lambda r: r.owner_id == me))
    contact = rep.post(f"{API}/contacts", json={"name": "引用测试", "customer_id": customer})
    assert contact.status_code == 201, contact.text
    assert contact.json()["customer_id"]["name"]
    moved = as_user("lilei").post(f"{API}/customers/{customer}/transfer",
                                  json={"owner_id": uid(api_engine, "wangfang")})
    assert moved.status_code == 200, moved.text
    seen = rep.get(f"{API}/contacts/{contact.json()['id']}").json()["customer_id"]
    assert seen == {"id": customer, "restricted": True}
    r = rep.patch(f"{API}/contacts/{contact.json()['id']}",
                  json={"customer_id": customer, "version": 1})
    assert r.status_code == 422 and error(r)["details"]["field"] == "customer_id"


def test_not_found_looks_the_same_for_out_of_scope_and_missing(api_engine: Engine,
                                                               as_user: Login) -> None:
    other = uid(api_engine, "zhangwei")
    theirs = min(r.id for r in rows(api_engine, "customer", lambda r: r.owner_id == other))
    client = as_user("hanmeimei")

    def shape(rid: int, suffix: str = "") -> tuple[int, Any]:
        r = client.get(f"{API}/customers/{rid}{suffix}")
        body = error(r)
        return r.status_code, (body["code"], body["message"].replace(str(rid), "N"),
                               sorted(body["details"]))

    assert shape(theirs) == shape(9_999_999)
    assert shape(theirs, "/shares") == shape(9_999_999, "/shares")


def test_clear_sensitive_reads_are_audited_with_fields_and_ids(api_engine: Engine,
                                                               as_user: Login) -> None:
    since = last_seq(api_engine)
    items = as_user("chenjing").get(f"{API}/contacts", params={"limit": 5}).json()["items"]
    event, = events(api_engine, "record.read_sensitive", since)
    assert event.object == "contact" and event.actor == "chenjing"
    assert event.details["fields"] == ["phone", "email"]  # id_number is hidden for support
    assert event.details["ids"] == [i["id"] for i in items]
    assert all("id_number" not in i for i in items)
