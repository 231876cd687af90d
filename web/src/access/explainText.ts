// The access engine explains each layer in English sentences of a fixed form
// (src/vouch/access/engine/explain.py, admin/explanations.py). Those we know are said again
// in the user's language from their parts; any other sentence is shown as it came.

import type { TFunction } from "i18next";

import { fieldLabel, objectLabel } from "../catalog/labels";

/** A role's name in the user's language, from its key (and the name the engine gave). */
export type RoleLabel = (key: string, fallback?: string) => string;

type Say = (m: RegExpExecArray, t: TFunction, lang: string, role: RoleLabel) => string;

const asIs: RoleLabel = (key, fallback) => fallback ?? key;

const ISO = "\\d{4}-\\d{2}-\\d{2}T[\\d:.]+(?:[+-]\\d{2}:\\d{2}|Z)?";

function action(t: TFunction, name: string | undefined): string {
  return name ? t(`common:actions.${name}`, { defaultValue: name }) : "";
}

function object(name: string | undefined, lang: string): string {
  return name ? objectLabel(name, lang) : "";
}

function scopes(t: TFunction, list: string | undefined): string {
  if (!list || list === "none") return t("access:scope.none");
  return list.split(", ").map((s) => t(`access:scope.${s}`, { defaultValue: s })).join(t("access:listSeparator"));
}

function until(t: TFunction, lang: string, iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  const text = Number.isNaN(d.getTime()) ? iso
    : new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(d);
  return t("access:explain.text.until", { date: text });
}

const SENTENCES: [RegExp, Say][] = [
  [/^user (\S+) is active$/, (m, t) => t("access:explain.text.active", { user: m[1] })],
  [/^user (\S+) is deactivated$/, (m, t) => t("access:explain.text.deactivated", { user: m[1] })],
  [/^(\d+) active role\(s\) grant (\w+) on (\w+)$/, (m, t, l) =>
    t("access:explain.text.granted", { count: Number(m[1]), action: action(t, m[2]), object: object(m[3], l) })],
  [/^no active role grants (\w+) on (\w+)$/, (m, t, l) =>
    t("access:explain.text.notGranted", { action: action(t, m[1]), object: object(m[2], l) })],
  [new RegExp(`^role (.+) \\((\\w+)\\) grants (\\w+) on (\\w+) at (\\w+)(?: until (${ISO}))?$`), (m, t, l, r) =>
    t("access:explain.text.roleGrants", {
      role: r(m[2] ?? "", m[1]), key: m[2], action: action(t, m[3]), object: object(m[4], l),
      scope: t(`access:scope.${m[5]}`, { defaultValue: m[5] }),
    }) + until(t, l, m[6])],
  [/^granted by (.+)$/, (m, t, _l, r) => t("access:explain.text.permissionGranted", {
    roles: (m[1] ?? "").split(", ").map((k) => r(k)).join(t("access:listSeparator")),
  })],
  [/^no active role carries (\w+)$/, (m, t) =>
    t("access:explain.text.permissionMissing", { permission: t(`common:permissions.${m[1]}`, { defaultValue: m[1] }) })],
  [/^role (\w+) carries (\w+)$/, (m, t, _l, r) =>
    t("access:explain.text.roleCarries", { role: r(m[1] ?? ""), permission: t(`common:permissions.${m[2]}`, { defaultValue: m[2] }) })],
  [/^no record given: scope (.+)$/, (m, t) => t("access:explain.text.noRecord", { scopes: scopes(t, m[1]) })],
  [/^no scope for (\w+) on (\w+)$/, (m, t, l) =>
    t("access:explain.text.noScope", { action: action(t, m[1]), object: object(m[2], l) })],
  [/^(\w+) needs view on the record, and the record is not visible to the user$/, (m, t) =>
    t("access:explain.text.needsView", { action: action(t, m[1]) })],
  [/^record (\w+) #(\d+) is reachable for (\w+)$/, (m, t, l) =>
    t("access:explain.text.reachable", { object: object(m[1], l), id: m[2], action: action(t, m[3]) })],
  [/^record (\w+) #(\d+) \(owner (\d+|None), department (\d+|None)\) is outside scope (.+) for (\w+) and no share, sharing rule or window reaches it(?: \(shares and rules never give \w+; it follows scope only\))?$/,
    (m, t, l) => t("access:explain.text.outside", {
      object: object(m[1], l), id: m[2], owner: m[3], department: m[4], scopes: scopes(t, m[5]),
      action: action(t, m[6]),
    }) + (m[0].endsWith("it follows scope only)") ? t("access:explain.text.scopeOnly", { action: action(t, m[6]) }) : "")],
  [/^role (\w+) at (\w+): (.+)$/, (m, t, l, r) =>
    t("access:explain.text.roleReaches", {
      role: r(m[1] ?? ""), scope: t(`access:scope.${m[2]}`, { defaultValue: m[2] }),
      how: sayReason(m[3] ?? "", t, l, r).text,
    })],
  [/^scope all$/, (_m, t) => t("access:explain.text.scopeAll")],
  [/^scope own: the user owns the record$/, (_m, t) => t("access:explain.text.scopeOwn")],
  [/^scope reports: the owner reports to the user$/, (_m, t) => t("access:explain.text.scopeReports")],
  [/^scope department_tree: /, (_m, t) => t("access:explain.text.scopeDepartmentTree")],
  [/^scope department: /, (_m, t) => t("access:explain.text.scopeDepartment")],
  [/^manual share \((.+)\)$/, (m, t) => t("access:explain.text.manualShare", {
    access: (m[1] ?? "").split(" or ").map((a) => t(`access:shareAccess.${a}`, { defaultValue: a }))
      .join(t("access:orSeparator")),
  })],
  [/^sharing rule (.+)$/, (m, t) => t("access:explain.text.sharingRule", { name: m[1] })],
  [/^enforcement window #(\d+)$/, (m, t) => t("access:explain.text.window", { id: m[1] })],
  [new RegExp(`^share #(\\d+) to (\\w+) (\\d+) \\((\\w+)\\)(?: until (${ISO}))?$`), (m, t, l) =>
    t("access:explain.text.share", {
      id: m[1], kind: t(`access:principal.kind.${m[2]}`, { defaultValue: m[2] }), principal: m[3],
      access: t(`access:shareAccess.${m[4]}`, { defaultValue: m[4] }),
    }) + until(t, l, m[5])],
  [/^no active role opens it$/, (_m, t) => t("access:explain.text.noRoleOpens")],
  [/^restricted: (.+)$/, (m, t) => t("access:explain.text.restricted", { rules: m[1] })],
  [/^restriction rule (.+) \(#(\d+)\) matches the record$/, (m, t) =>
    t("access:explain.text.ruleMatches", { name: m[1], id: m[2] })],
  [/^none of the (\d+) restriction rule\(s\) covering the user matches$/, (m, t) =>
    t("access:explain.text.noneMatch", { count: Number(m[1]) })],
  [/^no restriction rule covers the user$/, (_m, t) => t("access:explain.text.noRestriction")],
  [/^(\w+)\.(\w+) is (\w+) for the user( \(capped at read: the user may view but not edit this record\)| \(the record is not visible\))?; (\w+) needs (\w+)$/,
    (m, t, l) => t("access:explain.text.fieldLevel", {
      field: fieldLabel(m[1], m[2] ?? "", l), level: t(`common:levels.${m[3]}`, { defaultValue: m[3] }),
      action: action(t, m[5]), need: t(`common:levels.${m[6]}`, { defaultValue: m[6] }),
    }) + (m[4]?.includes("capped") ? t("access:explain.text.capped")
      : m[4] ? t("access:explain.text.invisible") : "")],
  [/^role (\w+): default for (\w+)$/, (m, t, _l, r) =>
    t("access:explain.text.fieldDefault", { role: r(m[1] ?? ""), sensitivity: t(`access:sensitivity.${m[2]}`, { defaultValue: m[2] }) })],
  [/^role (\w+): rule on (\w+) (\w+) fields$/, (m, t, l, r) =>
    t("access:explain.text.fieldClassRule", {
      role: r(m[1] ?? ""), object: object(m[2], l), sensitivity: t(`access:sensitivity.${m[3]}`, { defaultValue: m[3] }),
    })],
  [/^role (\w+): rule on (\w+)\.(\w+)$/, (m, t, l, r) =>
    t("access:explain.text.fieldRule", { role: r(m[1] ?? ""), field: fieldLabel(m[2], m[3] ?? "", l) })],
];

/** The sentence in the user's language, and whether it was translated. */
export function sayReason(reason: string, t: TFunction, lang: string, role: RoleLabel = asIs
): { text: string; translated: boolean } {
  for (const [pattern, say] of SENTENCES) {
    const m = pattern.exec(reason);
    if (m) return { text: say(m, t, lang, role), translated: true };
  }
  return { text: reason, translated: false };
}
