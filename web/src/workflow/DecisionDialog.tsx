// Asks for the reason of a decision on a request (required to reject, to ask for changes or
// to resubmit; a note otherwise) and makes it; a refusal stays in the dialog, in words.

import { Alert, DatePicker, Form, Input, InputNumber, Modal, Typography } from "antd";
import dayjs from "dayjs";
import type { Dayjs } from "dayjs";
import type { ReactNode } from "react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { describeError } from "../api/client";
import "./i18n";

export interface DecisionValues {
  reason: string;
  days?: number | null;
  ends_at?: Dayjs | null;
}

interface Props {
  title: ReactNode;
  intro?: ReactNode;
  okText: string;
  danger?: boolean;
  /** A reason is required (reject, ask for changes, resubmit); else an optional note. */
  reasonRequired: boolean;
  /** Resubmitting a request asked "for N days": the days may change too. */
  days?: number | null;
  /** …or "until" an instant: the end may change. */
  endsAt?: string | null;
  onCancel: () => void;
  /** Makes the decision; a thrown error is shown and the dialog stays open. */
  onConfirm: (values: DecisionValues) => Promise<void>;
  testId?: string;
}

export default function DecisionDialog({ title, intro, okText, danger, reasonRequired, days, endsAt,
                                         onCancel, onConfirm, testId }: Props) {
  const { t } = useTranslation("workflow");
  const [form] = Form.useForm<DecisionValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: DecisionValues) => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm({ ...values, reason: (values.reason ?? "").trim() });
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={title}
      okText={okText}
      cancelText={t("common.cancel")}
      okButtonProps={{ danger, ...{ "data-testid": "decision-ok" } }}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onCancel}
      destroyOnHidden
    >
      <div data-testid={testId}>
        {intro && <Typography.Paragraph>{intro}</Typography.Paragraph>}
        {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }}
                         data-testid="decision-problem" />}
        <Form<DecisionValues> form={form} layout="vertical" onFinish={submit} preserve={false}
                              initialValues={{ reason: "", days: days ?? null, ends_at: endsAt ? dayjs(endsAt) : null }}>
          {days !== undefined && days !== null && (
            <Form.Item name="days" label={t("new.days")} extra={t("new.daysHint")}
                       rules={[{ required: true, message: t("new.daysRequired") }]}>
              <InputNumber min={1} max={3650} precision={0} style={{ width: 160 }} />
            </Form.Item>
          )}
          {!days && endsAt && (
            <Form.Item name="ends_at" label={t("new.until")}
                       rules={[{ required: true, message: t("new.untilRequired") }]}>
              <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm"
                          disabledDate={(d) => d.isBefore(dayjs(), "day")} />
            </Form.Item>
          )}
          <Form.Item
            name="reason"
            label={reasonRequired ? t("detail.reason") : t("detail.note")}
            extra={t("detail.reasonHint")}
            rules={reasonRequired ? [{ required: true, whitespace: true, message: t("detail.reasonRequired") }] : []}
          >
            <Input.TextArea rows={3} maxLength={2000} showCount autoFocus data-testid="decision-reason" />
          </Form.Item>
        </Form>
      </div>
    </Modal>
  );
}
