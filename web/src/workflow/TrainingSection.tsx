// A user's completed trainings, as the approval policies require them (in the user drawer
// of the organisation screen): read with manage_users or view_audit, recorded with
// manage_users, each with a reason.

import { PlusOutlined } from "@ant-design/icons";
import { Alert, App, AutoComplete, Button, DatePicker, Divider, Form, Space, Table } from "antd";
import dayjs from "dayjs";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import ChangeDialog from "../admin/ChangeDialog";
import type { ReasonValues } from "../admin/ChangeDialog";
import "../admin/i18n";
import { useLoad } from "../admin/useLoad";
import { describeError } from "../api/client";
import { useMe } from "../auth/AuthContext";
import { useFormat } from "../i18n/format";
import { workflowApi } from "./api";
import "./i18n";
import type { Training } from "./types";

interface Values extends ReasonValues {
  course: string;
  completed_at: Dayjs | null;
}

/** The courses the approval policies require (offered when recording one), if readable. */
function useKnownCourses(readable: boolean): string[] {
  const policies = useLoad(() => (readable ? workflowApi.policies() : Promise.resolve(null)), [readable]);
  const all = [...(policies.data?.items ?? []).flatMap((p) => p.required_courses),
               ...(policies.data?.default.required_courses ?? [])];
  return [...new Set(all)].sort();
}

export default function TrainingSection({ user }: { user: { id: number; display_name: string; active: boolean } }) {
  const { t } = useTranslation("workflow");
  const { message } = App.useApp();
  const fmt = useFormat();
  const me = useMe();
  const mayRecord = me.permissions.includes("manage_users") && user.active;
  const courses = useKnownCourses(me.permissions.includes("manage_roles") || me.permissions.includes("view_audit"));
  const list = useLoad(() => workflowApi.trainings(user.id), [user.id]);
  const [open, setOpen] = useState(false);

  return (
    <div data-testid="trainings">
      <Divider orientation="left">{t("training.title")}</Divider>
      <Space style={{ width: "100%", justifyContent: "flex-end", marginBottom: 8 }}>
        {mayRecord && (
          <Button icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="record-training">
            {t("training.record")}
          </Button>
        )}
      </Space>
      {list.error !== null && <Alert type="error" showIcon message={describeError(list.error, t)} />}
      <Table<Training> rowKey="id" size="small" loading={list.loading} dataSource={list.data ?? []}
                       pagination={false} locale={{ emptyText: t("training.empty") }}
                       onRow={(r) => ({ "data-course": r.course }) as never}
                       columns={[
                         { key: "course", title: t("training.course"), dataIndex: "course" },
                         { key: "completed", title: t("training.completed"), width: 220,
                           render: (_v, r) => fmt.dateTime(r.completed_at) },
                       ]} />
      {open && (
        <RecordDialog user={user} courses={courses} onClose={() => setOpen(false)}
                      onDone={() => { setOpen(false); message.success(t("training.saved")); void list.reload(); }} />
      )}
    </div>
  );
}

function RecordDialog({ user, courses, onClose, onDone }: {
  user: { id: number; display_name: string }; courses: string[]; onClose: () => void; onDone: () => void;
}) {
  const { t } = useTranslation("workflow");
  const [form] = Form.useForm<Values>();
  const submit = async (v: Values) => {
    await workflowApi.recordTraining(user.id, {
      course: v.course.trim(), completed_at: v.completed_at ? v.completed_at.toISOString() : null, reason: v.reason,
    });
    onDone();
  };
  return (
    <ChangeDialog<Values> open form={form} testId="training-dialog"
                          title={t("training.recordTitle", { name: user.display_name })}
                          initialValues={{ course: "", completed_at: null }} submit={submit} onClose={onClose}>
      <Form.Item name="course" label={t("training.course")}
                 extra={courses.length ? t("training.courseHint", { example: courses[0] }) : undefined}
                 rules={[{ required: true, whitespace: true, message: t("training.courseRequired") }]}>
        <AutoComplete options={courses.map((c) => ({ value: c }))} data-testid="training-course"
                      filterOption={(input, option) => String(option?.value ?? "").includes(input)} />
      </Form.Item>
      <Form.Item name="completed_at" label={t("training.completedAt")} extra={t("training.completedHint")}
                 rules={[{ validator: (_r, v: Dayjs | null) => (!v || !v.isAfter(dayjs())
                   ? Promise.resolve() : Promise.reject(new Error(t("training.future")))) }]}>
        <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm"
                    disabledDate={(d) => d.isAfter(dayjs(), "day")} />
      </Form.Item>
    </ChangeDialog>
  );
}
