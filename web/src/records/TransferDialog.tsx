/** Give a record to another user (shown only with the transfer action). */

import { Alert, Form, Modal } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ApiError, api, describeError } from "../api/client";
import { apiPath, objectNoun } from "./fields";
import { UserName } from "./names";
import { UserPicker } from "./PrincipalPickers";
import type { CatalogObject, RecordItem } from "./types";

interface Props {
  obj: CatalogObject;
  record: RecordItem;
  open: boolean;
  onClose: () => void;
  /** The record after the transfer. */
  onDone: (record: RecordItem) => void;
  /** The record changed since it was read: the page should reload it. */
  onStale: () => void;
}

export default function TransferDialog({ obj, record, open, onClose, onDone, onStale }: Props) {
  const { t, i18n } = useTranslation("records");
  const [form] = Form.useForm<{ owner_id: number | null }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async ({ owner_id }: { owner_id: number | null }) => {
    setBusy(true);
    setError(null);
    try {
      const after = await api.post<RecordItem>(apiPath(obj, record.id, "transfer"), {
        owner_id,
        version: record.version,
      });
      form.resetFields();
      onDone(after);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setError(t("transfer.stale"));
        onStale();
      } else {
        setError(describeError(err, t, { object: obj.name }));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t("transfer.title", { object: objectNoun(obj, i18n.language) })}
      okText={t("transfer.ok")}
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
      <p>
        {t("transfer.currentOwner")} <UserName id={record.owner_id} />
      </p>
      <Form form={form} name="transfer" layout="vertical" onFinish={submit} preserve={false}>
        <Form.Item
          name="owner_id"
          label={t("transfer.newOwner")}
          rules={[
            { required: true, message: t("transfer.chooseUser") },
            {
              validator: (_, v: number | null) =>
                v === record.owner_id
                  ? Promise.reject(new Error(t("transfer.sameOwner")))
                  : Promise.resolve(),
            },
          ]}
        >
          <UserPicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}
