/** Someone saved the record after this user opened it: what changed, and a Reload. */

import { Alert, Button, Modal, Table } from "antd";
import { useTranslation } from "react-i18next";

import FieldValue from "./FieldValue";
import { fieldLabel } from "./fields";
import type { CatalogField, RecordItem } from "./types";

interface Props {
  objectName: string;
  open: boolean;
  /** The record as the user started from. */
  base: RecordItem;
  /** The record as it is now, or null when it can no longer be read. */
  current: RecordItem | null;
  changed: CatalogField[];
  onReload: () => void;
  onCancel: () => void;
}

export default function ConflictDialog({
  objectName,
  open,
  base,
  current,
  changed,
  onReload,
  onCancel,
}: Props) {
  const { t, i18n } = useTranslation("records");
  const rows = changed.map((f) => ({ key: f.name, field: f }));
  return (
    <Modal
      open={open}
      title={t("conflict.title")}
      onCancel={onCancel}
      width={680}
      footer={[
        <Button key="cancel" onClick={onCancel}>
          {t("conflict.keepEditing")}
        </Button>,
        current && (
          <Button key="reload" type="primary" onClick={onReload}>
            {t("conflict.reload")}
          </Button>
        ),
      ]}
    >
      {current ? (
        <>
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            message={t("conflict.explain", { from: base.version, to: current.version })}
            description={t("conflict.reloadHint")}
          />
          {rows.length ? (
            <Table
              size="small"
              pagination={false}
              dataSource={rows}
              columns={[
                {
                  title: t("conflict.field"),
                  key: "f",
                  render: (_, r) => fieldLabel(r.field, i18n.language),
                },
                {
                  title: t("conflict.before"),
                  key: "b",
                  render: (_, r) => (
                    <FieldValue objectName={objectName} field={r.field} value={base[r.field.name]} compact />
                  ),
                },
                {
                  title: t("conflict.now"),
                  key: "n",
                  render: (_, r) => (
                    <FieldValue
                      objectName={objectName}
                      field={r.field}
                      value={current[r.field.name]}
                      compact
                    />
                  ),
                },
              ]}
            />
          ) : (
            <Alert type="info" message={t("conflict.noVisibleChange")} />
          )}
        </>
      ) : (
        <Alert type="error" showIcon message={t("conflict.gone")} />
      )}
    </Modal>
  );
}
