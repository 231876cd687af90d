/** The columns a list may show: visible fields and the system columns, with the user's
 * choice remembered per object in this browser. */

import type { TFunction } from "i18next";

import { defaultColumns, fieldLabel, visibleFields } from "./fields";
import type { CatalogObject } from "./types";

export const SYSTEM_COLUMNS = ["owner_id", "department_id", "created_at", "updated_at"] as const;
export type SystemColumn = (typeof SYSTEM_COLUMNS)[number];
const DEFAULT_SYSTEM: SystemColumn[] = ["owner_id", "updated_at"];

export function isSystemColumn(name: string): name is SystemColumn {
  return (SYSTEM_COLUMNS as readonly string[]).includes(name);
}

export interface ColumnChoice {
  key: string;
  label: string;
}

export function availableColumns(obj: CatalogObject, t: TFunction, language: string): ColumnChoice[] {
  return [
    ...visibleFields(obj).map((f) => ({ key: f.name, label: fieldLabel(f, language) })),
    ...SYSTEM_COLUMNS.map((c) => ({ key: c, label: t(`system.${c}`) })),
  ];
}

function storageKey(obj: CatalogObject): string {
  return `vouch.records.columns.${obj.name}`;
}

/** The saved choice, less anything no longer visible; the defaults when none is saved. */
export function loadColumns(obj: CatalogObject): string[] {
  const allowed = new Set<string>([...visibleFields(obj).map((f) => f.name), ...SYSTEM_COLUMNS]);
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(storageKey(obj)) ?? "null");
    if (Array.isArray(saved)) {
      const kept = saved.filter((k): k is string => typeof k === "string" && allowed.has(k));
      if (kept.length) return kept;
    }
  } catch {
    // an unreadable saved choice falls back to the defaults
  }
  return [...defaultColumns(obj), ...DEFAULT_SYSTEM];
}

export function saveColumns(obj: CatalogObject, keys: string[]): void {
  try {
    localStorage.setItem(storageKey(obj), JSON.stringify(keys));
  } catch {
    // storage full or disabled: the choice lasts for this page only
  }
}
