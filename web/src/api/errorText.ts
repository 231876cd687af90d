// An API error said in the user's language from its `type` and parameters (src/vouch/
// errors.py): fields by their labels (the catalog's for record fields), choices by the
// catalog's labels, numbers formatted per locale. Null when the type is one the caller
// words better itself (access refusals, not found…) or says nothing beyond its message.

import type { TFunction } from "i18next";

import { choiceLabel, fieldLabel, objectLabel } from "../catalog/labels";
import { addNamespace } from "../i18n";
import { preconditionText } from "../workflow/preconditionText";
import en from "./en.json";
import zhCN from "./zh-CN.json";

addNamespace("apiErrors", { "zh-CN": zhCN, en });

export type Params = Record<string, unknown>;

interface Ctx {
  t: TFunction;
  lang: string;
  /** The object whose fields the error names (from the error, else the screen's). */
  object: string | undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

function num(value: unknown, lang: string): string | undefined {
  return typeof value === "number" && Number.isFinite(value)
    ? new Intl.NumberFormat(lang).format(value) : undefined;
}

/** The number that chooses a plural form ("1 item" · "2 items"); 0, whose form is the
 * plural one in both languages, when the API sent none. */
function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** `grants[2].scope` → scope; a name the catalog knows → its label; one of the API's
 * common parameters → ours; else the path as sent. */
export function fieldName(path: string, object: string | undefined, lang: string,
                          t: TFunction): string {
  const last = path.replace(/\[\d+\]/g, "").split(".").pop() || path;
  if (object) {
    const label = fieldLabel(object, last, lang);
    if (label !== last) return label;
  }
  return /^\w+$/.test(last) ? t(`apiErrors:fields.${last}`, { defaultValue: path }) : path;
}

function list(items: string[], c: Ctx, max = 10): string {
  const sep = c.t("apiErrors:list.separator");
  const shown = items.slice(0, max).join(sep);
  return items.length > max
    ? `${shown}${sep}${c.t("apiErrors:list.more", { count: items.length - max })}` : shown;
}

/** A choice in words: the catalog's label for a record field, ours for the API's own sets
 * (actions, permissions, levels, objects), else the value itself. */
function choiceName(value: string, field: string, c: Ctx): string {
  const last = field.replace(/\[\d+\]/g, "").split(".").pop() ?? field;
  const fromCatalog = c.object ? choiceLabel(c.object, last, value, c.lang) : null;
  if (fromCatalog) return fromCatalog;
  const key = { action: "actions", permissions: "permissions", level: "levels" }[last];
  if (key) return c.t(`common:${key}.${value}`, { defaultValue: value });
  if (last === "object") return objectLabel(value, c.lang);
  return value;
}

function kindName(kind: string, c: Ctx): string {
  const label = objectLabel(kind, c.lang, { lower: true });
  return label !== kind ? label : c.t(`apiErrors:kinds.${kind}`, { defaultValue: kind });
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function typed(key: string, c: Ctx, values: Params = {}): string {
  return c.t(`apiErrors:types.${key}`, values);
}

function conflict(type: string, d: Params, c: Ctx): string | null {
  switch (type) {
    case "conflict.stale_version": {
      const version = num(d.current_version, c.lang) ?? "?";
      const object = str(d.object);
      return object && d.id !== undefined
        ? typed("conflict_stale_version", c, { object: kindName(object, c), id: d.id, version })
        : typed("conflict_stale_version_plain", c, { version });
    }
    case "conflict.referenced":
      return typed("conflict_referenced", c, {
        object: kindName(str(d.object) ?? c.object ?? "self", c), id: d.id,
      });
    case "conflict.department_not_empty": {
      const parts = (["users", "children", "roles"] as const)
        .filter((k) => typeof d[k] === "number" && d[k] > 0)
        .map((k) => c.t(`apiErrors:parts.${k}`, { count: d[k] as number }));
      return typed("conflict_department_not_empty", c, { parts: list(parts, c) });
    }
    case "conflict.taken":
      return typed("conflict_taken", c, {
        value: str(d.value) ?? "", field: fieldName(str(d.field) ?? "", c.object, c.lang, c.t),
      });
    case "conflict.held":
      return typed("conflict_held", c, { count: d.active_assignments });
    case "conflict.named_by_rules":
      return typed("conflict_named_by_rules", c, { rules: list(strings(d.rules), c) });
    case "conflict.holders_outside":
      return typed("conflict_holders_outside", c, { users: list(strings(d.users), c) });
    case "conflict.department_has_records":
    case "conflict.user_inactive":
    case "conflict.user_active":
    case "conflict.self":
    case "conflict.already_holds":
    case "conflict.outside_departments":
      return typed(type.replace(".", "_"), c);
    case "conflict.preconditions":
      return typed("conflict_preconditions", c, { failed: preconditions(d.preconditions, c) });
    case "conflict.request_closed": {
      const status = str(d.status) ?? "";
      return typed("conflict_request_closed", c, {
        id: d.id ?? "?", status: c.t(`workflow:status.${status}`, { defaultValue: status }),
      });
    }
    case "conflict.request_open":
      return typed("conflict_request_open", c, { id: d.request_id ?? "?" });
    case "conflict.two_person":
      return typed("conflict_two_person", c, {
        permissions: list(strings(d.permissions).map(
          (p) => c.t(`common:permissions.${p}`, { defaultValue: p })), c),
        holders: list(strings(d.holders), c),
      });
    default:
      return null;
  }
}

/** Access reviews name what stands in the way of a 409 by its `reason`. */
const REVIEW_REASONS = new Set(["closed", "campaign_closed", "decided", "no_reviewer", "own_access"]);

function reviewConflict(type: string, d: Params, c: Ctx): string | null {
  const reason = str(d.reason);
  if ((type !== "conflict" && type !== "conflict.self") || !reason || !REVIEW_REASONS.has(reason)) {
    return null;
  }
  return typed(`conflict_review_${reason}`, c);
}

/** Failed preconditions of a request, each in words (workflow/preconditionText.ts). */
function preconditions(items: unknown, c: Ctx): string {
  const failed = Array.isArray(items) ? items.filter(
    (p): p is { code: string; params?: Params; message?: string } =>
      !!p && typeof p === "object" && typeof (p as { code?: unknown }).code === "string") : [];
  return failed.map((p) => preconditionText(p, c.t, c.lang)).join(" ");
}

function delegation(d: Params, c: Ctx): string | null {
  switch (d.limit) {
    case "department":
      return typed("forbidden_delegation_department", c, { department: d.department });
    case "user_roles":
      return typed("forbidden_delegation_user_roles", c, { roles: list(strings(d.roles), c) });
    case "role":
      return typed("forbidden_delegation_role", c, { role: str(d.role) ?? "?" });
    default:
      return null;
  }
}

function range(d: Params, field: string, c: Ctx): string {
  const [min, max] = [num(d.min, c.lang), num(d.max, c.lang)];
  if (min !== undefined && max !== undefined) return typed("validation_range", c, { field, min, max });
  if (min !== undefined) return typed("validation_range_min", c, { field, min });
  if (max !== undefined) return typed("validation_range_max", c, { field, max });
  return typed("validation_range_plain", c, { field });
}

function validation(type: string, d: Params, c: Ctx): string | null {
  const path = str(d.field) ?? "";
  const field = fieldName(path, c.object, c.lang, c.t);
  const other = str(d.other);
  switch (type) {
    case "validation.required":
    case "validation.timezone":
    case "validation.future":
    case "validation.nul":
    case "validation.unknown":
    case "validation.inactive_user":
    case "validation.cycle":
    case "validation.not_allowed":
    case "validation.same_user":
    case "validation.formula":
      return typed(type.replace(".", "_"), c, { field });
    case "validation.cursor":
    case "validation.no_search":
      return typed(type.replace(".", "_"), c);
    case "validation.too_long":
    case "validation.too_short":
      return typed(type.replace(".", "_"), c, {
        field, limit: num(d.limit, c.lang) ?? "?", count: count(d.limit),
      });
    case "validation.length":
      return typed("validation_length", c, {
        field, min: num(d.min, c.lang) ?? "?", max: num(d.max, c.lang) ?? "?",
      });
    case "validation.count":
      return d.max !== undefined
        ? typed("validation_count_max", c, {
          field, max: num(d.max, c.lang), count: count(d.max),
        })
        : typed("validation_count_min", c, {
          field, min: num(d.min, c.lang) ?? 1, count: d.min === undefined ? 1 : count(d.min),
        });
    case "validation.choice": {
      const choices = strings(d.choices).map((v) => choiceName(v, path, c));
      return choices.length
        ? typed("validation_choice", c, { field, choices: list(choices, c) })
        : typed("validation_choice_plain", c, { field });
    }
    case "validation.format": {
      const expected = str(d.expected);
      return expected
        ? typed("validation_format", c, {
          field, expected: c.t(`apiErrors:expected.${expected}`, { defaultValue: expected }),
        })
        : typed("validation_format_plain", c, { field });
    }
    case "validation.range":
      return range(d, field, c);
    case "validation.duplicate":
      return other
        ? typed("validation_duplicate", c, { field, other: fieldName(other, c.object, c.lang, c.t) })
        : typed("validation_duplicate_plain", c, { field });
    case "validation.no_such":
      return typed("validation_no_such", c, {
        field, kind: kindName(str(d.kind) ?? "self", c), id: d.id ?? "?",
      });
    case "validation.order":
      return typed("validation_order", c, {
        field, other: other ? fieldName(other, c.object, c.lang, c.t) : "?",
      });
    case "validation.exactly_one":
      return typed("validation_exactly_one", c, {
        field, options: list(strings(d.options).map((o) => `“${fieldName(o, c.object, c.lang, c.t)}”`), c),
      });
    case "validation.requires":
      return typed("validation_requires", c, {
        field, given: fieldName(str(d.given) ?? "", c.object, c.lang, c.t),
      });
    case "validation.object_action_scope": {
      const action = str(d.action) ?? "";
      return typed("validation_object_action_scope", c, {
        action: c.t(`common:actions.${action}`, { defaultValue: action }),
      });
    }
    case "validation.delegable_permissions":
      return typed("validation_delegable_permissions", c, {
        permissions: list(strings(d.permissions).map(
          (p) => c.t(`common:permissions.${p}`, { defaultValue: p })), c),
      });
    case "validation.role_departments":
      return typed("validation_role_departments", c, {
        departments: list(strings(d.departments).map((id) => `#${id}`), c),
      });
    case "validation.file": {
      const problem = str(d.problem) ?? "other";
      return c.t(`apiErrors:file.${problem}`, {
        row: d.row, defaultValue: c.t("apiErrors:file.other"),
      });
    }
    case "validation.preconditions":
      return typed("validation_preconditions", c, { failed: preconditions(d.preconditions, c) });
    case "validation.import_rows": {
      const rows = typeof d.rows === "number" ? d.rows : 0;
      const valid = typeof d.valid === "number" ? d.valid : 0;
      return typed("validation_import_rows", c, {
        rows: num(rows, c.lang), bad: num(rows - valid, c.lang),
      });
    }
    default:  // validation.invalid, validation.condition: only the message says more
      return null;
  }
}

/** The error of `type` with `details` in the user's language, or null when the type is
 * unknown here or only the message says more. `object` names the screen's object, for
 * field labels when the error does not say. */
export function typedErrorText(type: string, details: Params, t: TFunction, lang: string,
                               object?: string): string | null {
  const c: Ctx = { t, lang, object: str(details.object) ?? object };
  if (type.startsWith("validation.")) return validation(type, details, c);
  const review = reviewConflict(type, details, c);
  if (review) return review;
  if (type.startsWith("conflict.")) return conflict(type, details, c);
  if (type === "forbidden.delegation") return delegation(details, c);
  if (type === "forbidden.decision") {
    const reason = str(details.reason) ?? "";
    return t(`workflow:refusal.${reason}`, { defaultValue: t("workflow:refusal.other", { reason }) });
  }
  if (type === "too_large" && typeof details.max_rows === "number") {
    return typed("too_large_rows", c, { count: num(details.max_rows, lang) });
  }
  if (type === "too_large" && details.unpacked !== undefined) return typed("too_large_unpacked", c);
  return null;
}
