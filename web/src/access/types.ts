// Shapes of the access API answers these screens read (src/vouch/access/api.py,
// src/vouch/access/admin/, src/vouch/access/engine/explain.py).

export type RuleKind = "sharing" | "restriction";

export type PrincipalKind = "user" | "role" | "department" | "department_tree" | "all";

export interface Principal {
  kind: PrincipalKind;
  id?: number | null;
}

export type ShareAccess = "read" | "read_write";

export interface Rule {
  id: number;
  name: string;
  object: string;
  /** The rule condition language (src/vouch/access/engine/condition.py). */
  condition: unknown;
  principals: Principal[];
  active: boolean;
  description: string | null;
  version: number;
  /** Sharing rules only. */
  access?: ShareAccess;
}

export type { Department, ItemsPage, RoleSummary } from "../api/types";

export interface UserSummary {
  id: number;
  username: string;
  display_name: string;
  active: boolean;
  department: { id: number; name: string; name_en: string | null };
}

export type Layer = "identity" | "function" | "record" | "restriction" | "field";

export interface LayerResult {
  layer: Layer;
  allowed: boolean;
  reason: string;
  sources: string[];
}

export interface Explanation {
  allowed: boolean;
  first_denied: Layer | null;
  user_id: number;
  username: string;
  /** Object and record actions. */
  object?: string;
  action?: string;
  record_id?: number | null;
  field?: string | null;
  /** System permissions. */
  permission?: string;
  layers: LayerResult[];
}

export interface ScopeSource {
  role: string;
  role_name: string;
  scope: string;
  expires_at: string | null;
}

export interface ActionAccess {
  granted: boolean;
  scopes: string[];
  sources: ScopeSource[];
  also_via: string[];
  restricted_by: string[];
}

export interface FieldAccess {
  level: "hidden" | "masked" | "read" | "edit";
  sources: string[];
}

export interface ObjectAccess {
  actions: Record<string, ActionAccess>;
  fields: Record<string, FieldAccess>;
}

export interface AccessMatrix {
  user_id: number;
  username: string;
  display_name: string;
  active: boolean;
  policy_version: number;
  valid_until: string | null;
  roles: { key: string; name: string; expires_at: string | null }[];
  system_permissions: string[];
  objects: Record<string, ObjectAccess>;
}
