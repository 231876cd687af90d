/** A list's query (search, sort, field filters) kept in the page's URL in the API's own
 * query-string form (`?q=…&sort=-amount&stage__in=won,lost&amount__ge=1000`), so a
 * reload or a shared link shows the same list and the API receives exactly what is shown. */

import type { CatalogObject } from "./types";

export interface ListQuery {
  q: string;
  sort: string;
  /** `field` or `field__op` → the raw query-string value. */
  filters: Record<string, string>;
}

export const DEFAULT_SORT = "-updated_at";
const SYSTEM_FILTERS = ["id", "owner_id", "department_id"];
const RESERVED = new Set(["q", "sort", "limit", "cursor", "total", "filter", "format"]);

export function filterFieldOf(key: string): string {
  return key.split("__", 1)[0] ?? key;
}

/** Whether the viewer may filter on this key (a readable field or a system column). */
export function isFilterKey(obj: CatalogObject, key: string): boolean {
  const name = filterFieldOf(key);
  if (SYSTEM_FILTERS.includes(name)) return true;
  const field = obj.fields.find((f) => f.name === name);
  return !!field && (field.level === "read" || field.level === "edit");
}

export function parseQuery(obj: CatalogObject, params: URLSearchParams): ListQuery {
  const filters: Record<string, string> = {};
  params.forEach((value, key) => {
    if (!RESERVED.has(key) && value !== "" && isFilterKey(obj, key)) filters[key] = value;
  });
  return { q: params.get("q") ?? "", sort: params.get("sort") ?? "", filters };
}

export function queryToSearch(query: ListQuery): URLSearchParams {
  const out = new URLSearchParams();
  if (query.q) out.set("q", query.q);
  if (query.sort) out.set("sort", query.sort);
  for (const [k, v] of Object.entries(query.filters)) if (v !== "") out.set(k, v);
  return out;
}

/** Parameters for the list and export endpoints. */
export function apiParams(query: ListQuery): Record<string, string> {
  const out: Record<string, string> = { ...query.filters };
  if (query.q.trim()) out.q = query.q.trim();
  if (query.sort) out.sort = query.sort;
  return out;
}

/** Filters of one field replaced (the keys of that field removed, then `next` added). */
export function withFieldFilters(
  filters: Record<string, string>,
  field: string,
  next: Record<string, string | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters)) if (filterFieldOf(k) !== field) out[k] = v;
  for (const [k, v] of Object.entries(next)) if (v !== undefined && v !== "") out[k] = v;
  return out;
}

export function parseSort(sort: string): { field: string; descending: boolean } {
  const s = sort || DEFAULT_SORT;
  return { field: s.replace(/^[-+]/, ""), descending: s.startsWith("-") };
}
