/** The dialog every administrative change goes through: the change's own fields, then
 * the reason (required: it is written to the audit log). A refused change stays open and
 * says why — on the named field for a 422, with a Reload for a stale version (409).
 * A change to access may be previewed first ("Preview impact": POST /access/what-if with
 * the very body saving sends, refused the same way). */

import { Alert, Button, Form, Input, Modal } from "antd";
import type { FormInstance } from "antd";
import type { ReactNode } from "react";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ApiError } from "../api/client";
import ImpactView from "../whatif/ImpactView";
import type { WhatIfChange } from "../whatif/types";
import { useImpact } from "../whatif/useImpact";
import { adminError, invalidField, invalidText, isStale } from "./errors";
import "./i18n"; // its strings, for screens outside administration that use it

export interface ReasonValues {
  reason: string;
}

interface Props<V extends ReasonValues> {
  open: boolean;
  title: ReactNode;
  okText?: string;
  danger?: boolean;
  form: FormInstance<V>;
  initialValues?: Partial<V>;
  /** Shown above the fields: what the change does. */
  intro?: ReactNode;
  children?: ReactNode;
  /** Makes the change; throws the API's refusal. */
  submit: (values: V) => Promise<void>;
  onClose: () => void;
  /** Offered when someone else changed the thing first (409 with a version). */
  onReload?: () => void;
  /** The form field an API path names (default: the path itself when the form has it). */
  fieldFor?: (path: string) => string | null;
  testId?: string;
  width?: number;
  /** The what-if question these values make (the body saving would send): offered as
   * "Preview impact" beside the OK button, its answer shown below the reason. */
  impact?: (values: V) => WhatIfChange;
}

export default function ChangeDialog<V extends ReasonValues>({
  open, title, okText, danger, form, initialValues, intro, children, submit, onClose,
  onReload, fieldFor, testId, width, impact,
}: Props<V>) {
  const { t } = useTranslation("admin");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ text: string; stale: boolean } | null>(null);
  const preview = useImpact();

  const close = () => {
    setProblem(null);
    onClose();
  };

  /** Runs the change (or its preview); a refusal is shown on its field or above. */
  const attempt = async (action: () => Promise<void>) => {
    setProblem(null);
    try {
      await action();
    } catch (err) {
      const path = invalidField(err);
      const name = path ? (fieldFor ? fieldFor(path) : path) : null;
      const shown = Object.keys(form.getFieldsValue() as object);
      if (path && name && err instanceof ApiError && shown.includes(name)) {
        form.setFields([{ name: name as never, errors: [invalidText(err, path, t)] }]);
      } else if (isStale(err)) {
        setProblem({ text: t("stale.text", { version: err.details.current_version }), stale: true });
      } else {
        setProblem({
          text: path && err instanceof ApiError ? invalidText(err, path, t) : adminError(err, t),
          stale: false,
        });
      }
    }
  };

  const finish = async (values: V) => {
    setBusy(true);
    await attempt(async () => {
      await submit({ ...values, reason: values.reason.trim() });
      close(); // the next opening starts afresh: the form is destroyed with the dialog
    });
    setBusy(false);
  };

  const previewImpact = async () => {
    if (!impact) return;
    const values = await form.validateFields().catch(() => null);
    if (values) await attempt(() => preview.run(impact({ ...values, reason: values.reason.trim() })));
  };

  return (
    <Modal
      open={open}
      title={title}
      okText={okText ?? t("common.save")}
      cancelText={t("common.cancel")}
      okButtonProps={{ danger, "data-testid": "change-ok" } as never}
      onOk={() => form.submit()}
      confirmLoading={busy}
      onCancel={close}
      destroyOnHidden
      width={impact && (preview.answer || preview.loading) ? Math.max(width ?? 0, 860) : width}
      footer={impact ? (buttons) => (
        <>
          <Button onClick={() => void previewImpact()} loading={preview.loading && !preview.answer}
                  data-testid="preview-impact" style={{ float: "inline-start" }}>
            {t("whatif:preview")}
          </Button>
          {buttons}
        </>
      ) : undefined}
    >
      <div data-testid={testId}>
        {intro && <div style={{ marginBottom: 16 }}>{intro}</div>}
        {problem && (
          <Alert
            type={problem.stale ? "warning" : "error"}
            showIcon
            role="alert"
            data-testid="change-problem"
            message={problem.stale ? t("stale.title") : problem.text}
            description={problem.stale ? problem.text : undefined}
            action={problem.stale && onReload ? (
              <Button size="small" onClick={() => { close(); onReload(); }}>
                {t("stale.reload")}
              </Button>
            ) : undefined}
            style={{ marginBottom: 16 }}
          />
        )}
        <Form<V> form={form} layout="vertical" onFinish={finish} initialValues={initialValues}
                 preserve={false}
                 onValuesChange={(changed: object) => {
                   // another change than the one previewed: its answer no longer holds
                   if (Object.keys(changed).some((k) => k !== "reason")) preview.clear();
                 }}>
          {children}
          <Form.Item
            name="reason"
            label={t("common.reason")}
            extra={t("common.reasonHint")}
            rules={[{ required: true, whitespace: true, message: t("common.reasonRequired") }]}
          >
            <Input.TextArea rows={2} maxLength={2000} showCount data-testid="reason" />
          </Form.Item>
        </Form>
        {impact && <ImpactView impact={preview} />}
      </div>
    </Modal>
  );
}
