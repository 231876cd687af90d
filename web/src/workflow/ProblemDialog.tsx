// "Report a problem" about one permission of mine (a row of the "My access" matrix, a field,
// a system permission, or my access in general): what is wrong, in my words; the report is
// a request to the administrators with the context (and the engine's explanation)
// attached. The answer links to the request it became.

import { Alert, Button, Descriptions, Form, Input, InputNumber, Modal, Result, Select } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { ACTIONS, OBJECT_ACTIONS, SYSTEM_PERMISSIONS } from "../access/constants";
import { describeError } from "../api/client";
import { fieldLabel, objectLabel } from "../catalog/labels";
import { countsChanged, workflowApi } from "./api";
import "./i18n";
import { requestPath } from "./paths";
import type { RequestDetail } from "./types";

export interface ProblemAbout {
  object?: string;
  action?: string;
  field?: string;
}

interface Values {
  action: string | null;
  record_id: number | null;
  message: string;
}

export default function ProblemDialog({ about, onClose }: { about: ProblemAbout; onClose: () => void }) {
  const { t, i18n } = useTranslation("workflow");
  const [form] = Form.useForm<Values>();
  const action = Form.useWatch("action", form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<RequestDetail | null>(null);
  const lang = i18n.language;
  const { object, field } = about;
  const permissionRow = !object && !!about.action;
  // actions one may ask about: record and object actions on an object, else system permissions
  const choices = object ? [...ACTIONS] : [...SYSTEM_PERMISSIONS];
  const recordAction = !!object && !field && !!action && !(OBJECT_ACTIONS as readonly string[]).includes(action);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await workflowApi.reportProblem({
        object: object ?? null, field: field ?? null,
        action: about.action ?? v.action ?? null,
        record_id: recordAction ? v.record_id ?? null : null,
        message: v.message.trim(),
      });
      countsChanged();
      setMade(answer);
    } catch (err) {
      setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };

  if (made) {
    return (
      <Modal open title={t("problem.title")} onCancel={onClose} destroyOnHidden
             footer={<Button type="primary" onClick={onClose}>{t("common.close")}</Button>}>
        <div data-testid="problem-sent">
          <Result status="success" title={t("problem.sent", { id: made.id })}
                  extra={<Link to={requestPath(made.id)} onClick={onClose} data-testid="problem-request-link">
                    {t("problem.openIt")} #{made.id}</Link>} />
        </div>
      </Modal>
    );
  }

  return (
    <Modal open title={t("problem.title")} okText={t("problem.send")} cancelText={t("common.cancel")}
           onOk={() => form.submit()} confirmLoading={busy} onCancel={onClose} destroyOnHidden
           okButtonProps={{ ...{ "data-testid": "problem-send" } }}>
      <div data-testid="problem-dialog">
        <Alert type="info" showIcon message={t("problem.intro")} style={{ marginBottom: 16 }} />
        {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
        <Descriptions size="small" column={1} bordered style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t("problem.about")}>
            <span data-testid="problem-about">
              {permissionRow ? t("about.permission", { permission: t(`common:permissions.${about.action}`, { defaultValue: about.action }) })
                : object ? objectLabel(object, lang) : t("problem.aboutNothing")}
            </span>
          </Descriptions.Item>
          {object && field && (
            <Descriptions.Item label={t("problem.field")}>{fieldLabel(object, field, lang)}</Descriptions.Item>
          )}
        </Descriptions>
        <Form<Values> form={form} layout="vertical" onFinish={submit} preserve={false}
                      initialValues={{ action: null, record_id: null, message: "" }}>
          {!permissionRow && !field && (
            <Form.Item name="action" label={t("problem.action")}>
              <Select allowClear placeholder={t("problem.actionAny")} data-testid="problem-action"
                      options={choices.map((a) => ({
                        value: a,
                        label: object ? t(`common:actions.${a}`, { defaultValue: a })
                          : t(`common:permissions.${a}`, { defaultValue: a }),
                      }))} />
            </Form.Item>
          )}
          {recordAction && (
            <Form.Item name="record_id" label={t("problem.recordId")}>
              <InputNumber min={1} max={2 ** 31 - 1} precision={0} style={{ width: 200 }} />
            </Form.Item>
          )}
          <Form.Item name="message" label={t("problem.message")} extra={t("problem.messageHint")}
                     rules={[{ required: true, whitespace: true, message: t("problem.messageRequired") }]}>
            <Input.TextArea rows={3} maxLength={2000} showCount autoFocus data-testid="problem-message" />
          </Form.Item>
        </Form>
      </div>
    </Modal>
  );
}
