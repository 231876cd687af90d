/** Refusals of administrative changes in the user's words: a stale version (someone else
 * changed it), a change the current state does not allow (409 with what stands in the
 * way), or a value refused on a named field (422 with its path). By the error's type and
 * parameters (api/errorText.ts) where the API gives one; by its details otherwise. */

import type { TFunction } from "i18next";

import { ApiError, describeError } from "../api/client";
import { typedErrorText } from "../api/errorText";
import i18n from "../i18n";

/** 409 because the version sent is not the current one: reload, then repeat. */
export function isStale(err: unknown): err is ApiError {
  return err instanceof ApiError && (err.type === "conflict.stale_version"
    || (err.code === "conflict" && err.details.current_version !== undefined));
}

/** The field a 422 names (`reason`, `grants[2].scope`), if any. */
export function invalidField(err: unknown): string | null {
  if (!(err instanceof ApiError) || err.code !== "invalid") return null;
  const field = err.details.field;
  return typeof field === "string" && field ? field : null;
}

function count(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

function names(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(", ") : "";
}

/** What a 409 that is not a stale version says stands in the way. */
export function conflictText(err: ApiError, t: TFunction): string {
  const typed = typedErrorText(err.type, err.details, t, i18n.language);
  if (typed) return typed;
  const d = err.details;
  if (Array.isArray(d.rules)) return t("admin:conflict.rules", { rules: names(d.rules) });
  if (d.users !== undefined && d.children !== undefined) {
    const parts: string[] = [];
    if (count(d.users)) parts.push(t("admin:conflict.users", { count: count(d.users) }));
    if (count(d.children)) parts.push(t("admin:conflict.children", { count: count(d.children) }));
    if (count(d.roles)) parts.push(t("admin:conflict.roles", { count: count(d.roles) }));
    return t("admin:conflict.departmentNotEmpty", { parts: parts.join(t("admin:conflict.and")) });
  }
  if (d.records === true) return t("admin:conflict.records");
  if (d.active_assignments !== undefined) {
    return t("admin:conflict.roleHeld", { count: count(d.active_assignments) });
  }
  if (d.assignment_id !== undefined) return t("admin:conflict.alreadyHolds");
  if (Array.isArray(d.users) && d.field === "departments") {
    return t("admin:conflict.holdersOutside", { users: names(d.users) });
  }
  if (d.field === "username") return t("admin:conflict.usernameTaken");
  if (d.field === "key") return t("admin:conflict.keyTaken");
  if (d.active === false) return t("admin:conflict.inactive");
  if (d.active === true) return t("admin:conflict.active");
  if (d.departments !== undefined) return t("admin:conflict.outsideDepartments");
  if (d.id !== undefined && /yourself/.test(err.message)) return t("admin:conflict.self");
  return describeError(err, t);
}

/** Any refusal as one sentence (409s with their reason, the rest as the shell says). */
export function adminError(err: unknown, t: TFunction): string {
  if (err instanceof ApiError && err.code === "conflict" && !isStale(err)) {
    return conflictText(err, t);
  }
  return describeError(err, t);
}

/** A field's 422 message: by its type and parameters, else ours for the rules we know,
 * else the server's words. */
export function invalidText(err: ApiError, field: string, t: TFunction): string {
  const typed = typedErrorText(err.type, err.details, t, i18n.language);
  if (typed) return typed;
  const key = field.replace(/\[\d+\]/g, "").split(".").pop() ?? field;
  return t(`admin:invalid.${key}`, { defaultValue: "" }) || t("admin:invalid.other", {
    message: err.message.replace(/^[\w.[\]]+:\s*/, ""),
  });
}
