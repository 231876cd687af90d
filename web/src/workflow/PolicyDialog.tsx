// Create or change an approval policy: for a role (or the default one), its ordered
// approver steps — the manager, the department head, holders of a system permission,
// holders of a named role — each step's deadline and what happens at it, the training
// required, the probation period and the longest grant; with the reason.

import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { SYSTEM_PERMISSIONS } from "../access/constants";
import { RoleSelect } from "../access/pickers";
import ChangeDialog from "../admin/ChangeDialog";
import type { ReasonValues } from "../admin/ChangeDialog";
import "../admin/i18n";
import { workflowApi } from "./api";
import type { PolicyValues } from "./api";
import "./i18n";
import type { ApprovalPolicy, ApproverKind, EffectivePolicy, PolicyStep } from "./types";

const STEP_KINDS: ApproverKind[] = ["manager", "department_head", "permission", "role"];

interface StepValues {
  approver: ApproverKind;
  permission?: string | null;
  role_id?: number | null;
}

interface Values extends ReasonValues {
  role_id: number | null;
  steps: StepValues[];
  step_deadline_hours: number;
  on_deadline: "escalate" | "expire";
  required_courses: string[];
  probation_days: number | null;
  max_days: number | null;
  description: string;
}

function stepBody(s: StepValues): PolicyStep {
  if (s.approver === "permission") return { approver: s.approver, permission: s.permission ?? null };
  if (s.approver === "role") return { approver: s.approver, role_id: s.role_id ?? null };
  return { approver: s.approver };
}

interface Props {
  /** The policy changed; null to create one (for `roleId`, or the default one). */
  policy: ApprovalPolicy | null;
  /** Creating: a first version to start from (the default in force). */
  start?: EffectivePolicy;
  /** Creating the default policy (no role to choose). */
  isDefault?: boolean;
  /** Roles that have a policy already (not offered when creating). */
  taken: number[];
  roleLabel: string;
  onClose: () => void;
  onDone: () => void;
  onReload: () => void;
}

export default function PolicyDialog({ policy, start, isDefault, taken, roleLabel, onClose, onDone, onReload }: Props) {
  const { t } = useTranslation("workflow");
  const [form] = Form.useForm<Values>();
  const from = policy ?? start;
  const initial: Partial<Values> = {
    role_id: policy?.role_id ?? null,
    steps: (from?.steps ?? [{ approver: "manager" }]).map((s) => ({
      approver: (s.approver ?? "manager") as ApproverKind, permission: s.permission ?? null, role_id: s.role_id ?? null,
    })),
    step_deadline_hours: from?.step_deadline_hours ?? 72,
    on_deadline: from?.on_deadline ?? "escalate",
    required_courses: from?.required_courses ?? [],
    probation_days: from?.probation_days ?? null,
    max_days: from?.max_days ?? null,
    description: policy?.description ?? "",
  };

  const submit = async (v: Values) => {
    const body: Omit<PolicyValues, "role_id"> & { reason: string } = {
      steps: v.steps.map(stepBody),
      step_deadline_hours: v.step_deadline_hours,
      on_deadline: v.on_deadline,
      required_courses: v.required_courses ?? [],
      probation_days: v.probation_days ?? null,
      max_days: v.max_days ?? null,
      description: v.description?.trim() || null,
      reason: v.reason,
    };
    if (policy) await workflowApi.updatePolicy(policy, body);
    else await workflowApi.createPolicy({ ...body, role_id: isDefault ? null : v.role_id });
    onDone();
  };

  const title = policy ? t("policies.editTitle", { role: roleLabel })
    : isDefault ? t("policies.newDefault") : t("policies.newTitle");
  return (
    <ChangeDialog<Values> open form={form} width={720} testId="policy-dialog" title={title}
                          initialValues={initial} submit={submit} onClose={onClose} onReload={onReload}
                          intro={<Alert type="info" showIcon message={t("policies.adminNote")} />}>
      {!policy && !isDefault && (
        <Form.Item name="role_id" label={t("policies.role")}
                   rules={[{ required: true, message: t("conflicts.roleRequired") },
                           { validator: (_r, v) => (v && taken.includes(v) ? Promise.reject(new Error(t("policies.taken"))) : Promise.resolve()) }]}>
          <RoleSelect<number | null> data-testid="policy-role" />
        </Form.Item>
      )}
      <Typography.Text strong>{t("policies.stepsEditor")}</Typography.Text>
      <Form.List name="steps">
        {(fields, { add, remove, move }) => (
          <Space direction="vertical" style={{ width: "100%", margin: "8px 0 16px" }} data-testid="steps-editor">
            {fields.map((field, i) => (
              <Card key={field.key} size="small" data-step={i}>
                <Row gutter={8} align="top" wrap={false}>
                  <Col flex="auto">
                    <Form.Item name={[field.name, "approver"]} label={t("policies.approverKind", { n: i + 1 })}
                               style={{ marginBottom: 8 }} rules={[{ required: true }]}>
                      <Select data-testid={`step-${i}-approver`}
                              options={STEP_KINDS.map((k) => ({ value: k, label: t(`policies.approverKinds.${k}`) }))} />
                    </Form.Item>
                    <Form.Item noStyle shouldUpdate>
                      {({ getFieldValue }) => {
                        const kind = getFieldValue(["steps", field.name, "approver"]) as ApproverKind;
                        if (kind === "permission") {
                          return (
                            <Form.Item name={[field.name, "permission"]} label={t("policies.permission")}
                                       style={{ marginBottom: 0 }}
                                       rules={[{ required: true, message: t("policies.permissionRequired") }]}>
                              <Select data-testid={`step-${i}-permission`}
                                      options={SYSTEM_PERMISSIONS.map((p) => ({
                                        value: p, label: t(`common:permissions.${p}`, { defaultValue: p }),
                                      }))} />
                            </Form.Item>
                          );
                        }
                        if (kind === "role") {
                          return (
                            <Form.Item name={[field.name, "role_id"]} label={t("policies.stepRole")}
                                       style={{ marginBottom: 0 }}
                                       rules={[{ required: true, message: t("policies.stepRoleRequired") }]}>
                              <RoleSelect<number | null> data-testid={`step-${i}-role`} />
                            </Form.Item>
                          );
                        }
                        return null;
                      }}
                    </Form.Item>
                  </Col>
                  <Col flex="none" style={{ paddingTop: 30 }}>
                    <Space size={0}>
                      <Button type="text" icon={<ArrowUpOutlined />} disabled={i === 0}
                              aria-label={t("policies.moveUp")} onClick={() => move(i, i - 1)} />
                      <Button type="text" icon={<ArrowDownOutlined />} disabled={i === fields.length - 1}
                              aria-label={t("policies.moveDown")} onClick={() => move(i, i + 1)} />
                      <Button type="text" danger icon={<DeleteOutlined />} disabled={fields.length === 1}
                              aria-label={t("policies.removeStep")} onClick={() => remove(field.name)} />
                    </Space>
                  </Col>
                </Row>
              </Card>
            ))}
            {fields.length < 10 && (
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ approver: "manager" })}
                      data-testid="add-step" block>
                {t("policies.addStep")}
              </Button>
            )}
          </Space>
        )}
      </Form.List>
      <Row gutter={16}>
        <Col xs={24} sm={12}>
          <Form.Item name="step_deadline_hours" label={t("policies.deadlineHours")} rules={[{ required: true }]}>
            <InputNumber min={1} max={24 * 90} precision={0} style={{ width: "100%" }} data-testid="policy-hours" />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="on_deadline" label={t("policies.onDeadline")}>
            <Radio.Group>
              <Radio value="escalate">{t("policies.escalate")}</Radio>
              <Radio value="expire">{t("policies.expire")}</Radio>
            </Radio.Group>
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="required_courses" label={t("policies.courses")} extra={t("policies.coursesHint")}>
        <Select mode="tags" tokenSeparators={[","]} open={false} suffixIcon={null} data-testid="policy-courses"
                placeholder={t("policies.optional")} />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} sm={12}>
          <Form.Item name="probation_days" label={t("policies.probationDaysLabel")}>
            <InputNumber min={1} max={3650} precision={0} style={{ width: "100%" }} placeholder={t("policies.optional")} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="max_days" label={t("policies.maxDaysLabel")} extra={t("policies.maxDaysHint")}>
            <InputNumber min={1} max={3650} precision={0} style={{ width: "100%" }} placeholder={t("policies.optional")} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="description" label={t("policies.description")}>
        <Input.TextArea rows={2} maxLength={4000} />
      </Form.Item>
    </ChangeDialog>
  );
}
