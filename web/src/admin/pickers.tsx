/** Pickers over lists the screen has loaded: users (searched by name or username),
 * departments (as a tree) and roles. */

import { Select, TreeSelect } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { departmentForest, departmentName, roleName, userName } from "./names";
import type { DepartmentNode } from "./names";
import type { AdminUser, Department, RoleSummary } from "./types";

type PickedUser = Pick<AdminUser, "id" | "username" | "display_name" | "active">;

interface UserSelectProps {
  users: PickedUser[];
  value?: number | null;
  onChange?: (value: number | null) => void;
  /** Users not offered (the user being changed). */
  exclude?: number[];
  allowClear?: boolean;
  placeholder?: string;
  id?: string;
  testId?: string;
}

/** Active users, found by typing part of a name or username. */
export function UserSelect({ users, value, onChange, exclude = [], allowClear = true,
                             placeholder, id, testId }: UserSelectProps) {
  const { t } = useTranslation("admin");
  const options = useMemo(() => users
    .filter((u) => u.active && !exclude.includes(u.id))
    .map((u) => ({ value: u.id, label: userName(u) })), [users, exclude]);
  return (
    <Select<number>
      id={id}
      data-testid={testId}
      showSearch
      allowClear={allowClear}
      optionFilterProp="label"
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      options={options}
      placeholder={placeholder ?? t("picker.user")}
      notFoundContent={t("picker.noMatch")}
    />
  );
}

interface TreeOption {
  value: number;
  title: string;
  disabled?: boolean;
  children: TreeOption[];
}

function treeOptions(nodes: DepartmentNode[], language: string, disabled: Set<number>
                     ): TreeOption[] {
  return nodes.map((n) => ({
    value: n.department.id,
    title: departmentName(n.department, language),
    disabled: disabled.has(n.department.id),
    children: treeOptions(n.children, language, disabled),
  }));
}

interface DepartmentSelectProps<M extends boolean> {
  departments: Department[];
  multiple?: M;
  value?: M extends true ? number[] : number | null;
  onChange?: (value: M extends true ? number[] : number | null) => void;
  /** Departments shown but not choosable (a department itself and below, as its parent). */
  disabledIds?: Set<number>;
  allowClear?: boolean;
  placeholder?: string;
  id?: string;
  testId?: string;
}

export function DepartmentSelect<M extends boolean = false>({
  departments, multiple, value, onChange, disabledIds, allowClear, placeholder, id, testId,
}: DepartmentSelectProps<M>) {
  const { t, i18n } = useTranslation("admin");
  const tree = useMemo(
    () => treeOptions(departmentForest(departments), i18n.language, disabledIds ?? new Set()),
    [departments, i18n.language, disabledIds]);
  return (
    <TreeSelect
      id={id}
      data-testid={testId}
      showSearch
      multiple={multiple}
      allowClear={allowClear}
      treeDefaultExpandAll
      treeNodeFilterProp="title"
      value={(value ?? undefined) as never}
      onChange={(v: unknown) => onChange?.((v ?? (multiple ? [] : null)) as never)}
      treeData={tree}
      placeholder={placeholder ?? t("picker.department")}
      notFoundContent={t("picker.noMatch")}
    />
  );
}

interface RoleSelectProps {
  roles: RoleSummary[];
  value?: number | null;
  onChange?: (value: number | null) => void;
  allowClear?: boolean;
  placeholder?: string;
  id?: string;
  testId?: string;
}

export function RoleSelect({ roles, value, onChange, allowClear = true, placeholder, id,
                             testId }: RoleSelectProps) {
  const { t, i18n } = useTranslation("admin");
  return (
    <Select<number>
      id={id}
      data-testid={testId}
      showSearch
      allowClear={allowClear}
      optionFilterProp="label"
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      options={roles.map((r) => ({ value: r.id, label: `${roleName(r, i18n.language)} · ${r.key}` }))}
      placeholder={placeholder ?? t("picker.role")}
      notFoundContent={t("picker.noMatch")}
    />
  );
}
