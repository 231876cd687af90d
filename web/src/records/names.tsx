/** Names of users, departments and roles shown beside records (owner, department,
 * share principals), each fetched once per page load. */

import { Tooltip, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import { isZh } from "./fields";
import type { Department, ItemsPage, PublicUser, RoleSummary } from "./types";

const users = new Map<number, Promise<PublicUser | null>>();
let departments: Promise<Department[]> | null = null;
let roles: Promise<RoleSummary[]> | null = null;

export function fetchUser(id: number): Promise<PublicUser | null> {
  let found = users.get(id);
  if (!found) {
    found = api.get<PublicUser>(`/users/${id}`).catch(() => null);
    users.set(id, found);
  }
  return found;
}

export function fetchDepartments(): Promise<Department[]> {
  if (!departments) {
    departments = api
      .get<ItemsPage<Department>>("/departments")
      .then((page) => page.items)
      .catch((err: unknown) => {
        departments = null;
        throw err;
      });
  }
  return departments;
}

export function fetchRoles(): Promise<RoleSummary[]> {
  if (!roles) {
    roles = api
      .get<ItemsPage<RoleSummary>>("/roles")
      .then((page) => page.items)
      .catch((err: unknown) => {
        roles = null;
        throw err;
      });
  }
  return roles;
}

export function userLabel(u: PublicUser): string {
  return u.display_name ? `${u.display_name} (${u.username})` : u.username;
}

export function departmentLabel(d: Department, language: string): string {
  return isZh(language) || !d.name_en ? d.name : d.name_en;
}

export function roleLabel(r: RoleSummary, language: string): string {
  return isZh(language) || !r.name_en ? r.name : r.name_en;
}

function useResolved<T>(load: () => Promise<T>, key: unknown): T | undefined {
  const [value, setValue] = useState<T>();
  useEffect(() => {
    let live = true;
    load().then(
      (v) => live && setValue(v),
      () => live && setValue(undefined),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return value;
}

export function UserName({ id }: { id: number | null | undefined }) {
  const user = useResolved(() => (id ? fetchUser(id) : Promise.resolve(null)), id);
  if (!id) return <Typography.Text type="secondary">—</Typography.Text>;
  if (!user) return <span>#{id}</span>;
  return (
    <Tooltip title={user.username}>
      <span>{user.display_name || user.username}</span>
    </Tooltip>
  );
}

export function DepartmentName({ id }: { id: number | null | undefined }) {
  const { i18n } = useTranslation("records");
  const all = useResolved(fetchDepartments, "departments");
  if (!id) return <Typography.Text type="secondary">—</Typography.Text>;
  const d = all?.find((x) => x.id === id);
  return <span>{d ? departmentLabel(d, i18n.language) : `#${id}`}</span>;
}

export function RoleName({ id }: { id: number }) {
  const { i18n } = useTranslation("records");
  const all = useResolved(fetchRoles, "roles");
  const r = all?.find((x) => x.id === id);
  return <span>{r ? roleLabel(r, i18n.language) : `#${id}`}</span>;
}
