// Pickers of users, roles and departments, single or multiple, by id. Users are searched
// as one types; roles and departments are listed whole (a department as its tree).

import { Select, TreeSelect } from "antd";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { describeError } from "../api/client";
import {
  departmentName, fetchDepartments, fetchRoles, fetchUser, roleName, searchUsers, userName,
} from "./directory";
import "./i18n";
import type { Department, RoleSummary } from "./types";

type Ids = number | number[] | null;

interface PickerProps<V extends Ids> {
  id?: string;
  value?: V;
  onChange?: (value: V) => void;
  multiple?: boolean;
  status?: "error";
  placeholder?: string;
  style?: React.CSSProperties;
  "aria-label"?: string;
  "data-testid"?: string;
}

function idsOf(value: Ids | undefined): number[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

interface Option {
  value: number;
  label: string;
}

/** Users by name, as the user types (the latest answer wins); chosen ones keep their names.
 * `inactive` offers deactivated users too (the audit log's actors). */
export function UserSelect<V extends Ids>(props: PickerProps<V> & { inactive?: boolean }) {
  const { t } = useTranslation("access");
  const { value, onChange, multiple, inactive = false } = props;
  const [options, setOptions] = useState<Option[]>([]);
  const [named, setNamed] = useState<Map<number, string>>(new Map());
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState<unknown>(null);
  const ticket = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout>>();

  const search = (q: string) => {
    const mine = ++ticket.current;
    setLoading(true);
    searchUsers(q, inactive).then(
      (users) => {
        if (mine !== ticket.current) return;
        setOptions(users.map((u) => ({ value: u.id, label: userName(u) })));
        setFailed(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== ticket.current) return;
        setFailed(err);
        setLoading(false);
      },
    );
  };
  const searchRef = useRef(search);
  searchRef.current = search;
  useEffect(() => {
    searchRef.current("");
    return () => clearTimeout(timer.current);
  }, [inactive]);

  const chosen = idsOf(value);
  const key = chosen.join(",");
  useEffect(() => {
    let live = true;
    for (const id of chosen) {
      if (named.has(id)) continue;
      void fetchUser(id).then((u) => {
        if (live) setNamed((m) => new Map(m).set(id, u ? userName(u) : `#${id}`));
      });
    }
    return () => { live = false; };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- the ids, by value

  const all = useMemo(() => {
    const out = [...options];
    for (const id of chosen) {
      if (!out.some((o) => o.value === id)) out.push({ value: id, label: named.get(id) ?? `#${id}` });
    }
    return out;
  }, [options, named, key]); // eslint-disable-line react-hooks/exhaustive-deps -- by value

  return (
    <Select<number | number[]>
      id={props.id}
      aria-label={props["aria-label"]}
      data-testid={props["data-testid"]}
      mode={multiple ? "multiple" : undefined}
      showSearch
      allowClear
      filterOption={false}
      status={props.status}
      style={props.style}
      value={multiple ? chosen : chosen[0]}
      onChange={(v) => onChange?.((v === undefined ? (multiple ? [] : null) : v) as V)}
      onSearch={(q) => {
        clearTimeout(timer.current);
        timer.current = setTimeout(() => search(q), 250);
      }}
      loading={loading}
      options={all}
      placeholder={props.placeholder ?? t("picker.user")}
      notFoundContent={failed ? describeError(failed, t) : t("picker.noMatch")}
    />
  );
}

/** A list fetched once (roles, departments), with its failure. */
function useList<T>(load: () => Promise<T[]>) {
  const [items, setItems] = useState<T[]>([]);
  const [failed, setFailed] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let live = true;
    load().then(
      (found) => { if (live) { setItems(found); setLoading(false); } },
      (err: unknown) => { if (live) { setFailed(err); setLoading(false); } },
    );
    return () => { live = false; };
  }, [load]);
  return { items, failed, loading };
}

export function useRoles() {
  return useList<RoleSummary>(fetchRoles);
}

export function useDepartments() {
  return useList<Department>(fetchDepartments);
}

export function RoleSelect<V extends Ids>(props: PickerProps<V>) {
  const { t, i18n } = useTranslation("access");
  const { items, failed, loading } = useRoles();
  const chosen = idsOf(props.value);
  return (
    <Select<number | number[]>
      id={props.id}
      aria-label={props["aria-label"]}
      data-testid={props["data-testid"]}
      mode={props.multiple ? "multiple" : undefined}
      showSearch
      allowClear
      optionFilterProp="label"
      status={props.status}
      style={props.style}
      value={props.multiple ? chosen : chosen[0]}
      onChange={(v) => props.onChange?.((v === undefined ? (props.multiple ? [] : null) : v) as V)}
      loading={loading}
      options={items.map((r) => ({ value: r.id, label: `${roleName(r, i18n.language)} (${r.key})` }))}
      placeholder={props.placeholder ?? t("picker.role")}
      notFoundContent={failed ? describeError(failed, t) : t("picker.noMatch")}
    />
  );
}

interface TreeNode {
  value: number;
  title: string;
  children: TreeNode[];
}

export function departmentTree(all: Department[], language: string): TreeNode[] {
  const nodes = new Map<number, TreeNode>();
  for (const d of all) nodes.set(d.id, { value: d.id, title: departmentName(d, language), children: [] });
  const roots: TreeNode[] = [];
  for (const d of all) {
    const node = nodes.get(d.id);
    if (!node) continue;
    const parent = d.parent_id === null ? undefined : nodes.get(d.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

export function DepartmentSelect<V extends Ids>(props: PickerProps<V>) {
  const { t, i18n } = useTranslation("access");
  const { items, failed, loading } = useDepartments();
  const tree = useMemo(() => departmentTree(items, i18n.language), [items, i18n.language]);
  const chosen = idsOf(props.value);
  return (
    <TreeSelect<number | number[]>
      id={props.id}
      aria-label={props["aria-label"]}
      data-testid={props["data-testid"]}
      multiple={props.multiple}
      showSearch
      allowClear
      treeDefaultExpandAll
      treeNodeFilterProp="title"
      status={props.status}
      style={props.style}
      value={props.multiple ? chosen : chosen[0]}
      onChange={(v) => props.onChange?.((v === undefined ? (props.multiple ? [] : null) : v) as V)}
      loading={loading}
      treeData={tree}
      placeholder={props.placeholder ?? t("picker.department")}
      notFoundContent={failed ? describeError(failed, t) : t("picker.noMatch")}
    />
  );
}
