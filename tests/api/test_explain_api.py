"""/access/explain, /access/matrix and /me/access: every layer with its reasons, for
oneself or (with manage_roles or view_audit) for anyone; bad names are 422s naming the
parameter; a record is explained by layers and reasons, never by its field values."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.api.conftest import API, Login
from vouch.db import system_session
from vouch.org.models import User
from vouch.records.models import model_for


def uid(engine: Engine, username: str) -> int:
    with Session(engine) as s:
        return s.scalars(select(User.id).where(User.username == username)).one()


def owned(engine: Engine, obj: str, username: str) -> Any:
    model = model_for(obj)
    with system_session(engine, "test ground truth") as s:
        return s.scalars(select(model).where(model.owner_id == uid(engine, username))
                         .order_by(model.id)).first()


def layers(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {x["layer"]: x for x in body["layers"]}


def error(r: Any) -> dict[str, Any]:
    body: dict[str, Any] = r.json()["error"]
    return body


def test_a_user_explains_their_own_access(as_user: Login, api_engine: Engine) -> None:
    rep = as_user("hanmeimei")
    customer = owned(api_engine, "customer", "hanmeimei")
    r = rep.get(f"{API}/access/explain",
                params={"action": "edit", "object": "customer", "record": customer.id})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    body = r.json()
    assert body["allowed"] is True and body["username"] == "hanmeimei"
    assert list(layers(body)) == ["identity", "function", "record", "restriction"]
    assert any("sales_rep" in s for s in layers(body)["function"]["sources"])
    assert customer.name not in r.text and customer.phone not in r.text

    r = rep.get(f"{API}/access/explain",
                params={"action": "delete", "object": "customer", "record": customer.id})
    assert r.json()["allowed"] is False and r.json()["first_denied"] == "function"

    contract = owned(api_engine, "contract", "hanmeimei")
    r = rep.get(f"{API}/access/explain", params={
        "action": "view", "object": "contract", "record": contract.id, "field": "amount"})
    field = layers(r.json())["field"]
    assert r.json()["first_denied"] == "field" and "hidden" in field["reason"]
    assert str(contract.amount) not in r.text


def test_explaining_a_record_one_cannot_view_answers_like_a_missing_one(
        as_user: Login, api_engine: Engine) -> None:
    rep = as_user("hanmeimei")
    theirs = owned(api_engine, "customer", "zhangwei")
    hidden = rep.get(f"{API}/access/explain",
                     params={"action": "view", "object": "customer", "record": theirs.id})
    missing = rep.get(f"{API}/access/explain",
                      params={"action": "view", "object": "customer", "record": 999999})
    assert hidden.status_code == missing.status_code == 404
    assert set(error(hidden)["details"]) == set(error(missing)["details"]) == {"object", "id"}


def test_administrators_explain_anyone_without_record_contents(
        as_user: Login, api_engine: Engine) -> None:
    theirs = owned(api_engine, "customer", "zhangwei")
    for admin in ("wangfang", "sunli"):  # manage_roles, view_audit
        r = as_user(admin).get(f"{API}/access/explain", params={
            "user": "hanmeimei", "action": "view", "object": "customer", "record": theirs.id})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["allowed"] is False and body["first_denied"] == "record"
        assert "outside scope own" in layers(body)["record"]["reason"]
        for value in (theirs.name, theirs.phone, theirs.email, theirs.address):
            assert value not in r.text
    by_id = as_user("sunli").get(f"{API}/access/explain", params={
        "user": uid(api_engine, "lilei"), "action": "view", "object": "customer",
        "record": theirs.id})
    assert by_id.json()["allowed"] is True and by_id.json()["username"] == "lilei"


def test_explaining_others_needs_manage_roles_or_view_audit(as_user: Login) -> None:
    rep = as_user("hanmeimei")
    for path, params in [("/access/explain", {"user": "lilei", "action": "view",
                                              "object": "customer"}),
                         ("/access/matrix", {"user": "lilei"}),
                         ("/access/matrix", {"user": "no_such_user"})]:
        r = rep.get(f"{API}{path}", params=params)
        assert r.status_code == 403
        assert error(r)["details"]["any_of"] == ["manage_roles", "view_audit"]
    assert rep.get(f"{API}/access/matrix", params={"user": "hanmeimei"}).status_code == 200


def test_object_actions_and_system_permissions(as_user: Login) -> None:
    admin = as_user("wangfang")
    r = admin.get(f"{API}/access/explain", params={"user": "hanmeimei", "action": "create",
                                                   "object": "customer"})
    assert r.json()["allowed"] is True and list(layers(r.json())) == ["identity", "function"]
    r = admin.get(f"{API}/access/explain", params={"user": "lilei",
                                                   "action": "manage_settings"})
    body = r.json()
    assert body["allowed"] is False and body["first_denied"] == "function"
    assert body["permission"] == "manage_settings"
    r = admin.get(f"{API}/access/explain", params={"action": "manage_roles"})
    assert r.json()["allowed"] is True
    assert "sys_admin" in layers(r.json())["function"]["reason"]


BAD = [
    ({"action": "peek", "object": "customer"}, "action"),
    ({"object": "customer"}, "action"),
    ({"action": "view"}, "object"),
    ({"action": "view", "object": "invoice"}, "object"),
    ({"action": "view", "object": "customer", "field": "salary"}, "field"),
    ({"action": "create", "object": "customer", "record": 1}, "record"),
    ({"action": "manage_users", "record": 1}, "action"),
    ({"action": "view", "object": "customer", "record": 2**40}, "record"),
    ({"action": "view", "object": "customer", "user": "no_such_user"}, "user"),
    ({"action": "view", "object": "customer", "user": "nul\x00"}, "user"),
]


@pytest.mark.parametrize(("params", "field"), BAD, ids=[f"{f}-{i}" for i, (_p, f) in
                                                        enumerate(BAD)])
def test_bad_explain_parameters_name_the_field(as_user: Login, params: dict[str, Any],
                                               field: str) -> None:
    r = as_user("wangfang").get(f"{API}/access/explain", params=params)
    assert r.status_code == 422, r.text
    assert error(r)["details"]["field"] == field


def test_matrix_of_a_user(as_user: Login) -> None:
    r = as_user("wangfang").get(f"{API}/access/matrix", params={"user": "hanmeimei"})
    assert r.status_code == 200
    m = r.json()
    assert m["username"] == "hanmeimei" and m["display_name"] == "韩梅梅"
    assert [role["key"] for role in m["roles"]] == ["sales_rep"]
    assert m["system_permissions"] == []
    customer = m["objects"]["customer"]
    assert customer["actions"]["view"]["scopes"] == ["own"]
    assert customer["actions"]["delete"]["granted"] is False
    assert m["objects"]["contract"]["fields"]["amount"]["level"] == "hidden"
    assert customer["fields"]["phone"]["sources"] == ["role sales_rep: rule on customer "
                                                      "personal fields"]


def test_me_access_is_my_matrix(as_user: Login) -> None:
    for username in ("hanmeimei", "sunli", "zhaomin"):
        client = as_user(username)
        mine = client.get(f"{API}/me/access")
        assert mine.status_code == 200 and mine.headers["cache-control"] == "no-store"
        assert mine.json() == client.get(f"{API}/access/matrix").json()
        assert mine.json()["username"] == username
    finance = as_user("zhaomin").get(f"{API}/me/access").json()
    assert finance["objects"]["contract"]["fields"]["amount"]["level"] == "read"
    assert finance["objects"]["customer"]["actions"]["edit"]["granted"] is False


def test_a_deactivated_user_is_explained_as_denied_at_identity(
        as_user: Login, api_engine: Engine) -> None:
    admin = as_user("wangfang")
    user = admin.post(f"{API}/users", json={"username": "leaver", "display_name": "离职",
                                            "department_id": 3, "reason": "temp"}).json()
    admin.post(f"{API}/assignments", json={"user_id": user["id"], "role_id": 3,
                                           "reason": "r"})
    r = admin.post(f"{API}/users/{user['id']}/deactivate", json={
        "successor_id": uid(api_engine, "lilei"), "reason": "left", "version": 1})
    assert r.status_code == 200
    body = admin.get(f"{API}/access/explain", params={
        "user": "leaver", "action": "view", "object": "customer"}).json()
    assert body["allowed"] is False and body["first_denied"] == "identity"
    m = admin.get(f"{API}/access/matrix", params={"user": "leaver"}).json()
    assert m["active"] is False and m["roles"] == []


def test_explain_and_matrix_need_sign_in(anonymous: Any) -> None:
    for path in ("/access/explain?action=view&object=customer", "/access/matrix",
                 "/me/access"):
        assert anonymous.get(f"{API}{path}").status_code == 401
