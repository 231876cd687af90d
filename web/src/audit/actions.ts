// The actions the audit log records (grouped in families by their prefix) and the kinds of
// thing an event is about, for the filters and for naming them in the user's language.

import type { TFunction } from "i18next";

import { objectLabel } from "../catalog/labels";

export const FAMILIES = ["auth.", "org.", "access.", "record.", "audit."] as const;

export const ACTIONS: Record<(typeof FAMILIES)[number], string[]> = {
  "auth.": ["auth.login", "auth.login_failed", "auth.logout", "auth.session_ended", "auth.token_created",
            "auth.token_revoked"],
  "org.": ["org.department_created", "org.department_updated", "org.department_deleted", "org.user_created",
           "org.user_updated", "org.user_moved", "org.user_deactivated", "org.user_reactivated"],
  "access.": ["access.denied", "access.role_created", "access.role_updated", "access.role_deleted", "access.assignment_created",
              "access.assignment_updated", "access.assignment_deleted", "access.sharing_rule_created",
              "access.sharing_rule_updated", "access.sharing_rule_deleted", "access.restriction_rule_created",
              "access.restriction_rule_updated", "access.restriction_rule_deleted", "access.share_deleted"],
  "record.": ["record.create", "record.update", "record.delete", "record.transfer", "record.share",
              "record.unshare", "record.import", "record.export", "record.read_sensitive"],
  "audit.": ["audit.export"],
};

/** Things that are not CRM records but appear as an event's object. */
export const SYSTEM_OBJECTS = [
  "user", "department", "role", "role_assignment", "sharing_rule", "restriction_rule", "share", "session",
  "api_token",
] as const;

/** "修改记录" for record.update; the action itself when it is not one we know. */
export function actionLabel(t: TFunction, action: string): string {
  return t(`audit:action.${action.replace(/\./g, "_")}`, { defaultValue: action });
}

export function familyLabel(t: TFunction, family: string): string {
  return t(`audit:family.${family.replace(/\.$/, "")}`, { defaultValue: family });
}

/** A CRM object by its catalog label; a system object by ours. */
export function auditObjectLabel(t: TFunction, object: string | null, lang: string): string {
  if (!object) return "—";
  if ((SYSTEM_OBJECTS as readonly string[]).includes(object)) return t(`audit:object.${object}`);
  return objectLabel(object, lang);
}

export function isRecordObject(object: string | null): boolean {
  return !!object && !(SYSTEM_OBJECTS as readonly string[]).includes(object);
}
