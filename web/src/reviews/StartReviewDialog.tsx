// Start a review campaign: its name, whose access (everyone, a department and those below
// it, or the holders of some roles), the deadline and what happens then to undecided
// items, and the reason. Reviewers are fixed by the server (each user's manager first).

import { DatePicker, Form, Input, Radio, Typography } from "antd";
import dayjs from "dayjs";
import type { Dayjs } from "dayjs";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";

import { DepartmentSelect, RoleSelect } from "../access/pickers";
import ChangeDialog from "../admin/ChangeDialog";
import type { ReasonValues } from "../admin/ChangeDialog";
import { reviewsApi } from "./api";
import "./i18n";
import type { CampaignDetail, OnDeadline, ScopeKind } from "./types";

interface Values extends ReasonValues {
  name: string;
  scope: ScopeKind;
  department_id: number | null;
  role_ids: number[];
  deadline: Dayjs | null;
  on_deadline: OnDeadline;
}

/** "2026 Q4 access review": the quarter a campaign started today would review. */
function suggestedName(t: TFunction): string {
  const now = dayjs();
  return t("start.defaultName", { year: now.year(), quarter: Math.floor(now.month() / 3) + 1 });
}

interface Props {
  onClose: () => void;
  onStarted: (campaign: CampaignDetail) => void;
}

export default function StartReviewDialog({ onClose, onStarted }: Props) {
  const { t } = useTranslation("reviews");
  const [form] = Form.useForm<Values>();
  const scope = Form.useWatch("scope", form) ?? "department";
  const now = dayjs();

  const submit = async (v: Values) => {
    onStarted(await reviewsApi.start({
      name: v.name.trim(), scope: v.scope,
      department_id: v.scope === "department" ? v.department_id : null,
      role_ids: v.scope === "roles" ? v.role_ids : null,
      deadline: v.deadline ? v.deadline.toISOString() : "",
      on_deadline: v.on_deadline, reason: v.reason,
    }));
  };

  return (
    <ChangeDialog<Values>
      open form={form} width={640} testId="start-review-dialog"
      title={t("start.title")} okText={t("start.ok")}
      intro={<Typography.Paragraph type="secondary">{t("start.intro")}</Typography.Paragraph>}
      initialValues={{
        name: suggestedName(t), scope: "department", department_id: null, role_ids: [],
        deadline: now.add(14, "day").endOf("day"), on_deadline: "keep",
      }}
      fieldFor={(path) => path.replace(/\[\d+\]$/, "")}
      submit={submit}
      onClose={onClose}
    >
      <Form.Item name="name" label={t("start.name")}
                 rules={[{ required: true, whitespace: true, message: t("start.nameRequired") }]}>
        <Input id="review-name" maxLength={200} />
      </Form.Item>
      <Form.Item name="scope" label={t("start.scope")}>
        <Radio.Group id="review-scope" options={(["all", "department", "roles"] as const).map((k) => ({
          value: k, label: t(`scope.${k}`),
        }))} />
      </Form.Item>
      {scope === "department" && (
        <Form.Item name="department_id" label={t("start.department")} extra={t("start.departmentHint")}
                   rules={[{ required: true, message: t("start.departmentRequired") }]}>
          <DepartmentSelect<number | null> id="review-department" data-testid="review-department" />
        </Form.Item>
      )}
      {scope === "roles" && (
        <Form.Item name="role_ids" label={t("start.roles")} extra={t("start.rolesHint")}
                   rules={[{ required: true, type: "array", min: 1, message: t("start.rolesRequired") }]}>
          <RoleSelect<number[]> id="review-roles" multiple data-testid="review-roles" />
        </Form.Item>
      )}
      {scope === "all" && (
        <Typography.Paragraph type="secondary">{t("start.allHint")}</Typography.Paragraph>
      )}
      <Form.Item name="deadline" label={t("start.deadline")} extra={t("start.deadlineHint")}
                 rules={[
                   { required: true, message: t("start.deadlineRequired") },
                   { validator: (_r, v: Dayjs | null) => (!v || v.isAfter(dayjs())
                     ? Promise.resolve() : Promise.reject(new Error(t("start.deadlineFuture")))) },
                 ]}>
        <DatePicker id="review-deadline" showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm"
                    style={{ width: "100%" }} disabledDate={(d) => d.isBefore(now, "day")}
                    presets={[7, 14, 30].map((days) => ({
                      label: t("start.inDays", { count: days }), value: now.add(days, "day").endOf("day"),
                    }))} />
      </Form.Item>
      <Form.Item name="on_deadline" label={t("start.onDeadline")}>
        <Radio.Group id="review-on-deadline">
          <Radio value="keep">{t("start.keep")}</Radio>
          <Radio value="revoke">{t("start.revoke")}</Radio>
        </Radio.Group>
      </Form.Item>
    </ChangeDialog>
  );
}
