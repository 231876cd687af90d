/** Move a user to another department (and manager); their records follow or stay. */

import { Form, Radio, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import ChangeDialog from "./ChangeDialog";
import type { ReasonValues } from "./ChangeDialog";
import { DepartmentSelect, UserSelect } from "./pickers";
import type { AdminUser, Department } from "./types";

interface Values extends ReasonValues {
  department_id: number | null;
  manager_id: number | null;
  records: "follow" | "stay";
}

export interface MoveResult extends AdminUser {
  records_moved: Record<string, number>;
  assignments_ended: unknown[];
}

interface Props {
  open: boolean;
  user: AdminUser;
  departments: Department[];
  users: AdminUser[];
  onClose: () => void;
  onDone: (result: MoveResult) => void;
  onReload: () => void;
}

export default function MoveUserDialog({ open, user, departments, users, onClose, onDone,
                                         onReload }: Props) {
  const { t } = useTranslation("admin");
  const [form] = Form.useForm<Values>();

  const submit = async (v: Values) => {
    const body: Record<string, unknown> = {
      department_id: v.department_id, records: v.records, reason: v.reason, version: user.version,
    };
    // The manager is sent only when it changes (omitted: kept; null: none).
    if ((v.manager_id ?? null) !== user.manager_id) body.manager_id = v.manager_id ?? null;
    onDone(await api.post<MoveResult>(`/users/${user.id}/move`, body));
  };

  return (
    <ChangeDialog<Values>
      open={open}
      form={form}
      testId="move-dialog"
      width={560}
      title={t("move.title", { name: user.display_name })}
      okText={t("move.ok")}
      intro={<Typography.Text type="secondary">{t("move.intro")}</Typography.Text>}
      initialValues={{ department_id: null, manager_id: user.manager_id, records: "follow" }}
      submit={submit}
      onClose={onClose}
      onReload={onReload}
    >
      <Form.Item name="department_id" label={t("move.department")}
                 rules={[{ required: true, message: t("move.departmentRequired") },
                         { validator: (_r, v) => (v === user.department_id
                           ? Promise.reject(new Error(t("move.sameDepartment"))) : Promise.resolve()) }]}>
        <DepartmentSelect departments={departments} disabledIds={new Set([user.department_id])}
                          testId="move-department" />
      </Form.Item>
      <Form.Item name="manager_id" label={t("move.manager")} extra={t("move.managerHint")}>
        <UserSelect users={users} exclude={[user.id]} placeholder={t("users.noManager")} />
      </Form.Item>
      <Form.Item name="records" label={t("move.records")}>
        <Radio.Group>
          <Space direction="vertical">
            <Radio value="follow" data-testid="move-follow">{t("move.follow")}</Radio>
            <Radio value="stay" data-testid="move-stay">{t("move.stay")}</Radio>
          </Space>
        </Radio.Group>
      </Form.Item>
    </ChangeDialog>
  );
}
