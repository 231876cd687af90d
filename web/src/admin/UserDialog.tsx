/** Create a user, or edit one's details, manager or password. A department change is a
 * move (its own dialog: records follow or stay). */

import { DatePicker, Form, Input, Typography } from "antd";
import dayjs from "dayjs";
import type { Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import ChangeDialog from "./ChangeDialog";
import type { ReasonValues } from "./ChangeDialog";
import { departmentName } from "./names";
import { DepartmentSelect, UserSelect } from "./pickers";
import type { AdminUser, Department } from "./types";

const MIN_PASSWORD = 12;

interface Values extends ReasonValues {
  username: string;
  display_name: string;
  email?: string;
  phone?: string;
  department_id: number | null;
  manager_id: number | null;
  hire_date: Dayjs | null;
  password?: string;
}

interface Props {
  open: boolean;
  /** The user to edit; none to create one in `departmentId`. */
  user?: AdminUser | null;
  departmentId?: number | null;
  departments: Department[];
  users: AdminUser[];
  onClose: () => void;
  onDone: (u: AdminUser) => void;
  onReload: () => void;
}

const blank = (s: string | undefined | null) => (s?.trim() ? s.trim() : null);

export default function UserDialog({ open, user, departmentId, departments, users, onClose,
                                     onDone, onReload }: Props) {
  const { t, i18n } = useTranslation("admin");
  const [form] = Form.useForm<Values>();

  const submit = async (v: Values) => {
    const hire = v.hire_date ? v.hire_date.format("YYYY-MM-DD") : null;
    if (!user) {
      onDone(await api.post<AdminUser>("/users", {
        username: v.username.trim(), display_name: v.display_name, email: blank(v.email),
        phone: blank(v.phone), department_id: v.department_id, manager_id: v.manager_id ?? null,
        hire_date: hire, password: v.password ? v.password : null, reason: v.reason,
      }));
      return;
    }
    const body: Record<string, unknown> = { reason: v.reason, version: user.version };
    if (v.display_name !== user.display_name) body.display_name = v.display_name;
    if (blank(v.email) !== user.email) body.email = blank(v.email);
    if (blank(v.phone) !== user.phone) body.phone = blank(v.phone);
    if ((v.manager_id ?? null) !== user.manager_id) body.manager_id = v.manager_id ?? null;
    if (hire !== user.hire_date) body.hire_date = hire;
    if (v.password) body.password = v.password;
    onDone(await api.patch<AdminUser>(`/users/${user.id}`, body));
  };

  const dept = user ? departments.find((d) => d.id === user.department_id) : undefined;
  return (
    <ChangeDialog<Values>
      open={open}
      form={form}
      testId="user-dialog"
      width={560}
      title={user ? t("users.editTitle", { name: user.display_name }) : t("users.newTitle")}
      okText={user ? t("common.save") : t("common.create")}
      initialValues={user ? {
        username: user.username, display_name: user.display_name, email: user.email ?? "",
        phone: user.phone ?? "", department_id: user.department_id, manager_id: user.manager_id,
        hire_date: user.hire_date ? dayjs(user.hire_date) : null,
      } : { department_id: departmentId ?? null, manager_id: null, hire_date: null }}
      submit={submit}
      onClose={onClose}
      onReload={onReload}
    >
      <Form.Item name="username" label={t("users.username")}
                 extra={user ? undefined : t("users.usernameHint")}
                 rules={[{ required: true, whitespace: true, message: t("users.usernameRequired") }]}>
        <Input maxLength={64} disabled={!!user} autoComplete="off" data-testid="user-username" />
      </Form.Item>
      <Form.Item name="display_name" label={t("users.displayName")}
                 rules={[{ required: true, whitespace: true, message: t("users.displayNameRequired") }]}>
        <Input maxLength={100} data-testid="user-display-name" />
      </Form.Item>
      <Form.Item name="email" label={t("users.email")}
                 rules={[{ type: "email", message: t("invalid.email") }]}>
        <Input maxLength={200} type="email" data-testid="user-email" />
      </Form.Item>
      <Form.Item name="phone" label={t("users.phone")}>
        <Input maxLength={40} type="tel" data-testid="user-phone" />
      </Form.Item>
      {user ? (
        <Form.Item label={t("users.department")} extra={t("users.departmentByMove")}>
          <Typography.Text>{dept ? departmentName(dept, i18n.language) : `#${user.department_id}`}</Typography.Text>
        </Form.Item>
      ) : (
        <Form.Item name="department_id" label={t("users.department")}
                   rules={[{ required: true, message: t("users.departmentRequired") }]}>
          <DepartmentSelect departments={departments} testId="user-department" />
        </Form.Item>
      )}
      <Form.Item name="manager_id" label={t("users.manager")}>
        <UserSelect users={users} exclude={user ? [user.id] : []} placeholder={t("users.noManager")}
                    testId="user-manager" />
      </Form.Item>
      <Form.Item name="hire_date" label={t("users.hireDate")}>
        <DatePicker style={{ width: "100%" }} />
      </Form.Item>
      <Form.Item name="password" label={user ? t("users.newPassword") : t("users.password")}
                 extra={user ? t("users.newPasswordHint") : t("users.passwordHint")}
                 rules={[{ min: MIN_PASSWORD, max: 128, message: t("invalid.password") }]}>
        <Input.Password autoComplete="new-password" data-testid="user-password" />
      </Form.Item>
    </ChangeDialog>
  );
}
