// Certify or revoke one review item (or certify several, one call each, with progress).
// Revoking needs a reason and ends the grant at once; certifying takes an optional note.

import { Alert, Form, Input, Modal, Progress, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { describeError } from "../api/client";
import { useFormat } from "../i18n/format";
import { reviewsApi } from "./api";
import "./i18n";
import { GrantText, PersonText } from "./parts";
import type { Item } from "./types";

export type Decision = "certify" | "revoke";

interface Props {
  decision: Decision;
  items: Item[];
  onClose: () => void;
  /** After the calls, with those that went through (some may have been refused). */
  onDone: (decided: Item[]) => void;
}

export default function DecisionDialog({ decision, items, onClose, onDone }: Props) {
  const { t } = useTranslation("reviews");
  const fmt = useFormat();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(0);
  const [failures, setFailures] = useState<{ item: Item; error: string }[]>([]);
  const revoke = decision === "revoke";
  const one = items.length === 1 ? items[0] : undefined;

  const run = async ({ reason }: { reason?: string }) => {
    const why = reason?.trim() || null;
    setBusy(true);
    setDone(0);
    setFailures([]);
    const decided: Item[] = [];
    const failed: { item: Item; error: string }[] = [];
    // one call per item, in turn: the API decides items one at a time
    for (const item of items) {
      try {
        decided.push(revoke ? await reviewsApi.revoke(item, why ?? "") : await reviewsApi.certify(item, why));
      } catch (err) {
        failed.push({ item, error: describeError(err, t) });
      }
      setDone((n) => n + 1);
    }
    setBusy(false);
    setFailures(failed);
    if (!failed.length) onClose();
    onDone(decided);
  };

  const title = one
    ? t(revoke ? "decide.revokeTitle" : "decide.certifyTitle")
    : t("decide.certifyManyTitle", { count: items.length, n: fmt.number(items.length) });

  return (
    <Modal open title={title} onCancel={onClose} destroyOnHidden
           okText={t(revoke ? "decide.revokeOk" : "decide.certifyOk")}
           cancelText={t(failures.length ? "decide.closeFailures" : "decide.cancel")}
           okButtonProps={{ danger: revoke, disabled: failures.length > 0, "data-testid": "decision-ok" } as never}
           confirmLoading={busy} onOk={() => form.submit()}>
      <div data-testid="decision-dialog" data-decision={decision}>
        {one ? (
          <Typography.Paragraph>
            <PersonText person={one.user} />
            <br />
            <GrantText item={one} />
          </Typography.Paragraph>
        ) : (
          <Typography.Paragraph>{t("decide.many", { n: fmt.number(items.length) })}</Typography.Paragraph>
        )}
        <Alert type={revoke ? "warning" : "info"} showIcon style={{ marginBottom: 16 }}
               message={t(revoke ? (one?.kind === "share" ? "decide.revokeShareEffect" : "decide.revokeRoleEffect")
                 : "decide.certifyEffect")} />
        {(busy || failures.length > 0) && items.length > 1 && (
          <Progress percent={Math.round((done / items.length) * 100)} data-testid="decision-progress"
                    format={() => `${fmt.number(done)}/${fmt.number(items.length)}`} />
        )}
        {failures.length > 0 && (
          <Alert type="error" showIcon style={{ marginBottom: 16 }} data-testid="decision-failures"
                 message={t("decide.failed", { n: fmt.number(failures.length) })}
                 description={(
                   <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                     {failures.map(({ item, error }) => (
                       <li key={item.id}><GrantText item={item} />: {error}</li>
                     ))}
                   </ul>
                 )} />
        )}
        <Form form={form} layout="vertical" onFinish={run} preserve={false} name="decision">
          <Form.Item name="reason" label={t(revoke ? "decide.reason" : "decide.note")}
                     extra={t(revoke ? "decide.reasonHint" : "decide.noteHint")}
                     rules={revoke ? [{ required: true, whitespace: true, message: t("decide.reasonRequired") }] : []}>
            <Input.TextArea id="decision-reason" rows={2} maxLength={2000} showCount autoFocus />
          </Form.Item>
        </Form>
      </div>
    </Modal>
  );
}
