/** A role being edited: its grants as an (object, action) → scope map, its field rules
 * by class and by field, its permissions and departments; what changed against the role
 * as read, and the one request body that saves it. */

import type { FieldRule, Grant, Level, RoleDocument, Scope } from "./types";

export const RECORD_ACTIONS = ["view", "edit", "delete", "export", "transfer", "share"] as const;
export const OBJECT_ACTIONS = ["create", "import"] as const;
export const ACTIONS: readonly string[] = [...RECORD_ACTIONS, ...OBJECT_ACTIONS];
export const SCOPES: readonly Scope[] = ["none", "own", "reports", "department", "department_tree", "all"];
export const OBJECT_SCOPES: readonly Scope[] = ["none", "all"];
export const LEVELS: readonly Level[] = ["hidden", "masked", "read", "edit"];
/** The classes a role opens or closes as a whole (normal fields default to edit). */
export const CLASSES = ["personal", "financial", "contract"] as const;
export const SYSTEM_PERMISSIONS = [
  "manage_users", "manage_roles", "manage_settings", "view_audit", "manage_enforcement",
  "approve_requests", "run_reviews", "manage_backups", "delegate_admin",
] as const;

export function isObjectAction(action: string): boolean {
  return (OBJECT_ACTIONS as readonly string[]).includes(action);
}

/** The level a field has when no rule names it or its class (PERMISSIONS.md). */
export function defaultLevel(sensitivity: string): Level {
  return sensitivity === "normal" ? "edit" : "hidden";
}

export interface RoleDraft {
  key: string;
  name: string;
  name_en: string;
  description: string;
  delegable: boolean;
  /** `object.action` → scope; absent is none. */
  grants: Record<string, Scope>;
  /** `object.class` → level; absent is the default. */
  classRules: Record<string, Level>;
  /** `object.field` → level; absent follows the class. */
  fieldRules: Record<string, Level>;
  permissions: string[];
  departments: number[];
}

export const cell = (object: string, part: string) => `${object}.${part}`;

export function emptyDraft(): RoleDraft {
  return { key: "", name: "", name_en: "", description: "", delegable: false, grants: {},
           classRules: {}, fieldRules: {}, permissions: [], departments: [] };
}

export function draftOf(role: RoleDocument): RoleDraft {
  const d = emptyDraft();
  d.key = role.key;
  d.name = role.name;
  d.name_en = role.name_en ?? "";
  d.description = role.description ?? "";
  d.delegable = role.delegable;
  for (const g of role.grants) if (g.scope !== "none") d.grants[cell(g.object, g.action)] = g.scope;
  for (const r of role.field_rules) {
    if (r.field) d.fieldRules[cell(r.object, r.field)] = r.level;
    else if (r.sensitivity) d.classRules[cell(r.object, r.sensitivity)] = r.level;
  }
  d.permissions = [...role.permissions].sort();
  d.departments = [...role.departments].sort((a, b) => a - b);
  return d;
}

function split(key: string): [string, string] {
  const dot = key.indexOf(".");
  return [key.slice(0, dot), key.slice(dot + 1)];
}

/** Grants in a stable order (objects as `objectOrder` lists them, then actions). */
export function grantsOf(d: RoleDraft, objectOrder: string[]): Grant[] {
  const rank = (o: string) => { const i = objectOrder.indexOf(o); return i < 0 ? 999 : i; };
  return Object.entries(d.grants)
    .filter(([, scope]) => scope !== "none")
    .map(([key, scope]) => { const [object, action] = split(key); return { object, action, scope }; })
    .sort((a, b) => rank(a.object) - rank(b.object) || ACTIONS.indexOf(a.action) - ACTIONS.indexOf(b.action));
}

export function fieldRulesOf(d: RoleDraft, objectOrder: string[]): FieldRule[] {
  const rank = (o: string) => { const i = objectOrder.indexOf(o); return i < 0 ? 999 : i; };
  const classes: FieldRule[] = Object.entries(d.classRules).map(([key, level]) => {
    const [object, sensitivity] = split(key);
    return { object, field: null, sensitivity, level };
  });
  const fields: FieldRule[] = Object.entries(d.fieldRules).map(([key, level]) => {
    const [object, field] = split(key);
    return { object, field, sensitivity: null, level };
  });
  return [...classes, ...fields].sort((a, b) => rank(a.object) - rank(b.object)
    || Number(a.field !== null) - Number(b.field !== null)
    || (a.field ?? a.sensitivity ?? "").localeCompare(b.field ?? b.sensitivity ?? ""));
}

function sameRecord<T>(a: Record<string, T>, b: Record<string, T>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

function sameList<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export type Part = "basics" | "grants" | "fields" | "permissions" | "departments";

/** The parts of the role that differ from the base. */
export function changedParts(base: RoleDraft, d: RoleDraft): Part[] {
  const out: Part[] = [];
  if (base.key !== d.key || base.name !== d.name || base.name_en !== d.name_en
      || base.description !== d.description || base.delegable !== d.delegable) out.push("basics");
  if (!sameRecord(base.grants, d.grants)) out.push("grants");
  if (!sameRecord(base.classRules, d.classRules) || !sameRecord(base.fieldRules, d.fieldRules)) {
    out.push("fields");
  }
  if (!sameList([...base.permissions].sort(), [...d.permissions].sort())) out.push("permissions");
  if (!sameList([...base.departments].sort(), [...d.departments].sort())) out.push("departments");
  return out;
}

export interface CellChange {
  kind: "grant" | "class" | "field";
  object: string;
  /** The action, class or field. */
  part: string;
  before: string | undefined;
  after: string | undefined;
}

/** Every matrix and grid cell that changed. */
export function cellChanges(base: RoleDraft, d: RoleDraft): CellChange[] {
  const out: CellChange[] = [];
  const walk = (kind: CellChange["kind"], a: Record<string, string>, b: Record<string, string>) => {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const before = kind === "grant" && a[k] === "none" ? undefined : a[k];
      const after = kind === "grant" && b[k] === "none" ? undefined : b[k];
      if (before !== after) {
        const [object, part] = split(k);
        out.push({ kind, object, part, before, after });
      }
    }
  };
  walk("grant", base.grants, d.grants);
  walk("class", base.classRules, d.classRules);
  walk("field", base.fieldRules, d.fieldRules);
  return out;
}

const text = (s: string) => (s.trim() ? s.trim() : null);

/** The POST body of a new role (reason added by the caller). */
export function createBody(d: RoleDraft, objectOrder: string[]): Record<string, unknown> {
  return {
    key: d.key.trim(), name: d.name.trim(), name_en: text(d.name_en), description: text(d.description),
    delegable: d.delegable, grants: grantsOf(d, objectOrder), field_rules: fieldRulesOf(d, objectOrder),
    permissions: [...d.permissions].sort(), departments: [...d.departments].sort((a, b) => a - b),
  };
}

/** The PATCH body: only the parts that changed (a list given replaces the role's list). */
export function updateBody(base: RoleDraft, d: RoleDraft, objectOrder: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (base.name !== d.name) body.name = d.name.trim();
  if (base.name_en !== d.name_en) body.name_en = text(d.name_en);
  if (base.description !== d.description) body.description = text(d.description);
  if (base.delegable !== d.delegable) body.delegable = d.delegable;
  const parts = changedParts(base, d);
  if (parts.includes("grants")) body.grants = grantsOf(d, objectOrder);
  if (parts.includes("fields")) body.field_rules = fieldRulesOf(d, objectOrder);
  if (parts.includes("permissions")) body.permissions = [...d.permissions].sort();
  if (parts.includes("departments")) body.departments = [...d.departments].sort((a, b) => a - b);
  return body;
}

export interface ErrorTarget {
  part: Part;
  /** The matrix or grid cell (`customer.edit`, `contract.amount`), when one is named. */
  cell?: string;
  kind?: CellChange["kind"];
}

/** Where a 422 path of the body sent points in the editor. */
export function errorTarget(path: string, body: Record<string, unknown>): ErrorTarget {
  const m = /^(grants|field_rules|permissions|departments)\[(\d+)\]/.exec(path);
  if (!m) {
    if (path.startsWith("grants")) return { part: "grants" };
    if (path.startsWith("field_rules")) return { part: "fields" };
    if (path.startsWith("permissions") || path === "delegable") {
      return { part: path === "delegable" ? "basics" : "permissions" };
    }
    if (path.startsWith("departments")) return { part: "departments" };
    return { part: "basics" };
  }
  const [, list, index] = m;
  const item = (body[list!] as unknown[] | undefined)?.[Number(index)];
  if (list === "grants") {
    const g = item as Grant | undefined;
    return { part: "grants", cell: g ? cell(g.object, g.action) : undefined, kind: "grant" };
  }
  if (list === "field_rules") {
    const r = item as FieldRule | undefined;
    if (!r) return { part: "fields" };
    return r.field ? { part: "fields", cell: cell(r.object, r.field), kind: "field" }
      : { part: "fields", cell: cell(r.object, r.sensitivity ?? ""), kind: "class" };
  }
  return { part: list === "permissions" ? "permissions" : "departments" };
}
