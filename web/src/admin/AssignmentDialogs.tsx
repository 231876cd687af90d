/** Give a user a role (optionally until a time), change an assignment's end, or remove
 * it — each with a reason. Under the two-person rule a role with system permissions is not
 * given at once: a grant request waits for a second administrator (said so, with a link). */

import { Checkbox, DatePicker, Form, Typography } from "antd";
import dayjs from "dayjs";
import type { Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import { isGrantRequest, useTwoPersonNotice } from "../workflow/twoPerson";
import ChangeDialog from "./ChangeDialog";
import type { ReasonValues } from "./ChangeDialog";
import { roleName } from "./names";
import { RoleSelect, UserSelect } from "./pickers";
import type { AdminUser, Assignment, RoleSummary } from "./types";

function ExpiryPicker(props: { value?: Dayjs | null; onChange?: (v: Dayjs | null) => void;
                               disabled?: boolean }) {
  const { t } = useTranslation("admin");
  const now = dayjs();
  return (
    <DatePicker
      {...props}
      showTime={{ format: "HH:mm" }}
      format="YYYY-MM-DD HH:mm"
      style={{ width: "100%" }}
      data-testid="expiry"
      placeholder={t("assignments.noExpiry")}
      disabledDate={(d) => d.isBefore(now, "day")}
      presets={[
        { label: t("assignments.in", { count: 7 }), value: now.add(7, "day") },
        { label: t("assignments.in", { count: 30 }), value: now.add(30, "day") },
        { label: t("assignments.in", { count: 90 }), value: now.add(90, "day") },
        { label: t("assignments.inYear"), value: now.add(1, "year") },
      ]}
    />
  );
}

const futureRule = (message: string) => ({
  validator: (_r: unknown, v: Dayjs | null | undefined) =>
    !v || v.isAfter(dayjs()) ? Promise.resolve() : Promise.reject(new Error(message)),
});

interface AddValues extends ReasonValues {
  user_id: number | null;
  role_id: number | null;
  expires_at: Dayjs | null;
}

interface AddProps {
  open: boolean;
  users: AdminUser[];
  roles: RoleSummary[];
  /** Fixed when adding from a role's or a user's own page. */
  userId?: number;
  roleId?: number;
  onClose: () => void;
  onDone: (a: Assignment) => void;
}

export function AddAssignmentDialog({ open, users, roles, userId, roleId, onClose, onDone
}: AddProps) {
  const { t } = useTranslation("admin");
  const [form] = Form.useForm<AddValues>();
  const bodyOf = (v: AddValues) => ({
    user_id: v.user_id, role_id: v.role_id,
    expires_at: v.expires_at ? v.expires_at.toISOString() : null, reason: v.reason,
  });
  const waiting = useTwoPersonNotice();
  const submit = async (v: AddValues) => {
    const answer = await api.post<unknown>("/assignments", bodyOf(v));
    // under the two-person rule a role with system permissions waits for a second administrator
    if (isGrantRequest(answer)) waiting(answer);
    else onDone(answer as Assignment);
  };
  return (
    <ChangeDialog<AddValues>
      open={open}
      form={form}
      testId="add-assignment-dialog"
      title={t("assignments.addTitle")}
      okText={t("assignments.addOk")}
      initialValues={{ user_id: userId ?? null, role_id: roleId ?? null, expires_at: null }}
      impact={(v) => ({ kind: "assignment", op: "create", body: bodyOf(v) })}
      submit={submit}
      onClose={onClose}
    >
      <Form.Item name="user_id" label={t("assignments.user")}
                 rules={[{ required: true, message: t("assignments.userRequired") }]}>
        {userId ? <FixedUser users={users} id={userId} />
          : <UserSelect users={users} testId="assignment-user" />}
      </Form.Item>
      <Form.Item name="role_id" label={t("assignments.role")}
                 rules={[{ required: true, message: t("assignments.roleRequired") }]}>
        {roleId ? <FixedRole roles={roles} id={roleId} />
          : <RoleSelect roles={roles} testId="assignment-role" />}
      </Form.Item>
      <Form.Item name="expires_at" label={t("assignments.expiresAt")}
                 extra={t("assignments.expiresHint")}
                 rules={[futureRule(t("invalid.expires_at"))]}>
        <ExpiryPicker />
      </Form.Item>
    </ChangeDialog>
  );
}

function FixedUser({ users, id }: { users: AdminUser[]; id: number }) {
  const u = users.find((x) => x.id === id);
  return <Typography.Text strong>{u ? `${u.display_name} (${u.username})` : `#${id}`}</Typography.Text>;
}

function FixedRole({ roles, id }: { roles: RoleSummary[]; id: number }) {
  const { i18n } = useTranslation();
  const r = roles.find((x) => x.id === id);
  return <Typography.Text strong>{r ? roleName(r, i18n.language) : `#${id}`}</Typography.Text>;
}

interface ExpiryValues extends ReasonValues {
  expires_at: Dayjs | null;
  forever: boolean;
}

interface OneProps {
  open: boolean;
  assignment: Assignment;
  title: string;
  onClose: () => void;
  onDone: () => void;
}

export function ExpiryDialog({ open, assignment, title, onClose, onDone }: OneProps) {
  const { t } = useTranslation("admin");
  const [form] = Form.useForm<ExpiryValues>();
  const forever = Form.useWatch("forever", form);
  const bodyOf = (v: ExpiryValues) => ({
    expires_at: v.forever || !v.expires_at ? null : v.expires_at.toISOString(), reason: v.reason,
  });
  const submit = async (v: ExpiryValues) => {
    await api.patch(`/assignments/${assignment.id}`, bodyOf(v));
    onDone();
  };
  return (
    <ChangeDialog<ExpiryValues>
      open={open}
      form={form}
      testId="expiry-dialog"
      title={title}
      initialValues={{
        expires_at: assignment.expires_at ? dayjs(assignment.expires_at) : null,
        forever: !assignment.expires_at,
      }}
      impact={(v) => ({ kind: "assignment", op: "update", id: assignment.id, body: bodyOf(v) })}
      submit={submit}
      onClose={onClose}
    >
      <Form.Item name="forever" valuePropName="checked">
        <Checkbox data-testid="no-expiry">{t("assignments.noExpiry")}</Checkbox>
      </Form.Item>
      <Form.Item name="expires_at" label={t("assignments.expiresAt")}
                 rules={forever ? [] : [{ required: true, message: t("assignments.expiryRequired") },
                                        futureRule(t("invalid.expires_at"))]}>
        <ExpiryPicker disabled={!!forever} />
      </Form.Item>
    </ChangeDialog>
  );
}

export function RemoveAssignmentDialog({ open, assignment, title, onClose, onDone }: OneProps) {
  const { t } = useTranslation("admin");
  const [form] = Form.useForm<ReasonValues>();
  const submit = async (v: ReasonValues) => {
    await api.del(`/assignments/${assignment.id}`, { reason: v.reason });
    onDone();
  };
  return (
    <ChangeDialog<ReasonValues>
      open={open}
      form={form}
      danger
      testId="remove-assignment-dialog"
      title={title}
      okText={t("assignments.removeOk")}
      intro={<Typography.Paragraph>{t("assignments.removeIntro")}</Typography.Paragraph>}
      impact={(v) => ({ kind: "assignment", op: "delete", id: assignment.id, body: { reason: v.reason } })}
      submit={submit}
      onClose={onClose}
    />
  );
}
