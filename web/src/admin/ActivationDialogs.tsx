/** Deactivate a user, naming who receives their records (their manager unless another
 * is chosen); reactivate one. */

import { Alert, Form, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import type { DeactivationResult } from "../workflow/DeactivationSummary";
import ChangeDialog from "./ChangeDialog";
import type { ReasonValues } from "./ChangeDialog";
import { UserSelect } from "./pickers";
import type { AdminUser } from "./types";

interface DeactivateValues extends ReasonValues {
  successor_id: number | null;
}

/** The user as deactivated, with what the deactivation did (shown by DeactivationSummary). */
export type DeactivateResult = AdminUser & DeactivationResult;

interface Props<R> {
  open: boolean;
  user: AdminUser;
  users: AdminUser[];
  onClose: () => void;
  onDone: (result: R) => void;
  onReload: () => void;
}

export function DeactivateUserDialog({ open, user, users, onClose, onDone, onReload
}: Props<DeactivateResult>) {
  const { t } = useTranslation("admin");
  const { t: tw } = useTranslation("workflow");
  const [form] = Form.useForm<DeactivateValues>();
  const submit = async (v: DeactivateValues) => {
    onDone(await api.post<DeactivateResult>(`/users/${user.id}/deactivate`, {
      // the manager is the default: sent as such, so that the audit log says so
      successor_id: v.successor_id === user.manager_id ? null : v.successor_id,
      reason: v.reason, version: user.version,
    }));
  };
  return (
    <ChangeDialog<DeactivateValues>
      open={open}
      form={form}
      danger
      testId="deactivate-dialog"
      width={560}
      title={t("deactivate.title", { name: user.display_name })}
      okText={t("deactivate.ok")}
      intro={
        <Alert type="warning" showIcon message={t("deactivate.what")}
               description={
                 <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                   <li>{t("deactivate.sessions")}</li>
                   <li>{t("deactivate.records")}</li>
                   <li>{t("deactivate.roles")}</li>
                   <li>{tw("deactivation.requestsLine")}</li>
                   <li>{t("deactivate.lines")}</li>
                 </ul>
               } />
      }
      initialValues={{ successor_id: user.manager_id }}
      submit={submit}
      onClose={onClose}
      onReload={onReload}
    >
      <Form.Item name="successor_id" label={t("deactivate.successor")}
                 extra={t("deactivate.successorHint")}
                 rules={[{ required: true, message: t("deactivate.successorRequired") }]}>
        <UserSelect users={users} exclude={[user.id]} allowClear={false} testId="successor" />
      </Form.Item>
    </ChangeDialog>
  );
}

export function ReactivateUserDialog({ open, user, onClose, onDone, onReload
}: Omit<Props<AdminUser>, "users">) {
  const { t } = useTranslation("admin");
  const [form] = Form.useForm<ReasonValues>();
  const submit = async (v: ReasonValues) => {
    onDone(await api.post<AdminUser>(`/users/${user.id}/reactivate`, {
      reason: v.reason, version: user.version,
    }));
  };
  return (
    <ChangeDialog<ReasonValues>
      open={open}
      form={form}
      testId="reactivate-dialog"
      title={t("reactivate.title", { name: user.display_name })}
      okText={t("reactivate.ok")}
      intro={<Typography.Paragraph>{t("reactivate.intro")}</Typography.Paragraph>}
      submit={submit}
      onClose={onClose}
      onReload={onReload}
    />
  );
}
