/** Pickers for the people and groups a record can be given or shared with. */

import { Select, TreeSelect } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, describeError } from "../api/client";
import { departmentLabel, fetchDepartments, fetchRoles, roleLabel, userLabel } from "./names";
import type { Department, ItemsPage, PublicUser, RoleSummary } from "./types";
import { useRemoteOptions } from "./useRemoteOptions";

interface PickerProps {
  id?: string;
  value?: number | null;
  onChange?: (value: number | null) => void;
  "aria-label"?: string;
}

/** Active users, searched by name as the user types. */
export function UserPicker({ id, value, onChange, ...rest }: PickerProps) {
  const { t } = useTranslation("records");
  const { options, loading, failed, onSearch, load } = useRemoteOptions(async (q) => {
    const params: Record<string, string | number | boolean> = { active: true, limit: 20 };
    if (q.trim()) params.q = q.trim();
    const page = await api.get<ItemsPage<PublicUser>>("/users", params);
    return page.items.map((u) => ({ value: u.id, label: userLabel(u) }));
  });
  useEffect(() => load(""), [load]);
  return (
    <Select<number>
      id={id}
      aria-label={rest["aria-label"]}
      showSearch
      allowClear
      filterOption={false}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      onSearch={onSearch}
      loading={loading}
      options={options}
      placeholder={t("picker.searchUsers")}
      notFoundContent={failed ? describeError(failed, t) : t("picker.noMatch")}
    />
  );
}

function useLoaded<T>(load: () => Promise<T[]>) {
  const [items, setItems] = useState<T[]>([]);
  const [failed, setFailed] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let live = true;
    load().then(
      (found) => live && (setItems(found), setLoading(false)),
      (err: unknown) => live && (setFailed(err), setLoading(false)),
    );
    return () => {
      live = false;
    };
  }, [load]);
  return { items, failed, loading };
}

export function RolePicker({ id, value, onChange, ...rest }: PickerProps) {
  const { t, i18n } = useTranslation("records");
  const { items, failed, loading } = useLoaded<RoleSummary>(fetchRoles);
  return (
    <Select<number>
      id={id}
      aria-label={rest["aria-label"]}
      showSearch
      allowClear
      optionFilterProp="label"
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      loading={loading}
      options={items.map((r) => ({ value: r.id, label: roleLabel(r, i18n.language) }))}
      placeholder={t("picker.chooseRole")}
      notFoundContent={failed ? describeError(failed, t) : t("picker.noMatch")}
    />
  );
}

interface TreeNode {
  value: number;
  title: string;
  children: TreeNode[];
}

function departmentTree(all: Department[], language: string): TreeNode[] {
  const nodes = new Map<number, TreeNode>();
  for (const d of all) nodes.set(d.id, { value: d.id, title: departmentLabel(d, language), children: [] });
  const roots: TreeNode[] = [];
  for (const d of all) {
    const node = nodes.get(d.id)!;
    const parent = d.parent_id === null ? undefined : nodes.get(d.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

export function DepartmentPicker({ id, value, onChange, ...rest }: PickerProps) {
  const { t, i18n } = useTranslation("records");
  const { items, failed, loading } = useLoaded<Department>(fetchDepartments);
  const tree = useMemo(() => departmentTree(items, i18n.language), [items, i18n.language]);
  return (
    <TreeSelect<number>
      id={id}
      aria-label={rest["aria-label"]}
      showSearch
      allowClear
      treeDefaultExpandAll
      treeNodeFilterProp="title"
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      loading={loading}
      treeData={tree}
      placeholder={t("picker.chooseDepartment")}
      notFoundContent={failed ? describeError(failed, t) : t("picker.noMatch")}
    />
  );
}
