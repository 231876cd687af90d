"""Hand-written truth tables of PERMISSIONS.md, checked against the reference model.

These pin the reference itself down before it is used as the oracle of the differential
property tests: every row says, in words, what the contract says, and the model must agree.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tests.reference import model
from tests.reference.world import (
    Assignment,
    Department,
    FieldRuleSpec,
    GrantSpec,
    ManualShare,
    Record,
    RestrictionRule,
    Role,
    SharingRule,
    User,
    World,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
US = timedelta(microseconds=1)

# Organisation:  1 HQ ─ 2 Sales ─ 3 Sales East ─ 4 East Team A
#                              └ 5 Sales West
DEPARTMENTS = (
    Department(1, None),
    Department(2, 1),
    Department(3, 2),
    Department(4, 3),
    Department(5, 2),
)
# Reporting line: 1 ← 2 ← 3 ← 4, 2 ← 5; user 6 (deactivated) reports to 3.
USERS = (
    User(1, department_id=1, manager_id=None),
    User(2, department_id=2, manager_id=1),
    User(3, department_id=3, manager_id=2),
    User(4, department_id=4, manager_id=3),
    User(5, department_id=5, manager_id=2),
    User(6, department_id=4, manager_id=3, active=False),
)
# Customers: id -> (owner, department, values)
CUSTOMERS = (
    Record(1, owner_id=4, department_id=4, values={"name": "Acme", "industry": "finance",
                                                   "credit_limit": Decimal("1000.00"),
                                                   "phone": "13812345678"}),
    Record(2, owner_id=3, department_id=3, values={"name": "Bolt", "industry": "retail",
                                                   "credit_limit": None}),
    Record(3, owner_id=5, department_id=5, values={"name": "Crane", "industry": None,
                                                   "credit_limit": Decimal("99.99")}),
    Record(4, owner_id=1, department_id=1, values={"name": "Delta", "industry": "finance"}),
    # owned by user 4 but filed under department 5 (e.g. after a department move)
    Record(5, owner_id=4, department_id=5, values={"name": "Echo 50%", "industry": "energy"}),
)
CONTRACTS = (
    Record(1, owner_id=4, department_id=4, values={"number": "C-1", "amount": Decimal("500.00"),
                                                   "signed_on": date(2026, 5, 31),
                                                   "terms": "net 30", "status": "active"}),
    Record(2, owner_id=5, department_id=5, values={"number": "C-2", "amount": Decimal("500.01"),
                                                   "signed_on": None, "status": "draft"}),
)


def grants(obj: str, **scopes: str) -> tuple[GrantSpec, ...]:
    return tuple(GrantSpec(obj, action, scope) for action, scope in scopes.items())


def make_world(
    *,
    roles: tuple[Role, ...] = (),
    assignments: tuple[Assignment, ...] = (),
    shares: tuple[ManualShare, ...] = (),
    sharing_rules: tuple[SharingRule, ...] = (),
    restriction_rules: tuple[RestrictionRule, ...] = (),
    users: tuple[User, ...] = USERS,
) -> World:
    return World(
        now=NOW,
        departments=DEPARTMENTS,
        users=users,
        roles=roles,
        assignments=assignments,
        records={"customer": CUSTOMERS, "contract": CONTRACTS},
        shares=shares,
        sharing_rules=sharing_rules,
        restriction_rules=restriction_rules,
    )


def one_role(scope: str, **extra: str) -> World:
    """Every user holds role 1: customer view (and `extra` actions) at `scope`."""
    role = Role(1, grants=grants("customer", view=scope, **extra))
    return make_world(roles=(role,), assignments=tuple(Assignment(u.id, 1) for u in USERS))


# ---------------------------------------------------------------------------------------
# Data scope


@pytest.mark.parametrize(
    ("scope", "user_id", "expected"),
    [
        # own: r.owner_id = u.id
        ("own", 4, {1, 5}),
        ("own", 3, {2}),
        ("own", 2, set()),
        # reports: own and anything owned by direct or indirect reports
        ("reports", 3, {1, 2, 5}),
        ("reports", 2, {1, 2, 3, 5}),
        ("reports", 1, {1, 2, 3, 4, 5}),
        ("reports", 5, {3}),
        # department: own and r.department_id = u.department_id (no subtree)
        ("department", 3, {2}),
        ("department", 5, {3, 5}),
        ("department", 4, {1, 5}),
        # department_tree: own and r.department_id in subtree(u.department_id)
        ("department_tree", 3, {1, 2}),
        ("department_tree", 2, {1, 2, 3, 5}),
        ("department_tree", 5, {3, 5}),
        # all
        ("all", 4, {1, 2, 3, 4, 5}),
        # none: the function is not granted at all
        ("none", 1, set()),
    ],
)
def test_view_scope_levels(scope: str, user_id: int, expected: set[int]) -> None:
    # Given every user holds a role granting customer view at `scope`
    world = one_role(scope)
    # When we ask which customers the user may view
    got = model.allowed_ids(world, user_id, "view", "customer", NOW)
    # Then it is exactly the records the scope level covers
    assert got == expected


def test_scope_none_denies_at_function_layer() -> None:
    world = one_role("none")
    assert model.can(world, 1, "view", "customer", 1, NOW) == (False, "function")


def test_out_of_scope_denies_at_record_layer() -> None:
    world = one_role("own")
    assert model.can(world, 4, "view", "customer", 2, NOW) == (False, "record")
    assert model.can(world, 4, "view", "customer", 1, NOW) == (True, None)


def test_deactivated_user_is_denied_everything_at_identity() -> None:
    world = one_role("all", edit="all", create="all")
    for action in ("view", "edit", "delete"):
        assert model.can(world, 6, action, "customer", 1, NOW) == (False, "identity")
    assert model.can(world, 6, "create", "customer", None, NOW) == (False, "identity")
    assert model.field_level(world, 6, "customer", "name", None, NOW) == "hidden"


def test_roles_add_up() -> None:
    # Given user 3 holds an `own` role and a `reports` role on customers
    world = make_world(
        roles=(Role(1, grants=grants("customer", view="own")),
               Role(2, grants=grants("customer", view="reports"))),
        assignments=(Assignment(3, 1), Assignment(3, 2)),
    )
    # Then the scope is the union
    assert model.allowed_ids(world, 3, "view", "customer", NOW) == {1, 2, 5}


@pytest.mark.parametrize(
    ("expires_at", "active"),
    [
        (None, True),
        (NOW + US, True),
        (NOW + timedelta(days=1), True),
        (NOW, False),  # void from that instant on
        (NOW - US, False),
        (NOW - timedelta(days=1), False),
    ],
)
def test_assignment_expiry_instant(expires_at: datetime | None, active: bool) -> None:
    world = make_world(
        roles=(Role(1, grants=grants("customer", view="all")),),
        assignments=(Assignment(2, 1, expires_at=expires_at),),
    )
    expected = (True, None) if active else (False, "function")
    assert model.can(world, 2, "view", "customer", 4, NOW) == expected


# ---------------------------------------------------------------------------------------
# Actions that need view


@pytest.mark.parametrize(
    ("view", "edit", "record_id", "expected"),
    [
        ("all", "own", 1, (True, None)),
        ("all", "own", 2, (False, "record")),  # viewable, but not in edit scope
        ("own", "all", 2, (False, "record")),  # edit scope reaches only viewable records
        ("own", "all", 1, (True, None)),
        ("none", "all", 1, (False, "record")),  # no view at all: nothing is viewable
    ],
)
def test_edit_needs_view(view: str, edit: str, record_id: int,
                         expected: tuple[bool, str | None]) -> None:
    world = make_world(
        roles=(Role(1, grants=grants("customer", view=view, edit=edit)),),
        assignments=(Assignment(4, 1),),
    )
    assert model.can(world, 4, "edit", "customer", record_id, NOW) == expected


@pytest.mark.parametrize("action", ["delete", "export", "transfer", "share"])
def test_scope_only_actions_need_view_and_their_scope(action: str) -> None:
    world = make_world(
        roles=(Role(1, grants=grants("customer", view="department_tree", **{action: "own"})),),
        assignments=(Assignment(3, 1),),
    )
    assert model.can(world, 3, action, "customer", 2, NOW) == (True, None)  # own
    assert model.can(world, 3, action, "customer", 1, NOW) == (False, "record")  # view only
    assert model.can(world, 3, action, "customer", 3, NOW) == (False, "record")  # neither


# ---------------------------------------------------------------------------------------
# Manual shares


def shared_world(share: ManualShare, *, view: str = "own", edit: str | None = "own",
                 extra: dict[str, str] | None = None) -> World:
    scopes = {"view": view}
    if edit is not None:
        scopes["edit"] = edit
    scopes.update(extra or {})
    return make_world(
        roles=(Role(1, grants=grants("customer", **scopes)), Role(2)),
        assignments=(Assignment(5, 1), Assignment(5, 2), Assignment(4, 1)),
        shares=(share,),
    )


@pytest.mark.parametrize(
    ("share", "action", "expected"),
    [
        # read satisfies view, not edit
        (ManualShare("customer", 1, "user", 5, "read"), "view", (True, None)),
        (ManualShare("customer", 1, "user", 5, "read"), "edit", (False, "record")),
        # read_write satisfies view and edit
        (ManualShare("customer", 1, "user", 5, "read_write"), "view", (True, None)),
        (ManualShare("customer", 1, "user", 5, "read_write"), "edit", (True, None)),
        # a share never satisfies delete (or export, transfer, share)
        (ManualShare("customer", 1, "user", 5, "read_write"), "delete", (False, "record")),
        # principals: role (held actively), department, department tree
        (ManualShare("customer", 1, "role", 2, "read"), "view", (True, None)),
        (ManualShare("customer", 1, "department", 5, "read"), "view", (True, None)),
        (ManualShare("customer", 1, "department", 2, "read"), "view", (False, "record")),
        (ManualShare("customer", 1, "department_tree", 2, "read"), "view", (True, None)),
        (ManualShare("customer", 1, "department_tree", 3, "read"), "view", (False, "record")),
        # another user, another record
        (ManualShare("customer", 1, "user", 3, "read"), "view", (False, "record")),
        (ManualShare("customer", 2, "user", 5, "read"), "view", (False, "record")),
        # another object with the same record id
        (ManualShare("contract", 1, "user", 5, "read"), "view", (False, "record")),
        # expiry: void from the instant on
        (ManualShare("customer", 1, "user", 5, "read", NOW), "view", (False, "record")),
        (ManualShare("customer", 1, "user", 5, "read", NOW + US), "view", (True, None)),
    ],
)
def test_manual_shares(share: ManualShare, action: str, expected: tuple[bool, str | None]) -> None:
    world = shared_world(share, extra={"delete": "own"})
    assert model.can(world, 5, action, "customer", 1, NOW) == expected


def test_share_needs_the_function_layer() -> None:
    # Given a read_write share to user 5, whose roles grant no view on customers
    world = make_world(
        roles=(Role(1, grants=grants("contract", view="all")),),
        assignments=(Assignment(5, 1),),
        shares=(ManualShare("customer", 1, "user", 5, "read_write"),),
    )
    assert model.can(world, 5, "view", "customer", 1, NOW) == (False, "function")
    # and edit via a share also needs a role granting edit
    world2 = shared_world(ManualShare("customer", 1, "user", 5, "read_write"), edit=None)
    assert model.can(world2, 5, "view", "customer", 1, NOW) == (True, None)
    assert model.can(world2, 5, "edit", "customer", 1, NOW) == (False, "function")


def test_role_share_needs_an_active_assignment() -> None:
    share = ManualShare("customer", 1, "role", 2, "read")
    world = shared_world(share)
    expired = replace(world, assignments=(Assignment(5, 1), Assignment(5, 2, NOW),
                                          Assignment(4, 1)))
    assert model.can(world, 5, "view", "customer", 1, NOW) == (True, None)
    assert model.can(expired, 5, "view", "customer", 1, NOW) == (False, "record")


# ---------------------------------------------------------------------------------------
# Sharing and restriction rules, conditions


def rule_world(condition: Any, *, access: str = "read",
               principals: tuple[dict[str, Any], ...] = ({"kind": "user", "id": 5},),
               restriction: bool = False) -> World:
    roles = (Role(1, grants=grants("customer", view="own", edit="own")),)
    assignments = (Assignment(5, 1),)
    if restriction:
        # user 5 sees everything; the restriction takes away what matches
        roles = (Role(1, grants=grants("customer", view="all", edit="all")),)
        return make_world(roles=roles, assignments=assignments,
                          restriction_rules=(RestrictionRule(1, "customer", condition,
                                                             principals),))
    return make_world(roles=roles, assignments=assignments,
                      sharing_rules=(SharingRule(1, "customer", condition, principals, access),))


F = "finance"


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "industry", "op": "eq", "value": F}, {1, 3, 4}),
        # NULL never compares: record 3's own, record 3 has industry NULL
        ({"field": "industry", "op": "ne", "value": F}, {2, 3, 5}),
        ({"field": "industry", "op": "in", "value": [F, "retail"]}, {1, 2, 3, 4}),
        ({"field": "industry", "op": "not_in", "value": [F, "retail"]}, {3, 5}),
        ({"field": "industry", "op": "is_null", "value": True}, {3}),
        ({"field": "industry", "op": "is_null", "value": False}, {1, 2, 3, 4, 5}),
        # not is plain negation of the two-valued result: NOT (NULL = finance) is true
        ({"not": {"field": "industry", "op": "eq", "value": F}}, {2, 3, 5}),
        ({"not": {"field": "industry", "op": "ne", "value": F}}, {1, 3, 4}),
        # ordered comparisons on decimals, NULL credit limits never match
        ({"field": "credit_limit", "op": "gt", "value": "99.99"}, {1, 3}),
        ({"field": "credit_limit", "op": "ge", "value": "99.99"}, {1, 3}),
        ({"field": "credit_limit", "op": "lt", "value": "1000"}, {3}),
        ({"field": "credit_limit", "op": "le", "value": "1000.00"}, {1, 3}),
        ({"field": "credit_limit", "op": "eq", "value": "1000.0"}, {1, 3}),
        # contains is case-sensitive and takes % literally
        ({"field": "name", "op": "contains", "value": "cm"}, {1, 3}),
        ({"field": "name", "op": "contains", "value": "CM"}, {3}),
        ({"field": "name", "op": "contains", "value": "%"}, {3, 5}),
        ({"field": "name", "op": "contains", "value": "o 5"}, {3, 5}),
        # system columns
        ({"field": "owner_id", "op": "eq", "value": 4}, {1, 3, 5}),
        ({"field": "department_id", "op": "in", "value": [3, 4]}, {1, 2, 3}),
        # composites
        ({"and": [{"field": "industry", "op": "eq", "value": F},
                  {"field": "owner_id", "op": "eq", "value": 1}]}, {3, 4}),
        ({"or": [{"field": "industry", "op": "eq", "value": "retail"},
                 {"field": "owner_id", "op": "eq", "value": 1}]}, {2, 3, 4}),
        # relations: the owner's current department, or the record's department
        ({"relation": "owner_in_department", "department": 4, "subtree": False}, {1, 3, 5}),
        ({"relation": "record_in_department", "department": 4, "subtree": False}, {1, 3}),
        ({"relation": "record_in_department", "department": 3, "subtree": True}, {1, 2, 3}),
        ({"relation": "owner_in_department", "department": 2, "subtree": True},
         {1, 2, 3, 5}),
        ({"relation": "owner_in_department", "department": 2, "subtree": False}, {3}),
    ],
)
def test_sharing_rule_conditions(condition: Any, expected: set[int]) -> None:
    # Given user 5 sees own customers (record 3) and a sharing rule with a condition
    world = rule_world(condition)
    # Then they see their own records and exactly the records the condition matches
    assert model.allowed_ids(world, 5, "view", "customer", NOW) == expected


@pytest.mark.parametrize(
    ("access", "action", "expected"),
    [
        ("read", "view", True),
        ("read", "edit", False),
        ("read_write", "edit", True),
        ("read_write", "delete", False),
    ],
)
def test_sharing_rule_access(access: str, action: str, expected: bool) -> None:
    world = rule_world({"field": "industry", "op": "eq", "value": F}, access=access)
    world = replace(world, roles=(Role(1, grants=grants("customer", view="own", edit="own",
                                                        delete="own")),))
    assert model.can(world, 5, action, "customer", 1, NOW)[0] is expected


@pytest.mark.parametrize(
    ("principals", "matches"),
    [
        (({"kind": "user", "id": 5},), True),
        (({"kind": "user", "id": 4},), False),
        (({"kind": "role", "id": 1},), True),
        (({"kind": "role", "id": 2},), False),
        (({"kind": "department", "id": 5},), True),
        (({"kind": "department_tree", "id": 1},), True),
        (({"kind": "department_tree", "id": 3},), False),
        (({"kind": "all"},), True),
        (({"kind": "user", "id": 4}, {"kind": "department", "id": 5}), True),
    ],
)
def test_rule_principals(principals: tuple[dict[str, Any], ...], matches: bool) -> None:
    cond = {"field": "industry", "op": "eq", "value": F}
    sharing = rule_world(cond, principals=principals)
    assert model.can(sharing, 5, "view", "customer", 1, NOW)[0] is matches
    restricting = rule_world(cond, principals=principals, restriction=True)
    expected = (False, "restriction") if matches else (True, None)
    assert model.can(restricting, 5, "view", "customer", 1, NOW) == expected


def test_restrictions_win_over_scope_and_shares() -> None:
    # Given user 5 sees all customers, has a read_write share on 1 and is restricted from
    # finance customers
    cond = {"field": "industry", "op": "eq", "value": F}
    world = rule_world(cond, principals=({"kind": "user", "id": 5},), restriction=True)
    world = replace(world, shares=(ManualShare("customer", 1, "user", 5, "read_write"),))
    assert model.allowed_ids(world, 5, "view", "customer", NOW) == {2, 3, 5}
    assert model.can(world, 5, "edit", "customer", 1, NOW) == (False, "restriction")
    # the record layer is checked first: an unviewable record is denied at "record"
    narrow = replace(world, roles=(Role(1, grants=grants("customer", view="own")),),
                     shares=())
    assert model.can(narrow, 5, "view", "customer", 4, NOW) == (False, "record")


def test_date_and_decimal_conditions_on_contracts() -> None:
    world = make_world(
        roles=(Role(1, grants=grants("contract", view="own")),),
        assignments=(Assignment(1, 1),),
        sharing_rules=(
            SharingRule(1, "contract", {"field": "signed_on", "op": "lt", "value": "2026-06-01"},
                        ({"kind": "all"},), "read"),
            SharingRule(2, "contract", {"field": "amount", "op": "gt", "value": "500.00"},
                        ({"kind": "user", "id": 4},), "read"),
        ),
    )
    assert model.allowed_ids(world, 1, "view", "contract", NOW) == {1}
    world4 = replace(world, assignments=(Assignment(4, 1),))
    assert model.allowed_ids(world4, 4, "view", "contract", NOW) == {1, 2}


# ---------------------------------------------------------------------------------------
# Field security


def field_world(*rules_per_role: tuple[FieldRuleSpec, ...], view: str = "all",
                edit: str = "own", expired_role: int | None = None) -> World:
    roles = tuple(
        Role(i + 1, grants=grants("customer", view=view, edit=edit), field_rules=rules)
        for i, rules in enumerate(rules_per_role)
    )
    assignments = tuple(
        Assignment(4, r.id, NOW if r.id == expired_role else None) for r in roles
    )
    return make_world(roles=roles, assignments=assignments)


@pytest.mark.parametrize(
    ("rules", "field", "expected"),
    [
        # defaults: edit for normal fields, hidden for sensitive classes
        (((),), "name", "edit"),
        (((),), "phone", "hidden"),
        (((),), "credit_limit", "hidden"),
        # a class rule opens the class
        (((FieldRuleSpec("customer", None, "personal", "masked"),),), "phone", "masked"),
        (((FieldRuleSpec("customer", None, "personal", "masked"),),), "email", "masked"),
        # a field rule beats the class rule of the same role, whichever is lower
        (((FieldRuleSpec("customer", None, "personal", "read"),
           FieldRuleSpec("customer", "phone", None, "hidden")),), "phone", "hidden"),
        (((FieldRuleSpec("customer", None, "personal", "hidden"),
           FieldRuleSpec("customer", "phone", None, "edit")),), "phone", "edit"),
        # a field rule can lower a normal field
        (((FieldRuleSpec("customer", "name", None, "read"),),), "name", "read"),
        # rules of another object do not apply
        (((FieldRuleSpec("contact", None, "personal", "edit"),),), "phone", "hidden"),
        # the user's level is the highest among roles
        (((FieldRuleSpec("customer", "name", None, "hidden"),), ()), "name", "edit"),
        (((FieldRuleSpec("customer", None, "financial", "masked"),),
          (FieldRuleSpec("customer", "credit_limit", None, "read"),)), "credit_limit", "read"),
    ],
)
def test_field_levels(rules: tuple[tuple[FieldRuleSpec, ...], ...], field: str,
                      expected: str) -> None:
    world = field_world(*rules)
    assert model.field_level(world, 4, "customer", field, None, NOW) == expected


def test_field_level_ignores_expired_roles() -> None:
    world = field_world((), (FieldRuleSpec("customer", "name", None, "read"),), expired_role=1)
    assert model.field_level(world, 4, "customer", "name", None, NOW) == "read"


def test_field_level_without_active_roles_is_hidden() -> None:
    world = make_world()
    assert model.field_level(world, 4, "customer", "name", None, NOW) == "hidden"


@pytest.mark.parametrize(
    ("record_id", "field", "expected"),
    [
        (1, "name", "edit"),  # own: can view and edit
        (2, "name", "read"),  # view only: capped at read
        (2, "phone", "masked"),  # below the cap stays as it is
        (1, "phone", "masked"),
    ],
)
def test_field_level_on_a_record(record_id: int, field: str, expected: str) -> None:
    world = field_world((FieldRuleSpec("customer", None, "personal", "masked"),))
    assert model.field_level(world, 4, "customer", field, record_id, NOW) == expected


def test_field_level_on_an_unviewable_record_is_hidden() -> None:
    world = field_world((), view="own")
    assert model.field_level(world, 4, "customer", "name", 2, NOW) == "hidden"
    restricted = replace(world, restriction_rules=(
        RestrictionRule(1, "customer", {"field": "owner_id", "op": "eq", "value": 4},
                        ({"kind": "all"},)),))
    assert model.field_level(restricted, 4, "customer", "name", 1, NOW) == "hidden"


@pytest.mark.parametrize(
    ("action", "record_id", "field", "expected"),
    [
        ("view", 1, "name", (True, None)),
        ("view", 1, "phone", (False, "field")),  # hidden
        ("view", 1, "email", (True, None)),  # read
        ("edit", 1, "email", (False, "field")),  # read is not enough to write
        ("edit", 1, "name", (True, None)),
        ("edit", 2, "name", (False, "record")),  # the record layer answers first
        ("view", 2, "name", (True, None)),
    ],
)
def test_field_layer(action: str, record_id: int, field: str,
                     expected: tuple[bool, str | None]) -> None:
    world = field_world((FieldRuleSpec("customer", "email", None, "read"),))
    assert model.field_layer(world, 4, action, "customer", field, record_id, NOW) == expected


def test_object_actions_are_granted_or_not() -> None:
    world = make_world(roles=(Role(1, grants=grants("customer", create="all")),),
                       assignments=(Assignment(4, 1),))
    assert model.can(world, 4, "create", "customer", None, NOW) == (True, None)
    assert model.can(world, 4, "import", "customer", None, NOW) == (False, "function")
    assert model.can(world, 4, "create", "contract", None, NOW) == (False, "function")
