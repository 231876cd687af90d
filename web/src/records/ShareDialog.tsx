/** Share a record with a user, a role or a department (or its whole subtree), read or
 * read-write, optionally until a time, with a reason. */

import { Alert, DatePicker, Form, Input, Modal, Radio } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, describeError } from "../api/client";
import { apiPath } from "./fields";
import { DepartmentPicker, RolePicker, UserPicker } from "./PrincipalPickers";
import type { CatalogObject, PrincipalKind, RecordItem, Share } from "./types";

interface Props {
  obj: CatalogObject;
  record: RecordItem;
  open: boolean;
  onClose: () => void;
  onShared: (share: Share) => void;
}

interface Values {
  principal_kind: PrincipalKind;
  principal_id: number | null;
  access: "read" | "read_write";
  expires_at: Dayjs | null;
  reason: string;
}

export const PRINCIPAL_KINDS: PrincipalKind[] = ["user", "role", "department", "department_tree"];

export default function ShareDialog({ obj, record, open, onClose, onShared }: Props) {
  const { t } = useTranslation("records");
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch("principal_kind", form) ?? "user";
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const share = await api.post<Share>(apiPath(obj, record.id, "shares"), {
        principal_kind: v.principal_kind,
        principal_id: v.principal_id,
        access: v.access,
        expires_at: v.expires_at ? v.expires_at.toISOString() : null,
        reason: v.reason?.trim() || null,
      });
      form.resetFields();
      onShared(share);
    } catch (err) {
      setError(describeError(err, t, { object: obj.name }));
    } finally {
      setBusy(false);
    }
  };

  const picker = kind === "user" ? <UserPicker /> : kind === "role" ? <RolePicker /> : <DepartmentPicker />;

  return (
    <Modal
      open={open}
      title={t("share.title")}
      okText={t("share.ok")}
      cancelText={t("action.cancel")}
      onOk={() => form.submit()}
      confirmLoading={busy}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnClose
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form<Values>
        form={form}
        name="share"
        layout="vertical"
        onFinish={submit}
        preserve={false}
        initialValues={{ principal_kind: "user", access: "read", expires_at: null, reason: "" }}
        onValuesChange={(changed: Partial<Values>) => {
          if ("principal_kind" in changed) form.setFieldValue("principal_id", null);
        }}
      >
        <Form.Item name="principal_kind" label={t("share.with")}>
          <Radio.Group
            optionType="button"
            options={PRINCIPAL_KINDS.map((k) => ({ value: k, label: t(`share.kind.${k}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="principal_id"
          label={t(`share.pick.${kind}`)}
          rules={[{ required: true, message: t("share.pickRequired") }]}
        >
          {picker}
        </Form.Item>
        <Form.Item name="access" label={t("share.access")}>
          <Radio.Group
            options={[
              { value: "read", label: t("share.accessRead") },
              { value: "read_write", label: t("share.accessReadWrite") },
            ]}
          />
        </Form.Item>
        <Form.Item name="expires_at" label={t("share.expires")} extra={t("share.expiresHint")}>
          <DatePicker
            showTime={{ format: "HH:mm" }}
            format="YYYY-MM-DD HH:mm"
            disabledDate={(d) => d.isBefore(dayjs().startOf("day"))}
            style={{ width: "100%" }}
            placeholder={t("share.noExpiry")}
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t("share.reason")}
          rules={[{ max: 500, message: t("share.reasonTooLong") }]}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
