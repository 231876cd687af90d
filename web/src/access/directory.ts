// Names of departments, roles and users for pickers and for showing ids as names: each
// list fetched once per page load (and again after a failure).

import { api } from "../api/client";
import type { Department, ItemsPage, RoleSummary, UserSummary } from "./types";

let departments: Promise<Department[]> | null = null;
let roles: Promise<RoleSummary[]> | null = null;
const users = new Map<number, Promise<UserSummary | null>>();

function once<T>(load: () => Promise<T>, forget: () => void): Promise<T> {
  return load().catch((err: unknown) => {
    forget();
    throw err;
  });
}

export function fetchDepartments(): Promise<Department[]> {
  departments ??= once(
    () => api.get<ItemsPage<Department>>("/departments").then((p) => p.items),
    () => { departments = null; });
  return departments;
}

export function fetchRoles(): Promise<RoleSummary[]> {
  roles ??= once(
    () => api.get<ItemsPage<RoleSummary>>("/roles").then((p) => p.items),
    () => { roles = null; });
  return roles;
}

/** One user by id; null when the viewer cannot read them (or they do not exist). */
export function fetchUser(id: number): Promise<UserSummary | null> {
  let found = users.get(id);
  if (!found) {
    found = api.get<UserSummary>(`/users/${id}`).catch(() => null);
    users.set(id, found);
  }
  return found;
}

/** Users whose name or username contains `q` (active ones unless `inactive`). */
export async function searchUsers(q: string, inactive = false): Promise<UserSummary[]> {
  const params: Record<string, string | number | boolean> = { limit: 20 };
  if (!inactive) params.active = true;
  if (q.trim()) params.q = q.trim();
  const page = await api.get<ItemsPage<UserSummary>>("/users", params);
  for (const u of page.items) users.set(u.id, Promise.resolve(u));
  return page.items;
}

function isZh(language: string): boolean {
  return language.toLowerCase().startsWith("zh");
}

export function departmentName(d: Pick<Department, "name" | "name_en">, language: string): string {
  return isZh(language) || !d.name_en ? d.name : d.name_en;
}

export function roleName(r: Pick<RoleSummary, "name" | "name_en">, language: string): string {
  return isZh(language) || !r.name_en ? r.name : r.name_en;
}

export function userName(u: Pick<UserSummary, "display_name" | "username">): string {
  return u.display_name ? `${u.display_name} (${u.username})` : u.username;
}
