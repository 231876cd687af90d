// A record's name as this user may see it: its title field (a mask when masked), else
// its number.

import type { CatalogObject } from "../api/types";

export function recordTitle(obj: CatalogObject, record: Record<string, unknown> & { id: number }
): string {
  const value = record[obj.title_field];
  return typeof value === "string" && value ? value : `#${record.id}`;
}

/** The local calendar day, as the API writes dates (YYYY-MM-DD). */
export function todayKey(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
