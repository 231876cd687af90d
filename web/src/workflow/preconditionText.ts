// One precondition of a request in words, from its stable code and parameters
// (src/vouch/workflow/preconditions.py). Pure, so that API errors listing failed
// preconditions (api/errorText.ts) say them the same way as the request screens.

import type { TFunction } from "i18next";

import { objectLabel } from "../catalog/labels";
import { formatters } from "../i18n/format";
import "./i18n";

export interface PreconditionItem {
  code: string;
  params?: Record<string, unknown>;
  message?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function isZh(lang: string): boolean {
  return lang.toLowerCase().startsWith("zh");
}

/** `departmentName` names a department id (the screens know the names; errors may not). */
export function preconditionText(p: PreconditionItem, t: TFunction, lang: string,
                                 departmentName: (id: number) => string = (id) => `#${id}`): string {
  const q = p.params ?? {};
  const key = `workflow:precondition.${p.code}`;
  switch (p.code) {
    case "department_not_allowed": {
      const ids = Array.isArray(q.departments) ? q.departments.filter((x): x is number => typeof x === "number") : [];
      return t(key, { departments: ids.map(departmentName).join(t("workflow:common.listSeparator")) });
    }
    case "training_completed":
    case "training_missing":
      return t(key, { course: str(q.course) ?? "?" });
    case "probation":
      return t(key, { count: num(q.days_left) ?? 0, date: formatters(lang).date(str(q.ends_on)) });
    case "hire_date_missing":
      return t(key, { count: num(q.probation_days) ?? 0 });
    case "role_conflict": {
      const name = str(q.role_name);
      const en = str(q.role_name_en);
      return t(key, { role: name ? (isZh(lang) || !en ? name : en) : str(q.role) ?? "?" });
    }
    case "function_granted":
    case "function_missing": {
      const action = str(q.action) ?? "";
      const object = str(q.object);
      return t(key, {
        action: t(`common:actions.${action}`, { defaultValue: action }),
        object: object ? objectLabel(object, lang, { lower: true }) : "?",
      });
    }
    case "department_allowed":
    case "probation_passed":
    case "no_role_conflict":
    case "user_inactive":
    case "ends_at_passed":
      return t(key);
    default:
      return t("workflow:precondition.other", { message: p.message ?? p.code });
  }
}
