// Approval policies: the default in force (a saved default, or the built-in one) and each
// role's own; read with manage_roles or view_audit, created, changed and deleted with
// manage_roles, each with a reason.

import { DeleteOutlined, EditOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Descriptions, Form, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useRoles } from "../access/pickers";
import ChangeDialog from "../admin/ChangeDialog";
import type { ReasonValues } from "../admin/ChangeDialog";
import "../admin/i18n";
import { LoadFailed } from "../admin/LoadFailed";
import { useLoad } from "../admin/useLoad";
import { useMe } from "../auth/AuthContext";
import { workflowApi } from "./api";
import "./i18n";
import PolicyDialog from "./PolicyDialog";
import type { ApprovalPolicy, EffectivePolicy, PolicyStep } from "./types";
import { useWords } from "./words";

type Dialog =
  | { kind: "new"; isDefault: boolean }
  | { kind: "edit" | "delete"; policy: ApprovalPolicy }
  | null;

type Shown = Pick<EffectivePolicy, "steps" | "step_deadline_hours" | "on_deadline" | "required_courses"
  | "probation_days" | "max_days">;

function useStepText() {
  const words = useWords();
  const { items: roles } = useRoles();
  return (s: PolicyStep) => words.approver({
    approver: s.approver, permission: s.permission ?? null, user: null,
    role: s.role_id ? roles.find((r) => r.id === s.role_id) ?? null : null,
  });
}

/** A policy's steps in order: 1 the manager → 2 anyone with “Manage roles”. */
function StepsText({ steps }: { steps: PolicyStep[] }) {
  const text = useStepText();
  return (
    <Space size={[4, 4]} wrap data-testid="policy-steps">
      {steps.map((s, i) => (
        <span key={i}>
          {i > 0 && <span style={{ marginInlineEnd: 4 }}>→</span>}
          <Tag>{`${i + 1}. ${text(s)}`}</Tag>
        </span>
      ))}
    </Space>
  );
}

function Terms({ p }: { p: Shown }) {
  const { t } = useTranslation("workflow");
  return (
    <Space direction="vertical" size={0}>
      <Typography.Text>
        {t("policies.hours", { count: p.step_deadline_hours })} · {t(`policies.${p.on_deadline}`)}
      </Typography.Text>
      <Typography.Text type="secondary">
        {t("policies.courses")}: {p.required_courses.length ? p.required_courses.join(t("common.listSeparator")) : t("policies.noCourses")}
      </Typography.Text>
      {p.probation_days && (
        <Typography.Text type="secondary">{t("policies.probation")}: {t("policies.probationDays", { count: p.probation_days })}</Typography.Text>
      )}
      <Typography.Text type="secondary">
        {t("policies.maxDays")}: {p.max_days ? t("policies.maxDaysValue", { count: p.max_days }) : t("policies.unlimited")}
      </Typography.Text>
    </Space>
  );
}

export default function PoliciesPanel() {
  const { t } = useTranslation("workflow");
  const { message } = App.useApp();
  const words = useWords();
  const may = useMe().permissions.includes("manage_roles");
  const list = useLoad(() => workflowApi.policies(), []);
  const [dialog, setDialog] = useState<Dialog>(null);

  if (list.error && !list.data) return <LoadFailed error={list.error} retry={() => void list.reload()} />;
  const items = list.data?.items ?? [];
  const savedDefault = items.find((p) => p.role_id === null) ?? null;
  const rolePolicies = items.filter((p) => p.role_id !== null);
  const def = list.data?.default;
  const roleLabel = (p: ApprovalPolicy) => (p.role ? words.role(p.role) : t("policies.default"));
  const done = (text: string) => {
    setDialog(null);
    message.success(text);
    void list.reload();
  };

  const columns: TableColumnsType<ApprovalPolicy> = [
    { key: "role", title: t("policies.role"), width: 160, render: (_v, p) => <Typography.Text strong>{roleLabel(p)}</Typography.Text> },
    { key: "steps", title: t("policies.steps"), render: (_v, p) => <StepsText steps={p.steps} /> },
    { key: "terms", title: t("policies.terms"), width: 260, render: (_v, p) => <Terms p={p} /> },
  ];
  if (may) {
    columns.push({
      key: "actions", title: t("list.actions"), width: 150,
      render: (_v, p) => (
        <Space size={0}>
          <Button type="link" size="small" icon={<EditOutlined />} data-action="edit-policy"
                  onClick={() => setDialog({ kind: "edit", policy: p })}>{t("policies.edit")}</Button>
          <Button type="link" size="small" danger icon={<DeleteOutlined />} data-action="delete-policy"
                  onClick={() => setDialog({ kind: "delete", policy: p })}>{t("policies.delete")}</Button>
        </Space>
      ),
    });
  }

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="approval-policies">
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t("policies.intro")}</Typography.Paragraph>
      <Card size="small" loading={!def} data-testid="default-policy"
            title={<Space>{t("policies.defaultInForce")}{def?.source === "builtin" && <Tag>{t("policies.builtin")}</Tag>}</Space>}
            extra={may && (savedDefault ? (
              <Space size={0}>
                <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setDialog({ kind: "edit", policy: savedDefault })}>
                  {t("policies.edit")}
                </Button>
                <Button size="small" type="link" danger icon={<DeleteOutlined />}
                        onClick={() => setDialog({ kind: "delete", policy: savedDefault })}>
                  {t("policies.delete")}
                </Button>
              </Space>
            ) : (
              <Button size="small" icon={<PlusOutlined />} data-testid="new-default-policy"
                      onClick={() => setDialog({ kind: "new", isDefault: true })}>{t("policies.newDefault")}</Button>
            ))}>
        {def && (
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t("policies.steps")}><StepsText steps={def.steps} /></Descriptions.Item>
            <Descriptions.Item label={t("policies.terms")}><Terms p={def} /></Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Card size="small" title={t("policies.roleCard")}
            extra={may && (
              <Button type="primary" icon={<PlusOutlined />} data-testid="new-policy"
                      onClick={() => setDialog({ kind: "new", isDefault: false })}>{t("policies.new")}</Button>
            )}>
        <Table<ApprovalPolicy> rowKey="id" size="middle" columns={columns} dataSource={rolePolicies}
                               loading={list.loading} pagination={false} scroll={{ x: 760 }}
                               onRow={(p) => ({ "data-role": p.role?.key ?? "" }) as never}
                               locale={{ emptyText: t("policies.empty") }} />
      </Card>
      {dialog?.kind === "new" && (
        <PolicyDialog policy={null} start={def} isDefault={dialog.isDefault} roleLabel=""
                      taken={rolePolicies.map((p) => p.role_id as number)}
                      onClose={() => setDialog(null)} onReload={() => void list.reload()}
                      onDone={() => done(t("policies.created"))} />
      )}
      {dialog?.kind === "edit" && (
        <PolicyDialog policy={dialog.policy} roleLabel={roleLabel(dialog.policy)} taken={[]}
                      onClose={() => setDialog(null)} onReload={() => void list.reload()}
                      onDone={() => done(t("policies.saved"))} />
      )}
      {dialog?.kind === "delete" && (
        <DeletePolicyDialog policy={dialog.policy} roleLabel={roleLabel(dialog.policy)}
                            onClose={() => setDialog(null)} onReload={() => void list.reload()}
                            onDone={() => done(t("policies.deleted"))} />
      )}
    </Space>
  );
}

function DeletePolicyDialog({ policy, roleLabel, onClose, onDone, onReload }: {
  policy: ApprovalPolicy; roleLabel: string; onClose: () => void; onDone: () => void; onReload: () => void;
}) {
  const { t } = useTranslation("workflow");
  const [form] = Form.useForm<ReasonValues>();
  return (
    <ChangeDialog<ReasonValues> open form={form} danger testId="delete-policy-dialog"
                                title={t("policies.deleteTitle", { role: roleLabel })} okText={t("policies.delete")}
                                intro={<Alert type="info" showIcon message={t("policies.deleteIntro")} />}
                                submit={async (v) => { await workflowApi.deletePolicy(policy, v.reason); onDone(); }}
                                onClose={onClose} onReload={onReload} />
  );
}
