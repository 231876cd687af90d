/** Create, edit and delete a department, each with a reason. */

import { Alert, Form, Input, Typography } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import ChangeDialog from "./ChangeDialog";
import type { ReasonValues } from "./ChangeDialog";
import { departmentName, subtreeIds } from "./names";
import { DepartmentSelect, UserSelect } from "./pickers";
import type { AdminUser, Department } from "./types";

interface Values extends ReasonValues {
  name: string;
  name_en?: string;
  parent_id: number | null;
  head_id: number | null;
}

interface EditProps {
  open: boolean;
  /** The department to edit; none to create one under `parentId`. */
  department?: Department | null;
  parentId?: number | null;
  departments: Department[];
  users: AdminUser[];
  onClose: () => void;
  onDone: (d: Department) => void;
  onReload: () => void;
}

export function DepartmentDialog({ open, department, parentId, departments, users, onClose,
                                   onDone, onReload }: EditProps) {
  const { t } = useTranslation("admin");
  const [form] = Form.useForm<Values>();
  const editing = !!department;
  const isTop = editing && department.parent_id === null;
  const below = useMemo(() => (department ? subtreeIds(departments, department.id) : new Set<number>()),
                        [department, departments]);

  const submit = async (v: Values) => {
    if (!department) {
      onDone(await api.post<Department>("/departments", {
        name: v.name, name_en: v.name_en?.trim() || null, parent_id: v.parent_id,
        head_id: v.head_id ?? null, reason: v.reason,
      }));
      return;
    }
    const body: Record<string, unknown> = { reason: v.reason, version: department.version };
    if (v.name !== department.name) body.name = v.name;
    if ((v.name_en?.trim() || null) !== department.name_en) body.name_en = v.name_en?.trim() || null;
    if (!isTop && v.parent_id !== department.parent_id) body.parent_id = v.parent_id;
    if ((v.head_id ?? null) !== department.head_id) body.head_id = v.head_id ?? null;
    onDone(await api.patch<Department>(`/departments/${department.id}`, body));
  };

  return (
    <ChangeDialog<Values>
      open={open}
      form={form}
      testId="department-dialog"
      title={editing ? t("org.editDepartment") : t("org.newDepartment")}
      okText={editing ? t("common.save") : t("common.create")}
      initialValues={department ? {
        name: department.name, name_en: department.name_en ?? "", parent_id: department.parent_id,
        head_id: department.head_id,
      } : { parent_id: parentId ?? null, head_id: null }}
      submit={submit}
      onClose={onClose}
      onReload={onReload}
    >
      <Form.Item name="name" label={t("org.deptName")}
                 rules={[{ required: true, whitespace: true, message: t("org.deptNameRequired") }]}>
        <Input maxLength={100} data-testid="dept-name" />
      </Form.Item>
      <Form.Item name="name_en" label={t("org.deptNameEn")}>
        <Input maxLength={100} data-testid="dept-name-en" />
      </Form.Item>
      <Form.Item name="parent_id" label={t("org.parent")}
                 extra={isTop ? t("org.topHasNoParent") : undefined}
                 rules={isTop ? [] : [{ required: true, message: t("org.parentRequired") }]}>
        <DepartmentSelect departments={departments} disabledIds={below}
                          testId="dept-parent" />
      </Form.Item>
      <Form.Item name="head_id" label={t("org.head")}>
        <UserSelect users={users} placeholder={t("org.noHead")} />
      </Form.Item>
    </ChangeDialog>
  );
}

interface DeleteProps {
  open: boolean;
  department: Department;
  users: number;
  children: number;
  onClose: () => void;
  onDone: () => void;
  onReload: () => void;
}

export function DeleteDepartmentDialog({ open, department, users, children, onClose, onDone,
                                         onReload }: DeleteProps) {
  const { t, i18n } = useTranslation("admin");
  const [form] = Form.useForm<ReasonValues>();
  const submit = async (v: ReasonValues) => {
    await api.del(`/departments/${department.id}`, { reason: v.reason, version: department.version });
    onDone();
  };
  return (
    <ChangeDialog<ReasonValues>
      open={open}
      form={form}
      danger
      testId="delete-department-dialog"
      title={t("org.deleteDepartmentTitle", { name: departmentName(department, i18n.language) })}
      okText={t("common.delete")}
      intro={
        <>
          <Typography.Paragraph>{t("org.deleteDepartmentIntro")}</Typography.Paragraph>
          {(users > 0 || children > 0) && (
            <Alert type="warning" showIcon
                   message={t("org.deleteDepartmentNotEmpty", { parts: [
                     users > 0 ? t("conflict.users", { count: users }) : "",
                     children > 0 ? t("conflict.children", { count: children }) : "",
                   ].filter(Boolean).join(t("conflict.and")) })} />
          )}
        </>
      }
      submit={submit}
      onClose={onClose}
      onReload={onReload}
    />
  );
}
