"""Configuration as code over the API: export, diff (dry run) and apply of the one
versioned document (roles, rules, approval policies, conflicting pairs, settings).

The tests of this module share one demo organisation per database and run in order; each
starts from the live export, so what one applied is the next one's starting point."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine

from tests.api.admin_helpers import version_now
from tests.api.conftest import API, Login
from tests.api.records_truth import events, last_seq, rows, uid

REASON = "configuration as code test"


def export(client: Any, fmt: str = "yaml") -> str:
    r = client.get(f"{API}/config/export", params={"format": fmt})
    assert r.status_code == 200, r.text
    return str(r.text)


def document(client: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(export(client))
    return data


def diff(client: Any, doc: dict[str, Any] | str, **params: Any) -> Any:
    if isinstance(doc, str):
        return client.post(f"{API}/config/diff", content=doc.encode(), params=params,
                           headers={"content-type": "application/yaml"})
    return client.post(f"{API}/config/diff", json=doc, params=params)


def apply(client: Any, doc: dict[str, Any] | str, **extra: Any) -> Any:
    return client.post(f"{API}/config/apply",
                       json={"document": doc, "reason": REASON, **extra})


def role(doc: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in doc["roles"] if r["key"] == key)
    return found


def changed(body: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c["section"], c["key"]): c for c in body["changes"]}


def paths(body: dict[str, Any]) -> list[str]:
    return [e["path"] for e in body["error"]["details"]["errors"]]


# --- the no-op and the round trip ----------------------------------------------------------


def test_the_export_is_deterministic_and_names_keys_not_ids(as_user: Login) -> None:
    admin = as_user("wangfang")
    text = export(admin)
    assert text == export(admin)  # same state, same instant: the same bytes
    doc = yaml.safe_load(text)
    assert doc["format"] == "vouch-config/1"
    assert list(doc)[:3] == ["format", "exported_at", "policy_version"]
    assert [r["key"] for r in doc["roles"]] == sorted(r["key"] for r in doc["roles"])
    rep = role(doc, "sales_rep")
    assert rep["name"] == {"zh": "销售人员", "en": "Sales representative"}
    assert rep["grants"]["customer"] == {"view": "own", "edit": "own", "create": "all"}
    assert rep["fields"]["by_class"]["customer"] == {"personal": "edit", "financial": "masked"}
    assert rep["fields"]["by_field"]["contact"] == {"id_number": "masked"}
    assert role(doc, "sys_admin")["permissions"] == sorted(role(doc, "sys_admin")["permissions"])
    assert doc["settings"] == {"two_person_rule": False, "expiry_notice_days": 7}
    as_json = json.loads(export(admin, "json"))
    assert as_json["roles"] == doc["roles"]


def test_importing_the_export_changes_nothing(api_engine: Engine, as_user: Login) -> None:
    admin = as_user("wangfang")
    text = export(admin)
    seq, version = last_seq(api_engine), version_now(api_engine)
    r = diff(admin, text)
    assert r.status_code == 200, r.text
    assert r.json()["changed"] is False and r.json()["changes"] == []
    assert r.json()["can_apply"] is True
    r = apply(admin, text)
    assert r.status_code == 200, r.text
    assert r.json()["applied"] is False
    assert (last_seq(api_engine), version_now(api_engine)) == (seq, version)  # no event
    assert export(admin) == text  # byte-identical after the round trip


# --- an edit: diff, apply, decisions, audit --------------------------------------------------


def test_an_edit_is_diffed_applied_enforced_and_audited(api_engine: Engine,
                                                        as_user: Login) -> None:
    admin, zhangwei = as_user("wangfang"), as_user("zhangwei")
    mine = rows(api_engine, "customer", lambda r: r.owner_id == uid(api_engine, "zhangwei"))[0]
    hers = rows(api_engine, "customer",
                lambda r: r.owner_id == uid(api_engine, "hanmeimei"))[0]
    assert zhangwei.patch(f"{API}/customers/{mine.id}",
                          json={"notes": "before", "version": mine.version}).status_code == 200
    assert zhangwei.get(f"{API}/customers/{mine.id}").json()["credit_limit"] == "***"
    assert zhangwei.get(f"{API}/customers/{hers.id}").status_code == 404

    doc = document(admin)
    rep = role(doc, "sales_rep")
    del rep["grants"]["customer"]["edit"]
    rep["fields"]["by_class"]["customer"]["financial"] = "read"
    doc["sharing_rules"].append({
        "name": "East 1 customers to zhangwei", "object": "customer", "access": "read",
        "active": True, "principals": [{"user": "zhangwei"}],
        "condition": {"relation": "owner_in_department", "department": "总部/销售部/华东一组",
                      "subtree": False},
        "description": "config as code test"})
    r = diff(admin, doc)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["counts"] == {"added": 1, "changed": 1, "removed": 0}
    role_change = changed(body)[("roles", "sales_rep")]
    assert role_change["change"] == "changed"
    assert {(f["path"], f["before"], f["after"]) for f in role_change["fields"]} == {
        ("grants.customer.edit", "own", "(absent)"),
        ("fields.by_class.customer.financial", "masked", "read")}
    rule_change = changed(body)[("sharing_rules", "East 1 customers to zhangwei")]
    assert rule_change["change"] == "added"
    assert rule_change["after"]["principals"] == [{"user": "zhangwei"}]

    seq, version = last_seq(api_engine), version_now(api_engine)
    r = apply(admin, doc)
    assert r.status_code == 200, r.text
    assert r.json()["applied"] is True
    assert version_now(api_engine) == version + 1  # once, for the whole import
    assert r.json()["policy_version"] == version + 1
    assert last_seq(api_engine) == seq + 3  # one event per item and the summary

    # zhangwei's next requests follow the new configuration
    fresh = rows(api_engine, "customer", lambda r: r.id == mine.id)[0]
    r = zhangwei.patch(f"{API}/customers/{mine.id}",
                       json={"notes": "after", "version": fresh.version})
    assert r.status_code == 403, r.text
    assert zhangwei.get(f"{API}/customers/{mine.id}").json()["credit_limit"] != "***"
    assert zhangwei.get(f"{API}/customers/{hers.id}").status_code == 200

    updated = events(api_engine, "access.role_updated", seq)
    assert len(updated) == 1 and updated[0].reason == REASON
    before = {(g["object"], g["action"]) for g in updated[0].before["grants"]}
    after = {(g["object"], g["action"]) for g in updated[0].after["grants"]}
    assert before - after == {("customer", "edit")}
    assert updated[0].details["source"] == "config import"
    created = events(api_engine, "access.sharing_rule_created", seq)
    assert len(created) == 1 and created[0].before is None
    assert created[0].after["principals"] == [{"kind": "user",
                                               "id": uid(api_engine, "zhangwei")}]
    summary = events(api_engine, "config.imported", seq)
    assert len(summary) == 1
    assert summary[0].details["counts"] == {"added": 1, "changed": 1, "removed": 0}
    assert summary[0].details["policy_version"] == {"before": version, "after": version + 1}

    # and back: the previous document restores the previous behaviour
    rep["grants"]["customer"]["edit"] = "own"
    rep["fields"]["by_class"]["customer"]["financial"] = "masked"
    doc["sharing_rules"] = [s for s in doc["sharing_rules"]
                            if s["name"] != "East 1 customers to zhangwei"]
    assert apply(admin, doc).status_code == 200
    assert diff(admin, doc).json()["changed"] is False
    assert zhangwei.get(f"{API}/customers/{hers.id}").status_code == 404


def test_keys_stand_for_ids_everywhere_and_new_roles_can_be_named(
        api_engine: Engine, as_user: Login) -> None:
    """A role added by the document can be named by a rule, a policy step and a pair of
    the same document; conditions name owners by username and departments by path."""
    admin = as_user("wangfang")
    doc = document(admin)
    add_cashier(doc)
    r = apply(admin, doc)
    assert r.status_code == 200, r.text
    assert {(c["section"], c["change"]) for c in r.json()["changes"]} == {
        ("roles", "added"), ("restriction_rules", "added"), ("approval_policies", "added"),
        ("role_conflicts", "added")}
    cashier_id = next(e for e in events(api_engine, "access.role_created")
                      if e.after["key"] == "cashier").record_id
    rule = events(api_engine, "access.restriction_rule_created")[-1].after
    finance_dept = 6
    assert {"kind": "role", "id": int(cashier_id)} in rule["principals"]
    assert {"kind": "department_tree", "id": finance_dept} in rule["principals"]
    assert rule["condition"]["or"][0]["value"] == [uid(api_engine, "zhaomin"),
                                                   uid(api_engine, "wangfang")]
    assert rule["condition"]["or"][1]["value"] == finance_dept
    policy = events(api_engine, "workflow.policy_created")[-1].after
    assert policy["steps"][1]["role_id"] == int(cashier_id)
    assert events(api_engine, "workflow.role_conflict_created")[-1].after["reason"] == \
        "who pays does not approve"
    again = document(admin)
    assert diff(admin, again).json()["changed"] is False
    exported = next(x for x in again["restriction_rules"]
                    if x["name"] == "no big payments for cashiers")
    assert exported["condition"]["or"][0]["value"] == ["zhaomin", "wangfang"]
    assert exported["principals"] == [{"role": "cashier"}, {"department_tree": "总部/财务部"}]


def add_cashier(doc: dict[str, Any]) -> None:
    """A new role named, in the same document, by a restriction rule, a policy step and
    a conflicting pair."""
    doc["roles"].append({"key": "cashier", "name": {"zh": "出纳", "en": "Cashier"},
                         "grants": {"payment": {"view": "all"}},
                         "fields": {"by_class": {"payment": {"financial": "read"}}}})
    doc["restriction_rules"].append({
        "name": "no big payments for cashiers", "object": "payment", "active": True,
        "principals": [{"role": "cashier"}, {"department_tree": "总部/财务部"}],
        "condition": {"or": [{"field": "owner_id", "op": "in",
                              "value": ["zhaomin", "wangfang"]},
                             {"field": "department_id", "op": "eq", "value": "总部/财务部"}]}})
    doc["approval_policies"].append({"role": "cashier", "steps": [
        {"approver": "manager"}, {"approver": "role", "role": "cashier"}],
        "required_courses": ["cash_handling"], "probation_days": 30})
    doc["role_conflicts"].append({"roles": ["finance", "cashier"],
                                  "reason": "who pays does not approve"})


# --- refusals --------------------------------------------------------------------------------


def test_an_invalid_document_names_every_problem_and_writes_nothing(
        api_engine: Engine, as_user: Login) -> None:
    admin = as_user("wangfang")
    doc = document(admin)
    index = [r["key"] for r in doc["roles"]].index("sales_rep")
    role(doc, "sales_rep")["grants"]["customer"]["edit"] = "everything"
    role(doc, "sales_rep")["grants"]["spaceship"] = {"view": "all"}
    role(doc, "finance")["departments"] = ["总部/没有这个部门"]
    doc["sharing_rules"].append({
        "name": "bad", "object": "customer", "access": "read", "active": True,
        "principals": [{"user": "nobody_here"}, {"team": "x"}],
        "condition": {"field": "owner_id", "op": "eq", "value": "ghost"}})
    seq, version = last_seq(api_engine), version_now(api_engine)
    for r in (diff(admin, doc), apply(admin, doc)):
        assert r.status_code == 422, r.text
        err = r.json()["error"]
        finance = [x["key"] for x in doc["roles"]].index("finance")
        rule = len(doc["sharing_rules"]) - 1
        assert paths(r.json()) == [
            f"roles[{finance}].departments[0]",
            f"roles[{index}].grants.customer.edit",
            f"roles[{index}].grants.spaceship",
            f"sharing_rules[{rule}].condition.value",
            f"sharing_rules[{rule}].principals[0].user",
            f"sharing_rules[{rule}].principals[1]"]
        assert err["details"]["field"] == f"roles[{finance}].departments[0]"
        assert "everything" in err["details"]["errors"][1]["message"]
    assert (last_seq(api_engine), version_now(api_engine)) == (seq, version)


@pytest.mark.parametrize(("text", "path"), [
    ("roles: [", "document"),
    ("format: vouch-config/9\nroles: []\nsharing_rules: []\nrestriction_rules: []\n"
     "approval_policies: []\nrole_conflicts: []\nsettings: {}\n", "format"),
    ("format: vouch-config/1\nroles: []\n", "sharing_rules"),
    ("format: vouch-config/1\nroles: []\nroles: []\n", "document"),
    ("- a list", "document"),
])
def test_unreadable_or_incomplete_documents(as_user: Login, text: str, path: str) -> None:
    r = diff(as_user("wangfang"), text)
    assert r.status_code == 422, r.text
    assert path in paths(r.json())


def test_a_role_still_held_cannot_be_removed(api_engine: Engine, as_user: Login) -> None:
    admin = as_user("wangfang")
    doc = document(admin)
    doc["roles"] = [r for r in doc["roles"] if r["key"] != "support"]
    doc["approval_policies"] = [p for p in doc["approval_policies"] if p["role"] != "support"]
    doc["role_conflicts"] = [c for c in doc["role_conflicts"] if "support" not in c["roles"]]
    r = diff(admin, doc)
    assert r.status_code == 200, r.text
    assert r.json()["can_apply"] is False
    assert changed(r.json())[("roles", "support")]["change"] == "removed"
    problem = r.json()["problems"][0]
    assert problem["type"] == "conflict.held"
    assert problem["details"] == {"role": "support", "active_assignments": 1}
    seq = last_seq(api_engine)
    r = apply(admin, doc)
    assert r.status_code == 409, r.text
    assert r.json()["error"]["type"] == "conflict.held"
    assert "support" in r.json()["error"]["message"]
    assert last_seq(api_engine) == seq


def test_a_role_nobody_holds_is_removed_with_what_names_it(api_engine: Engine,
                                                           as_user: Login) -> None:
    admin = as_user("wangfang")
    doc = document(admin)
    if "cashier" not in [r["key"] for r in doc["roles"]]:  # run on its own
        add_cashier(doc)
        assert apply(admin, doc).status_code == 200
        doc = document(admin)
    doc["roles"] = [r for r in doc["roles"] if r["key"] != "cashier"]
    doc["restriction_rules"] = [x for x in doc["restriction_rules"]
                                if x["name"] != "no big payments for cashiers"]
    kept_naming = diff(admin, doc)  # the policy and the pair still name it
    assert kept_naming.status_code == 422
    assert any("cashier" in e["message"] for e in kept_naming.json()["error"]["details"][
        "errors"])
    doc["approval_policies"] = [p for p in doc["approval_policies"] if p["role"] != "cashier"]
    doc["role_conflicts"] = [c for c in doc["role_conflicts"] if "cashier" not in c["roles"]]
    seq = last_seq(api_engine)
    r = apply(admin, doc)
    assert r.status_code == 200, r.text
    assert r.json()["counts"] == {"added": 0, "changed": 0, "removed": 4}
    assert [e.action for e in events(api_engine, "workflow.policy_deleted", seq)] == [
        "workflow.policy_deleted"]
    assert len(events(api_engine, "access.role_deleted", seq)) == 1
    assert "cashier" not in [r["key"] for r in document(admin)["roles"]]


def test_a_moved_policy_version_refuses_the_import(api_engine: Engine,
                                                   as_user: Login) -> None:
    admin = as_user("wangfang")
    doc = document(admin)
    exported_at = doc["policy_version"]
    role(doc, "support")["description"] = "changed by the document"
    r = admin.post(f"{API}/roles", json={"key": "concurrent_role", "name": "并发",
                                         "reason": "someone else's change"})
    assert r.status_code == 201, r.text
    r = apply(admin, doc, expect_version=exported_at)
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["type"] == "conflict.stale_version"
    assert err["details"]["current_version"] == exported_at + 1
    assert diff(admin, doc, expect_version=exported_at).status_code == 409
    # without the concurrent role in the document, applying now would remove it
    doc["roles"].append(role(document(admin), "concurrent_role"))
    r = apply(admin, doc, expect_version=exported_at + 1)
    assert r.status_code == 200, r.text
    assert r.json()["counts"] == {"added": 0, "changed": 1, "removed": 0}


def test_who_may(api_engine: Engine, as_user: Login) -> None:
    text = export(as_user("wangfang"))
    for name in ("lilei", "hanmeimei"):
        client = as_user(name)
        assert client.get(f"{API}/config/export").status_code == 403
        assert diff(client, text).status_code == 403
        assert apply(client, text).status_code == 403
    auditor = as_user("sunli")
    assert export(auditor) == text
    assert diff(auditor, text).status_code == 200
    r = apply(auditor, text)
    assert r.status_code == 403 and r.json()["error"]["details"]["permission"] == "manage_roles"


def test_changing_settings_needs_manage_settings_too(api_engine: Engine,
                                                     as_user: Login) -> None:
    admin = as_user("wangfang")
    doc = document(admin)
    doc["roles"].append({"key": "role_admin", "name": {"zh": "角色管理员", "en": "Role admin"},
                         "permissions": ["manage_roles"]})
    assert apply(admin, doc).status_code == 200
    roles = {r["key"]: r["id"] for r in admin.get(f"{API}/roles").json()["items"]}
    r = admin.post(f"{API}/assignments", json={"user_id": uid(api_engine, "chenjing"),
                                               "role_id": roles["role_admin"],
                                               "reason": REASON})
    assert r.status_code == 201, r.text
    holder = as_user("chenjing")
    doc = document(holder)
    doc["settings"]["two_person_rule"] = True
    seq = last_seq(api_engine)
    r = apply(holder, doc)
    assert r.status_code == 403, r.text
    assert r.json()["error"]["details"]["permission"] == "manage_settings"
    assert events(api_engine, "workflow.settings_updated", seq) == []
    r = apply(admin, doc)
    assert r.status_code == 200, r.text
    assert document(admin)["settings"]["two_person_rule"] is True
