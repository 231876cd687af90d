"""The permission engine: pure (no I/O, no clock), one predicate tree compiled two ways.

    profile = compile_profile(facts, now)
    can(profile, obj, action, record, now)       -> Decision
    record_filter(profile, obj, action, now)     -> SQLAlchemy clause
    explain(profile, obj, action, record, now)   -> Explanation
    matrix(profile)                              -> effective permissions
    diff(before, after)                          -> what a proposed change alters (what-if)
"""

from vouch.access.engine.check import StaleProfile, can
from vouch.access.engine.condition import ConditionError, parse_condition
from vouch.access.engine.decision import Decision, Explanation, LayerResult
from vouch.access.engine.diff import ProfileDiff, diff
from vouch.access.engine.explain import explain, matrix
from vouch.access.engine.facts import (
    AssignmentFact,
    FieldRuleFact,
    GrantFact,
    PrincipalRef,
    RecordFacts,
    RoleFact,
    RuleFact,
    ShareFact,
    UserFacts,
    WindowFact,
)
from vouch.access.engine.fields import (
    FieldLevelInfo,
    capped_levels,
    check_queryable,
    check_writable,
    field_level,
    mask,
    object_field_levels,
    readable_fields,
    record_field_levels,
    redact,
)
from vouch.access.engine.profile import AccessProfile, compile_profile
from vouch.access.engine.sql import (
    branch_predicates,
    compile_sql,
    density,
    leaves,
    record_filter,
)

__all__ = [
    "AccessProfile",
    "AssignmentFact",
    "ConditionError",
    "Decision",
    "Explanation",
    "FieldLevelInfo",
    "FieldRuleFact",
    "GrantFact",
    "LayerResult",
    "PrincipalRef",
    "ProfileDiff",
    "RecordFacts",
    "RoleFact",
    "RuleFact",
    "ShareFact",
    "StaleProfile",
    "UserFacts",
    "WindowFact",
    "branch_predicates",
    "can",
    "capped_levels",
    "check_queryable",
    "check_writable",
    "compile_profile",
    "compile_sql",
    "density",
    "diff",
    "explain",
    "field_level",
    "leaves",
    "mask",
    "matrix",
    "object_field_levels",
    "parse_condition",
    "readable_fields",
    "record_field_levels",
    "record_filter",
    "redact",
]
