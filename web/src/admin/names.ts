/** Names of departments, users and roles in the current language, and the department
 * tree built from the flat list the API gives. */

import type { AdminUser, Department, RoleSummary } from "./types";

export function isZh(language: string): boolean {
  return language.toLowerCase().startsWith("zh");
}

export function departmentName(d: Pick<Department, "name" | "name_en">, language: string): string {
  return isZh(language) || !d.name_en ? d.name : d.name_en;
}

export function roleName(r: Pick<RoleSummary, "name" | "name_en">, language: string): string {
  return isZh(language) || !r.name_en ? r.name : r.name_en;
}

export function userName(u: Pick<AdminUser, "display_name" | "username">): string {
  return u.display_name ? `${u.display_name} (${u.username})` : u.username;
}

export interface DepartmentNode {
  department: Department;
  children: DepartmentNode[];
}

/** The departments as a forest (normally one root), children in id order. */
export function departmentForest(all: Department[]): DepartmentNode[] {
  const nodes = new Map<number, DepartmentNode>();
  for (const d of all) nodes.set(d.id, { department: d, children: [] });
  const roots: DepartmentNode[] = [];
  for (const d of all) {
    const node = nodes.get(d.id)!;
    const parent = d.parent_id === null ? undefined : nodes.get(d.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** The department and everything below it. */
export function subtreeIds(all: Department[], id: number): Set<number> {
  const out = new Set<number>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of all) {
      if (d.parent_id !== null && out.has(d.parent_id) && !out.has(d.id)) {
        out.add(d.id);
        grew = true;
      }
    }
  }
  return out;
}

/** Names from the top down to the department: 总部 / 销售部 / 华东二组. */
export function departmentPath(all: Department[], id: number, language: string): string[] {
  const byId = new Map(all.map((d) => [d.id, d]));
  const path: string[] = [];
  let d = byId.get(id);
  const seen = new Set<number>();
  while (d && !seen.has(d.id)) {
    seen.add(d.id);
    path.unshift(departmentName(d, language));
    d = d.parent_id === null ? undefined : byId.get(d.parent_id);
  }
  return path;
}
