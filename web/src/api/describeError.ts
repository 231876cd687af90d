// An ApiError (or anything thrown) as one sentence a user understands, in the current
// language: what was refused and why, naming the action, object, field or permission.
// By the error's type and parameters first (errorText.ts); by its broad code, with the
// server's English message, for anything the type does not word.

import type { TFunction } from "i18next";

import { fieldLabel, objectLabel } from "../catalog/labels";
import i18n from "../i18n";
import { ApiError } from "./client";
import { fieldName, typedErrorText } from "./errorText";

export interface ErrorContext {
  /** The object the screen works on, to name fields by their labels. */
  object?: string;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

/** The server's message without the field path it starts with ("name: …" → "…"). */
function serverReason(message: string): string {
  return message.replace(/^[\w.[\]$]+: /, "");
}

function bytes(limit: unknown, lang: string): string {
  if (typeof limit !== "number") return "";
  const mb = limit / (1024 * 1024);
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(mb)} MB`;
}

export function describeError(err: unknown, t: TFunction, context: ErrorContext = {}): string {
  const lang = i18n.language;
  if (!(err instanceof ApiError)) {
    const message = err instanceof Error ? err.message : String(err);
    return t("common:errors.unknown", { message });
  }
  const d = err.details;
  const typed = typedErrorText(err.type, d, t, lang, context.object);
  if (typed) return typed;
  const object = str(d.object) ?? context.object;
  const objectName = object ? objectLabel(object, lang, { lower: true }) : "";
  const action = str(d.action);
  const field = str(d.field);
  const fieldText = field ? fieldName(field, object, lang, t) : "";
  switch (err.code) {
    case "network":
      return t("common:errors.network");
    case "not_authenticated":
      return t("common:errors.not_authenticated");
    case "csrf_failed":
      return t("common:errors.csrf_failed");
    case "forbidden": {
      const permission = str(d.permission);
      if (permission) {
        return t("common:errors.forbidden_permission", {
          permission: t(`common:permissions.${permission}`, { defaultValue: permission }),
        });
      }
      if (action && objectName) {
        const actionName = t(`common:actions.${action}`, { defaultValue: action });
        return d.id !== undefined
          ? t("common:errors.forbidden_record", { action: actionName, object: objectName,
                                                 id: d.id })
          : t("common:errors.forbidden_action", { action: actionName, object: objectName });
      }
      return t("common:errors.forbidden");
    }
    case "field_forbidden": {
      const level = str(d.level) ?? "hidden";
      const purpose = str(d.purpose) ?? "write";
      return t("common:errors.field_forbidden", {
        field: field ? fieldLabel(object, field, lang) : "",
        level: t(`common:levels.${level}`, { defaultValue: level }),
        purpose: t(`common:purposes.${purpose}`, { defaultValue: purpose }),
      });
    }
    case "not_found":
      return objectName && d.id !== undefined
        ? t("common:errors.not_found_record", { object: objectName, id: d.id })
        : t("common:errors.not_found");
    case "conflict":
      return d.current_version !== undefined
        ? t("common:errors.conflict_version", { version: d.current_version })
        : t("common:errors.conflict", { message: err.message });
    case "invalid":
      return fieldText
        ? t("common:errors.invalid_field", { field: fieldText, message: serverReason(err.message) })
        : t("common:errors.invalid", { message: err.message });
    case "too_large":
      return t("common:errors.too_large", { limit: bytes(d.limit, lang) });
    case "internal":
      return t("common:errors.internal", { requestId: str(d.request_id) ?? err.requestId ?? "—" });
    default:
      if (err.status === 429) {
        const seconds = typeof d.retry_after === "number" ? d.retry_after : NaN;
        return Number.isFinite(seconds) && seconds > 0
          ? t("common:errors.too_many_attempts_wait", { minutes: Math.ceil(seconds / 60) })
          : t("common:errors.too_many_attempts");
      }
      if (err.status >= 500) {
        return t("common:errors.internal", { requestId: err.requestId ?? "—" });
      }
      return t("common:errors.unknown", { message: err.message || err.code });
  }
}

/** One problem of an import report's rows, or of a 422's `details.errors`: in words by its
 * type and parameters, else as describeError says an error of its code. */
export function describeProblem(
  problem: { code?: string; type?: string; field?: string | null; message: string;
             details?: Record<string, unknown> },
  t: TFunction, context: ErrorContext = {},
): string {
  const { code, type, field, message, details } = problem;
  const params: Record<string, unknown> = { ...(details ?? problem) };
  if (field) params.field = field;
  return describeError(new ApiError(422, code ?? "invalid", message, params, null,
                                    type ?? null), t, context);
}
