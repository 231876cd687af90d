// Conflicting role pairs (separation of duties): nobody may hold both roles of a pair.
// Read with manage_roles or view_audit; declared and removed with manage_roles, each with a
// reason. A pair that people hold both of already is allowed, and they are named.

import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Form, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { RoleSelect } from "../access/pickers";
import { UserName } from "../access/names";
import ChangeDialog from "../admin/ChangeDialog";
import type { ReasonValues } from "../admin/ChangeDialog";
import "../admin/i18n";
import { LoadFailed } from "../admin/LoadFailed";
import { useLoad } from "../admin/useLoad";
import { useMe } from "../auth/AuthContext";
import { useFormat } from "../i18n/format";
import { workflowApi } from "./api";
import "./i18n";
import type { RoleConflict } from "./types";
import { personName, useWords } from "./words";

interface AddValues extends ReasonValues {
  role_a_id: number | null;
  role_b_id: number | null;
}

type Dialog = { kind: "add" } | { kind: "remove"; pair: RoleConflict } | null;

export default function ConflictsPanel() {
  const { t } = useTranslation("workflow");
  const { message, modal } = App.useApp();
  const words = useWords();
  const fmt = useFormat();
  const may = useMe().permissions.includes("manage_roles");
  const list = useLoad(() => workflowApi.conflicts(), []);
  const [dialog, setDialog] = useState<Dialog>(null);

  if (list.error && !list.data) return <LoadFailed error={list.error} retry={() => void list.reload()} />;
  const pairName = (c: RoleConflict) => ({ a: words.role(c.role_a), b: words.role(c.role_b) });

  const columns: TableColumnsType<RoleConflict> = [
    {
      key: "pair", title: t("conflicts.pair"), width: 340,
      render: (_v, c) => (
        <Space size={4} wrap>
          <Tag color="blue">{words.role(c.role_a)}</Tag>⟷<Tag color="blue">{words.role(c.role_b)}</Tag>
        </Space>
      ),
    },
    { key: "reason", title: t("conflicts.reason"), render: (_v, c) => c.reason ?? "—" },
    {
      key: "holders", title: t("conflicts.holders"), width: 160,
      render: (_v, c) => (c.holders_of_both.length === 0
        ? <Typography.Text type="secondary">{t("conflicts.noHolders")}</Typography.Text>
        : <Typography.Text type="warning">{c.holders_of_both.map(personName).join(t("common.listSeparator"))}</Typography.Text>),
    },
    {
      key: "created", title: t("conflicts.created"), width: 200,
      render: (_v, c) => (
        <Space direction="vertical" size={0}>
          <span>{fmt.dateTime(c.created_at)}</span>
          {c.created_by && <Typography.Text type="secondary"><UserName id={c.created_by} /></Typography.Text>}
        </Space>
      ),
    },
  ];
  if (may) {
    columns.push({
      key: "actions", title: t("list.actions"), width: 100,
      render: (_v, c) => (
        <Button type="link" danger size="small" icon={<DeleteOutlined />} data-action="remove-pair"
                onClick={() => setDialog({ kind: "remove", pair: c })}>
          {t("conflicts.remove")}
        </Button>
      ),
    });
  }

  const added = (c: RoleConflict) => {
    setDialog(null);
    void list.reload();
    if (c.holders_of_both.length) {
      modal.warning({
        title: t("conflicts.saved"),
        content: t("conflicts.holdersWarn", { names: c.holders_of_both.map(personName).join(t("common.listSeparator")) }),
      });
    } else {
      message.success(t("conflicts.saved"));
    }
  };

  return (
    <Card data-testid="role-conflicts"
          extra={may && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: "add" })}
                    data-testid="add-conflict">
              {t("conflicts.add")}
            </Button>
          )}
          title={<Typography.Text type="secondary" style={{ fontWeight: "normal", whiteSpace: "normal" }}>
            {t("conflicts.intro")}</Typography.Text>}>
      <Table<RoleConflict> rowKey="id" size="middle" columns={columns} dataSource={list.data ?? []}
                           loading={list.loading} pagination={false}
                           locale={{ emptyText: t("conflicts.empty") }} />
      {dialog?.kind === "add" && <AddConflictDialog onClose={() => setDialog(null)} onDone={added} />}
      {dialog?.kind === "remove" && (
        <RemoveConflictDialog pair={dialog.pair} names={pairName(dialog.pair)} onClose={() => setDialog(null)}
                              onDone={() => { setDialog(null); message.success(t("conflicts.removed")); void list.reload(); }} />
      )}
    </Card>
  );
}

function AddConflictDialog({ onClose, onDone }: { onClose: () => void; onDone: (c: RoleConflict) => void }) {
  const { t } = useTranslation("workflow");
  const [form] = Form.useForm<AddValues>();
  const submit = async (v: AddValues) => {
    onDone(await workflowApi.createConflict({ role_a_id: v.role_a_id!, role_b_id: v.role_b_id!, reason: v.reason }));
  };
  return (
    <ChangeDialog<AddValues> open form={form} testId="add-conflict-dialog" title={t("conflicts.addTitle")}
                             initialValues={{ role_a_id: null, role_b_id: null }} submit={submit} onClose={onClose}>
      <Form.Item name="role_a_id" label={t("conflicts.roleA")} rules={[{ required: true, message: t("conflicts.roleRequired") }]}>
        <RoleSelect<number | null> data-testid="conflict-role-a" />
      </Form.Item>
      <Form.Item name="role_b_id" label={t("conflicts.roleB")} dependencies={["role_a_id"]}
                 rules={[{ required: true, message: t("conflicts.roleRequired") },
                         ({ getFieldValue }) => ({
                           validator: (_r, v) => (v && v === getFieldValue("role_a_id")
                             ? Promise.reject(new Error(t("conflicts.sameRole"))) : Promise.resolve()),
                         })]}>
        <RoleSelect<number | null> data-testid="conflict-role-b" />
      </Form.Item>
    </ChangeDialog>
  );
}

function RemoveConflictDialog({ pair, names, onClose, onDone }: {
  pair: RoleConflict; names: { a: string; b: string }; onClose: () => void; onDone: () => void;
}) {
  const { t } = useTranslation("workflow");
  const [form] = Form.useForm<ReasonValues>();
  return (
    <ChangeDialog<ReasonValues> open form={form} danger testId="remove-conflict-dialog"
                                title={t("conflicts.removeTitle", names)} okText={t("conflicts.remove")}
                                intro={<Alert type="info" showIcon message={t("conflicts.removeIntro")} />}
                                submit={async (v) => { await workflowApi.deleteConflict(pair, v.reason); onDone(); }}
                                onClose={onClose} />
  );
}
