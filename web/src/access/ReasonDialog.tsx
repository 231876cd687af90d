// Asks for the reason of a change (written to the audit log) before making it; the
// API's refusal stays in the dialog, in words.

import { Alert, Form, Input, Modal, Typography } from "antd";
import { useState } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { describeError } from "../api/client";
import "./i18n";

interface Props {
  open: boolean;
  title: ReactNode;
  /** What will happen, in a sentence. */
  description?: ReactNode;
  okText?: string;
  danger?: boolean;
  onCancel: () => void;
  /** Makes the change; a thrown error is shown and the dialog stays open. */
  onConfirm: (reason: string) => Promise<void>;
}

export default function ReasonDialog({ open, title, description, okText, danger, onCancel, onConfirm }: Props) {
  const { t } = useTranslation("access");
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async ({ reason }: { reason: string }) => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
      form.resetFields();
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      okText={okText ?? t("common.confirm")}
      cancelText={t("common.cancel")}
      okButtonProps={{ danger, ...{ "data-action": "confirm-reason" } }}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={() => { setError(null); onCancel(); }}
      destroyOnHidden
    >
      {description && <Typography.Paragraph>{description}</Typography.Paragraph>}
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} preserve={false} name="reason-dialog">
        <Form.Item name="reason" label={t("common.reason")} extra={t("common.reasonHint")}
                   rules={[{ required: true, whitespace: true, message: t("common.reasonRequired") }]}>
          <Input.TextArea id="change-reason" rows={3} maxLength={2000} showCount autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}
