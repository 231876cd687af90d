"""Administration of access configuration: roles (grants, field rules, system permissions,
allowed departments), role assignments, sharing and restriction rules, manual shares, and
the explanations of what a user may do.

Every change is one use case: the actor's system permission is checked, `reason` is
required, the change runs in one transaction that also bumps the policy version and
appends an audit event with the state before and after. Versioned rows are claimed with
`UPDATE … WHERE id = :id AND version = :v`, so of two requests holding the same version
exactly one wins and the other gets 409.

Who may read: the configuration (roles with their grants, assignments, rules, shares)
and anyone's explanation or matrix need `manage_roles` or `view_audit` (an auditor
inspects access without being able to change it); a summary of roles (id, key, names)
is open to every signed-in user for pickers; everyone may explain their own access.
"""

from __future__ import annotations

from vouch.access.admin.assignments import (
    assignment_dict,
    check_delegated_assignment,
    check_role_departments,
    create_assignment,
    delete_assignment,
    end_assignments,
    get_assignment,
    list_assignments,
    update_assignment,
)
from vouch.access.admin.authority import (
    CONFIG_READERS,
    check_delegated,
    delegation_denied,
    require_admin_or_delegate,
    require_any,
)
from vouch.access.admin.change import (
    ADMIN_LOCK,
    MAX_REASON,
    admin_change,
    claim_version,
    clean_reason,
    flush_or_conflict,
    log_change,
    require_version,
)
from vouch.access.admin.departments import department_parents, in_any_subtree
from vouch.access.admin.explanations import explain_access, explain_permission, matrix_of
from vouch.access.admin.inputs import MAX_ID, clean_text, future_instant, is_db_id, reject_nul
from vouch.access.admin.removal import refuse_if_rules_name, rules_naming
from vouch.access.admin.rendering import DEFAULT_LIMIT, MAX_LIMIT, iso, page
from vouch.access.admin.role_parts import (
    validate_departments,
    validate_field_rules,
    validate_grants,
    validate_permissions,
)
from vouch.access.admin.roles import (
    create_role,
    delete_role,
    get_role,
    list_roles,
    role_document,
    role_summary,
    update_role,
)
from vouch.access.admin.rules import (
    RULE_KINDS,
    RULE_PRINCIPAL_KINDS,
    create_rule,
    delete_rule,
    get_rule,
    is_number,
    list_rules,
    rule_dict,
    update_rule,
    validate_condition,
    validate_principals,
)
from vouch.access.admin.shares import delete_share, list_shares, share_dict

__all__ = [
    "ADMIN_LOCK", "CONFIG_READERS", "DEFAULT_LIMIT", "MAX_ID", "MAX_LIMIT", "MAX_REASON",
    "RULE_KINDS", "RULE_PRINCIPAL_KINDS", "admin_change", "assignment_dict", "check_delegated",
    "check_delegated_assignment", "check_role_departments", "claim_version", "clean_reason",
    "clean_text", "create_assignment", "create_role", "create_rule", "delegation_denied",
    "delete_assignment", "delete_role", "delete_rule", "delete_share", "department_parents",
    "end_assignments", "explain_access", "explain_permission", "flush_or_conflict",
    "future_instant", "get_assignment", "get_role", "get_rule", "in_any_subtree", "is_db_id",
    "is_number", "iso", "list_assignments", "list_roles", "list_rules", "list_shares",
    "log_change", "matrix_of", "page", "refuse_if_rules_name", "reject_nul",
    "require_admin_or_delegate", "require_any", "require_version", "role_document",
    "role_summary", "rule_dict", "rules_naming", "share_dict", "update_assignment",
    "update_role", "update_rule", "validate_condition", "validate_departments",
    "validate_field_rules", "validate_grants", "validate_permissions", "validate_principals",
]
