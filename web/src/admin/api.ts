/** The administration calls the screens make; every list is read whole (the API pages
 * users and assignments by id). */

import { api } from "../api/client";
import type { Params } from "../api/client";
import type {
  AdminUser, Assignment, Department, ItemsPage, RoleDocument, RoleSummary,
} from "./types";

const PAGE = 1000;

/** Every page of a keyset-paged list. */
export async function readAll<T>(path: string, params: Params = {}): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: ItemsPage<T> = await api.get<ItemsPage<T>>(path, { ...params, limit: PAGE, cursor });
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

export const adminApi = {
  departments: () => readAll<Department>("/departments"),
  users: (params: Params = {}) => readAll<AdminUser>("/users", params),
  user: (id: number) => api.get<AdminUser>(`/users/${id}`),
  roles: () => readAll<RoleDocument | RoleSummary>("/roles"),
  role: (id: number) => api.get<RoleDocument>(`/roles/${id}`),
  assignments: (params: Params = {}) => readAll<Assignment>("/assignments", params),
};
