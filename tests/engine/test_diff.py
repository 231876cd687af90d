"""engine.diff on hand-built facts: what two profiles of one user differ in.

Organisation: 1 HQ ── 2 Sales ── 3 East 1; user 10 in East 1 reporting to nobody, with a
report 11. A sales role grants view own on customers, a contract amount rule and nothing
else; the changes below are the ones an administrator makes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from vouch.access.engine import (
    AssignmentFact,
    FieldRuleFact,
    GrantFact,
    PrincipalRef,
    RoleFact,
    RuleFact,
    UserFacts,
    compile_profile,
    leaves,
)
from vouch.access.engine.diff import FieldChange, ScopeChange, diff, diff_grants, diff_views
from vouch.access.engine.predicate import DepartmentIn, OwnerIs

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SALES = RoleFact(1, "sales", "Sales", grants=(
    GrantFact("customer", "view", "own"), GrantFact("customer", "create", "all")),
    field_rules=(FieldRuleFact("contract", "amount", None, "read"),))
AUDIT = RoleFact(2, "audit", "Audit", permissions=frozenset({"view_audit"}))


def facts(*roles: RoleFact, expires: datetime | None = None, active: bool = True,
          sharing: tuple[RuleFact, ...] = ()) -> UserFacts:
    return UserFacts(
        user_id=10, username="u10", active=active, department_id=3, policy_version=1,
        department_parents={1: None, 2: 1, 3: 2}, reports=frozenset({11}),
        assignments=tuple(AssignmentFact(i, r.id, expires) for i, r in enumerate(roles, 1)),
        roles={r.id: r for r in roles}, sharing_rules=sharing)


def test_no_change_is_an_empty_diff() -> None:
    p = compile_profile(facts(SALES), NOW)
    d = diff(p, compile_profile(facts(SALES), NOW))
    assert d.grants.empty and d.views == ()


def test_a_wider_scope_is_a_scope_change_and_a_new_view_predicate() -> None:
    wider = replace(SALES, grants=(GrantFact("customer", "view", "department"),
                                   GrantFact("customer", "create", "all")))
    before, after = compile_profile(facts(SALES), NOW), compile_profile(facts(wider), NOW)
    d = diff(before, after)
    assert d.grants.scopes == (ScopeChange("customer", "view", ("own",), ("department",)),)
    [view] = d.views
    assert view.object == "customer"
    assert OwnerIs(10) in leaves(view.before) and OwnerIs(10) in leaves(view.after)
    assert DepartmentIn(3, False, frozenset({3})) in leaves(view.after)
    assert DepartmentIn(3, False, frozenset({3})) not in leaves(view.before)


def test_scopes_list_every_source_narrowest_first() -> None:
    """A second role at a wider scope adds it beside the first (as the matrix shows)."""
    tree = RoleFact(3, "tree", "Tree", grants=(GrantFact("customer", "view", "all"),))
    d = diff_grants(compile_profile(facts(SALES), NOW),
                    compile_profile(facts(SALES, tree), NOW))
    assert d.scopes == (ScopeChange("customer", "view", ("own",), ("own", "all")),)
    assert d.roles_added == ("tree",) and d.roles_removed == ()


def test_field_levels_permissions_and_roles() -> None:
    hidden = replace(SALES, field_rules=(FieldRuleFact("contract", "amount", None,
                                                       "hidden"),))
    d = diff_grants(compile_profile(facts(SALES), NOW),
                    compile_profile(facts(hidden, AUDIT), NOW))
    assert FieldChange("contract", "amount", "read", "hidden") in d.fields
    assert d.permissions_added == ("view_audit",) and d.permissions_removed == ()
    assert d.roles_added == ("audit",)


def test_an_expired_assignment_counts_for_nothing() -> None:
    """At its instant an assignment has ended: giving it back until then changes
    nothing; until a microsecond later it does."""
    none = compile_profile(facts(), NOW)
    ended = compile_profile(facts(SALES, expires=NOW), NOW)
    assert diff(none, ended).grants.empty
    later = compile_profile(facts(SALES, expires=NOW + timedelta(microseconds=1)), NOW)
    assert diff(none, later).grants.scopes[0] == ScopeChange("customer", "view", (),
                                                             ("own",))


def test_a_deactivated_user_changes_in_nothing() -> None:
    d = diff(compile_profile(facts(SALES, active=False), NOW),
             compile_profile(facts(SALES, AUDIT, active=False), NOW))
    assert d.grants.scopes == () and d.grants.permissions_added == () and d.views == ()


def test_a_sharing_rule_changes_the_view_predicate_only_where_it_applies() -> None:
    rule = RuleFact(1, "finance", "customer", {"field": "industry", "op": "eq",
                                               "value": "finance"},
                    (PrincipalRef("department_tree", 2),), "read")
    other = RuleFact(2, "nobody", "customer", {"field": "industry", "op": "eq",
                                               "value": "retail"},
                     (PrincipalRef("user", 99),), "read")
    before = compile_profile(facts(SALES), NOW)
    covered = compile_profile(facts(SALES, sharing=(rule,)), NOW)
    not_covered = compile_profile(facts(SALES, sharing=(other,)), NOW)
    assert [v.object for v in diff_views(before, covered)] == ["customer"]
    assert diff_views(before, not_covered) == ()
    assert diff_grants(before, covered).empty
