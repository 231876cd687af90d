/** Shapes of the administration API answers (src/vouch/org/, src/vouch/access/admin/). */

import type { RoleSummary } from "../api/types";

export type { Department, ItemsPage, RoleSummary } from "../api/types";

/** A user as administrators see them (manage_users or view_audit). */
export interface AdminUser {
  id: number;
  username: string;
  display_name: string;
  department: { id: number; name: string | null; name_en: string | null };
  active: boolean;
  department_id: number;
  email: string | null;
  phone: string | null;
  manager_id: number | null;
  hire_date: string | null;
  has_password: boolean;
  created_at: string | null;
  deactivated_at: string | null;
  version: number;
  assignments?: Assignment[];
}

export type Scope = "none" | "own" | "reports" | "department" | "department_tree" | "all";
export type Level = "hidden" | "masked" | "read" | "edit";

export interface Grant {
  object: string;
  action: string;
  scope: Scope;
}

export interface FieldRule {
  object: string;
  field: string | null;
  sensitivity: string | null;
  level: Level;
}

export interface RoleDocument extends RoleSummary {
  delegable: boolean;
  version: number;
  created_at: string | null;
  grants: Grant[];
  field_rules: FieldRule[];
  permissions: string[];
  departments: number[];
  active_assignments?: number;
}

export interface Assignment {
  id: number;
  user_id: number;
  username: string | null;
  role_id: number;
  role_key: string | null;
  role_name: string | null;
  granted_by: number | null;
  granted_at: string | null;
  expires_at: string | null;
  reason: string | null;
  active: boolean;
}
