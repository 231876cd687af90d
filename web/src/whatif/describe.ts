// A user's change in words, one line each: roles and system permissions gained or lost,
// scopes and field levels before → after, records becoming visible or invisible.

import type { TFunction } from "i18next";

import { fieldLabel, objectLabel } from "../catalog/labels";
import type { RecordChange, UserChange } from "./types";

const OBJECT_ACTIONS = new Set(["create", "import"]);

/** A set of scopes in words: "本部门 + 本部门及下级部门"; none when empty; an object action
 * (create, import) is allowed or not. */
export function scopesText(action: string, scopes: string[], t: TFunction): string {
  if (!scopes.length) return t("whatif:scope.none");
  if (OBJECT_ACTIONS.has(action)) return t("whatif:scope.allowed");
  return scopes.map((s) => t(`whatif:scope.${s}`, { defaultValue: s }))
    .join(t("whatif:scope.separator"));
}

export function recordLines(records: RecordChange[], lang: string, t: TFunction): string[] {
  const out: string[] = [];
  for (const r of records) {
    const object = objectLabel(r.object, lang);
    if (r.visible) out.push(t("whatif:line.visible", { object, count: r.visible }));
    if (r.invisible) out.push(t("whatif:line.invisible", { object, count: r.invisible }));
  }
  return out;
}

export function changeLines(u: UserChange, lang: string, t: TFunction,
                            roleLabel: (key: string) => string): string[] {
  const lines: string[] = [];
  for (const key of u.roles.added) lines.push(t("whatif:line.roleAdded", { role: roleLabel(key) }));
  for (const key of u.roles.removed) lines.push(t("whatif:line.roleRemoved", { role: roleLabel(key) }));
  const permission = (p: string) => t(`common:permissions.${p}`, { defaultValue: p });
  for (const p of u.permissions.added) lines.push(t("whatif:line.permissionAdded", { name: permission(p) }));
  for (const p of u.permissions.removed) lines.push(t("whatif:line.permissionRemoved", { name: permission(p) }));
  for (const s of u.scopes) {
    lines.push(t("whatif:line.scope", {
      object: objectLabel(s.object, lang),
      action: t(`common:actions.${s.action}`, { defaultValue: s.action }),
      before: scopesText(s.action, s.before, t),
      after: scopesText(s.action, s.after, t),
    }));
  }
  const level = (l: string) => t(`common:levels.${l}`, { defaultValue: l });
  for (const f of u.fields) {
    lines.push(t("whatif:line.field", {
      object: objectLabel(f.object, lang), field: fieldLabel(f.object, f.field, lang),
      before: level(f.before), after: level(f.after),
    }));
  }
  return [...lines, ...recordLines(u.records, lang, t)];
}
