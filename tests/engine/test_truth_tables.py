"""The engine on hand-built facts: PERMISSIONS.md's examples as truth tables.

Organisation used throughout (department ids):

    1 HQ ── 2 Sales ──┬── 3 East 1
                      └── 4 East 2
         └─ 5 Finance

Users: 10 (manager, Sales), 11 (East 1, reports to 10), 12 (East 2, reports to 11),
13 (Finance). Records are plain RecordFacts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from vouch.access.engine import (
    AssignmentFact,
    ConditionError,
    FieldRuleFact,
    GrantFact,
    PrincipalRef,
    RecordFacts,
    RoleFact,
    RuleFact,
    ShareFact,
    StaleProfile,
    UserFacts,
    WindowFact,
    can,
    check_queryable,
    compile_profile,
    explain,
    field_level,
    mask,
    matrix,
    parse_condition,
)
from vouch.catalog import FieldLevel, get_field
from vouch.errors import FieldDenied

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PARENTS = {1: None, 2: 1, 3: 2, 4: 2, 5: 1}
USER_DEPT = {10: 2, 11: 3, 12: 4, 13: 5}
REPORTS = {10: frozenset({11, 12}), 11: frozenset({12}), 12: frozenset(), 13: frozenset()}


def role(rid: int, grants: dict[tuple[str, str], str], rules: tuple[FieldRuleFact, ...] = (),
         perms: frozenset[str] = frozenset()) -> RoleFact:
    return RoleFact(rid, f"role{rid}", f"Role {rid}",
                    tuple(GrantFact(o, a, s) for (o, a), s in grants.items()), rules, perms)


def facts(user: int, *roles: RoleFact, expires: datetime | None = None, active: bool = True,
          sharing: tuple[RuleFact, ...] = (), restricting: tuple[RuleFact, ...] = (),
          windows: tuple[WindowFact, ...] = ()) -> UserFacts:
    return UserFacts(
        user_id=user, username=f"u{user}", active=active, department_id=USER_DEPT[user],
        policy_version=1, department_parents=PARENTS, reports=REPORTS[user],
        assignments=tuple(AssignmentFact(i, r.id, expires) for i, r in enumerate(roles)),
        roles={r.id: r for r in roles}, sharing_rules=sharing, restriction_rules=restricting,
        windows=windows,
    )


def rec(rid: int, owner: int, dept: int | None = None, shares: tuple[ShareFact, ...] = (),
        **values: object) -> RecordFacts:
    d = USER_DEPT[owner] if dept is None else dept
    return RecordFacts(rid, owner, d, USER_DEPT[owner], values, shares)


VIEW_EDIT = ("view", "edit")


def scope_role(scope: str, actions: tuple[str, ...] = VIEW_EDIT) -> RoleFact:
    return role(1, {("customer", a): scope for a in actions})


# --- data scope ------------------------------------------------------------------------

# (scope, viewer, record owner, record department, expected)
SCOPE_TABLE = [
    ("own", 11, 11, None, True),
    ("own", 11, 12, None, False),
    ("reports", 10, 12, None, True),  # indirect report
    ("reports", 11, 12, None, True),
    ("reports", 12, 11, None, False),  # the manager is not a report
    ("reports", 10, 13, None, False),
    ("department", 11, 12, 3, True),  # record in my department, whoever owns it
    ("department", 11, 12, 4, False),
    ("department", 11, 11, 5, True),  # own, wherever it sits
    ("department_tree", 10, 12, 4, True),
    ("department_tree", 10, 13, 5, False),
    ("department_tree", 11, 12, 4, False),  # sibling subtree
    ("all", 13, 11, None, True),
    ("none", 11, 11, None, False),
]


@pytest.mark.parametrize(("scope", "viewer", "owner", "dept", "expected"), SCOPE_TABLE)
def test_scope_covers_exactly_what_the_table_says(scope: str, viewer: int, owner: int,
                                                  dept: int | None, expected: bool) -> None:
    # given a user whose only role grants view on customers at `scope`
    profile = compile_profile(facts(viewer, scope_role(scope)), NOW)
    # when they ask to view the record
    decision = can(profile, "customer", "view", rec(1, owner, dept), NOW)
    # then
    assert decision.allowed is expected
    if not expected:
        assert decision.layer == ("function" if scope == "none" else "record")


def test_roles_add_up_and_none_takes_away() -> None:
    own = role(1, {("customer", "view"): "own"})
    dept = role(2, {("customer", "view"): "department"})
    nothing = role(3, {("customer", "view"): "none"})
    profile = compile_profile(facts(11, own, dept, nothing), NOW)
    assert can(profile, "customer", "view", rec(1, 12, 3), NOW).allowed


def test_edit_delete_export_need_view_on_the_record() -> None:
    # edit at all, view only own: edit reaches only what the user can view
    r = role(1, {("customer", "view"): "own", ("customer", "edit"): "all",
                 ("customer", "export"): "all", ("customer", "delete"): "all"})
    profile = compile_profile(facts(11, r), NOW)
    for action in ("edit", "export", "delete"):
        assert can(profile, "customer", action, rec(1, 11), NOW).allowed
        assert can(profile, "customer", action, rec(2, 12), NOW).layer == "record"


def test_deactivated_user_is_denied_everything_at_identity() -> None:
    profile = compile_profile(facts(11, scope_role("all"), active=False), NOW)
    decision = can(profile, "customer", "view", rec(1, 11), NOW)
    assert not decision.allowed and decision.layer == "identity"


def test_object_actions_are_granted_or_not() -> None:
    profile = compile_profile(facts(11, role(1, {("customer", "create"): "all"})), NOW)
    assert can(profile, "customer", "create", None, NOW).allowed
    assert can(profile, "customer", "import", None, NOW).layer == "function"


# --- assignment expiry at its exact instant -------------------------------------------


def test_assignment_is_void_from_its_expiry_instant_on() -> None:
    ends = NOW + timedelta(hours=1)
    f = facts(11, scope_role("all"), expires=ends)
    before = compile_profile(f, ends - timedelta(microseconds=1))
    assert before.valid_until == ends
    assert can(before, "customer", "view", rec(1, 12), ends - timedelta(microseconds=1)).allowed
    with pytest.raises(StaleProfile):  # the cached profile refuses to answer past its expiry
        can(before, "customer", "view", rec(1, 12), ends)
    at = compile_profile(f, ends)
    assert can(at, "customer", "view", rec(1, 12), ends).layer == "function"


# --- shares -----------------------------------------------------------------------------

SHARE_TABLE = [
    # (principal kind, principal id, access, action, expected)
    ("user", 11, "read", "view", True),
    ("user", 11, "read", "edit", False),
    ("user", 11, "read_write", "edit", True),
    ("user", 11, "read_write", "delete", False),  # shares never give delete
    ("user", 11, "read_write", "export", False),  # … nor export
    ("role", 1, "read", "view", True),
    ("department", 3, "read", "view", True),
    ("department", 2, "read", "view", False),  # not my department…
    ("department_tree", 2, "read", "view", True),  # …but its subtree holds mine
    ("user", 12, "read_write", "view", False),  # someone else's share
]


@pytest.mark.parametrize(("kind", "pid", "access", "action", "expected"), SHARE_TABLE)
def test_share_table(kind: str, pid: int, access: str, action: str, expected: bool) -> None:
    r = role(1, {("customer", a): "own" for a in ("view", "edit", "delete", "export")})
    profile = compile_profile(facts(11, r), NOW)
    shared = rec(7, 13, shares=(ShareFact(1, kind, pid, access),))
    assert can(profile, "customer", action, shared, NOW).allowed is expected


def test_share_needs_the_function_layer() -> None:
    no_view = role(1, {("contact", "view"): "all"})
    profile = compile_profile(facts(11, no_view), NOW)
    shared = rec(7, 13, shares=(ShareFact(1, "user", 11, "read_write"),))
    assert can(profile, "customer", "view", shared, NOW).layer == "function"


def test_share_expires_at_its_instant() -> None:
    ends = NOW + timedelta(minutes=5)
    profile = compile_profile(facts(11, scope_role("own")), NOW)
    shared = rec(7, 13, shares=(ShareFact(1, "user", 11, "read", ends),))
    assert can(profile, "customer", "view", shared, ends - timedelta(microseconds=1)).allowed
    assert not can(profile, "customer", "view", shared, ends).allowed


# --- sharing and restriction rules ----------------------------------------------------

FINANCE_INDUSTRY = {"field": "industry", "op": "eq", "value": "finance"}


def test_sharing_rule_shares_matching_records_with_its_principals() -> None:
    rule = RuleFact(1, "finance customers to East 1", "customer", FINANCE_INDUSTRY,
                    (PrincipalRef("department", 3),), "read")
    profile = compile_profile(facts(11, scope_role("own"), sharing=(rule,)), NOW)
    assert can(profile, "customer", "view", rec(1, 13, industry="finance"), NOW).allowed
    assert not can(profile, "customer", "view", rec(2, 13, industry="retail"), NOW).allowed
    assert not can(profile, "customer", "edit", rec(1, 13, industry="finance"), NOW).allowed
    other = compile_profile(facts(12, scope_role("own"), sharing=(rule,)), NOW)
    assert not can(other, "customer", "view", rec(1, 13, industry="finance"), NOW).allowed


def test_restriction_wins_over_scope_and_shares() -> None:
    restriction = RuleFact(2, "no blacklisted", "customer",
                           {"field": "status", "op": "eq", "value": "lost"},
                           (PrincipalRef("all"),))
    profile = compile_profile(facts(13, scope_role("all"), restricting=(restriction,)), NOW)
    lost = rec(1, 13, status="lost", shares=(ShareFact(1, "user", 13, "read_write"),))
    decision = can(profile, "customer", "view", lost, NOW)
    assert not decision.allowed and decision.layer == "restriction"
    assert can(profile, "customer", "view", rec(2, 11, status="active"), NOW).allowed


def test_enforcement_window_opens_scope_but_not_restrictions_or_function() -> None:
    window = WindowFact(1, "customer", frozenset({"view"}), (PrincipalRef("role", 1),),
                        NOW - timedelta(hours=1), NOW + timedelta(hours=1), None, "cleanup")
    restriction = RuleFact(2, "lost", "customer", {"field": "status", "op": "eq",
                                                    "value": "lost"}, (PrincipalRef("all"),))
    profile = compile_profile(
        facts(11, scope_role("own"), windows=(window,), restricting=(restriction,)), NOW)
    assert profile.valid_until == NOW + timedelta(hours=1)
    assert can(profile, "customer", "view", rec(1, 13), NOW).allowed
    assert not can(profile, "customer", "edit", rec(1, 13), NOW).allowed
    assert can(profile, "customer", "view", rec(2, 13, status="lost"), NOW).layer == "restriction"
    assert can(profile, "contact", "view", rec(3, 13), NOW).layer == "function"
    later = compile_profile(facts(11, scope_role("own"), windows=(window,)),
                            NOW + timedelta(hours=1))
    assert not can(later, "customer", "view", rec(1, 13), NOW + timedelta(hours=1)).allowed


# --- the condition language -------------------------------------------------------------

CONDITION_TABLE = [
    # (condition, record values, owner, expected)
    ({"field": "industry", "op": "ne", "value": "finance"}, {"industry": None}, 11, False),
    ({"not": {"field": "industry", "op": "eq", "value": "finance"}}, {"industry": None}, 11,
     True),
    ({"field": "industry", "op": "is_null", "value": True}, {"industry": None}, 11, True),
    ({"field": "credit_limit", "op": "ge", "value": "100.00"},
     {"credit_limit": Decimal("100.00")}, 11, True),
    ({"field": "credit_limit", "op": "gt", "value": 100}, {"credit_limit": Decimal("100")}, 11,
     False),
    ({"field": "name", "op": "contains", "value": "科技"}, {"name": "上海华信科技有限公司"}, 11,
     True),
    ({"field": "name", "op": "contains", "value": "ABC"}, {"name": "abc"}, 11, False),
    ({"field": "level", "op": "in", "value": ["A", "B"]}, {"level": "B"}, 11, True),
    ({"field": "level", "op": "not_in", "value": ["A", "B"]}, {"level": None}, 11, False),
    ({"relation": "owner_in_department", "department": 2, "subtree": True}, {}, 12, True),
    ({"relation": "owner_in_department", "department": 2, "subtree": False}, {}, 12, False),
    ({"or": [{"field": "level", "op": "eq", "value": "A"},
             {"relation": "record_in_department", "department": 5}]}, {"level": "C"}, 13, True),
]


@pytest.mark.parametrize(("cond", "values", "owner", "expected"), CONDITION_TABLE)
def test_condition_table(cond: dict[str, object], values: dict[str, object], owner: int,
                         expected: bool) -> None:
    rule = RuleFact(1, "r", "customer", cond, (PrincipalRef("all"),), "read")
    profile = compile_profile(facts(10, scope_role("own"), sharing=(rule,)), NOW)
    assert can(profile, "customer", "view", rec(1, owner, **values), NOW).allowed is expected


@pytest.mark.parametrize(("cond", "path"), [
    ({"field": "colour", "op": "eq", "value": 1}, "$.field"),
    ({"field": "industry", "op": "like", "value": "x"}, "$.op"),
    ({"field": "industry", "op": "eq", "value": "mining"}, "$.value"),
    ({"field": "name", "op": "lt", "value": "b"}, "$.op"),
    ({"and": [{"field": "level", "op": "eq", "value": "A"},
              {"field": "credit_limit", "op": "gt", "value": "lots"}]}, "$.and[1].value"),
    ({"or": []}, "$.or"),
    ({"not": {"relation": "owner_of", "department": 1}}, "$.not.relation"),
    ({"relation": "owner_in_department", "department": 99}, "$.department"),
    ({"field": "industry", "op": "eq"}, "$.value"),
    ([1, 2], "$"),
])
def test_invalid_conditions_name_the_offending_part(cond: object, path: str) -> None:
    with pytest.raises(ConditionError) as err:
        parse_condition("customer", cond, PARENTS)
    assert err.value.path == path


def test_broken_rule_fails_closed() -> None:
    bad = {"relation": "owner_in_department", "department": 404}
    share = RuleFact(1, "stale", "customer", bad, (PrincipalRef("all"),), "read")
    hide = RuleFact(2, "stale", "customer", bad, (PrincipalRef("all"),))
    p1 = compile_profile(facts(11, scope_role("own"), sharing=(share,)), NOW)
    assert not can(p1, "customer", "view", rec(1, 13), NOW).allowed
    p2 = compile_profile(facts(11, scope_role("own"), restricting=(hide,)), NOW)
    assert can(p2, "customer", "view", rec(1, 11), NOW).layer == "restriction"


# --- field security --------------------------------------------------------------------


def test_field_level_rule_precedence_and_defaults() -> None:
    r = role(1, {("contract", "view"): "own", ("contract", "edit"): "own"},
             (FieldRuleFact("contract", None, "financial", "read"),
              FieldRuleFact("contract", "amount", None, "masked")))
    profile = compile_profile(facts(11, r), NOW)
    assert field_level(profile, "contract", "amount", None, NOW) is FieldLevel.MASKED
    assert field_level(profile, "contract", "terms", None, NOW) is FieldLevel.HIDDEN
    assert field_level(profile, "contract", "number", None, NOW) is FieldLevel.EDIT
    finance = role(2, {}, (FieldRuleFact("contract", None, "financial", "read"),))
    both = compile_profile(facts(11, r, finance), NOW)
    assert field_level(both, "contract", "amount", None, NOW) is FieldLevel.READ  # highest wins


def test_record_caps_levels() -> None:
    r = role(1, {("customer", "view"): "department", ("customer", "edit"): "own"},
             (FieldRuleFact("customer", None, "personal", "edit"),))
    profile = compile_profile(facts(11, r), NOW)
    assert field_level(profile, "customer", "phone", rec(1, 11), NOW) is FieldLevel.EDIT
    assert field_level(profile, "customer", "phone", rec(2, 12, 3), NOW) is FieldLevel.READ
    assert field_level(profile, "customer", "phone", rec(3, 13), NOW) is FieldLevel.HIDDEN


def test_querying_by_a_field_below_read_is_refused_naming_it() -> None:
    r = role(1, {("customer", "view"): "own"},
             (FieldRuleFact("customer", "credit_limit", None, "masked"),))
    profile = compile_profile(facts(11, r), NOW)
    check_queryable(profile, "customer", filter=["industry"], sort=["updated_at"])
    for purpose in ("filter", "sort", "search", "group", "sum"):
        with pytest.raises(FieldDenied) as denied:
            check_queryable(profile, "customer", **{purpose: ["credit_limit"]})
        assert denied.value.field == "credit_limit" and denied.value.purpose == purpose


@pytest.mark.parametrize(("obj", "field", "value", "shown"), [
    ("customer", "phone", "13812345678", "138****5678"),
    ("customer", "email", "alice@example.com", "a***@example.com"),
    ("customer", "credit_limit", Decimal("5000.00"), "***"),
    ("contract", "signed_on", datetime(2026, 1, 1).date(), "***"),
    ("customer", "phone", None, None),
])
def test_masks(obj: str, field: str, value: object, shown: object) -> None:
    assert mask(get_field(obj, field), value) == shown


# --- explanations and the matrix ------------------------------------------------------


def test_explain_names_every_layer_and_the_first_denial() -> None:
    r = role(1, {("customer", "view"): "own"})
    profile = compile_profile(facts(11, r), NOW)
    exp = explain(profile, "customer", "view", rec(1, 13), NOW, field="phone")
    assert [x.layer for x in exp.layers] == ["identity", "function", "record", "restriction",
                                             "field"]
    assert exp.first_denied == "record" and not exp.allowed
    assert any("role1" in s for s in exp.layers[1].sources)
    ok = explain(profile, "customer", "view", rec(2, 11), NOW)
    assert ok.allowed and "own" in ok.layers[2].sources[0]


def test_matrix_lists_scopes_with_sources_and_end_dates() -> None:
    ends = NOW + timedelta(days=30)
    profile = compile_profile(facts(10, role(1, {("customer", "view"): "reports",
                                                 ("customer", "edit"): "own"}),
                                    expires=ends), NOW)
    m = matrix(profile)
    view = m["objects"]["customer"]["actions"]["view"]
    assert view["scopes"] == ["reports"]
    assert view["sources"][0]["expires_at"] == ends.isoformat()
    assert m["objects"]["contact"]["actions"]["view"]["granted"] is False
    assert m["objects"]["customer"]["fields"]["phone"]["level"] == "hidden"
