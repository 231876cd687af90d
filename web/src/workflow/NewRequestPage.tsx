// `/requests/new`: ask for a role (for good, for a number of days from approval, or until a
// date) or for access to one record, with the reason. While the form is filled in, the
// same evaluation the server makes (POST /requests/check) shows each precondition passed
// or failed, in words, and who will decide; a request that cannot pass is not sent.

import { CheckCircleOutlined, CloseCircleOutlined, ReloadOutlined, SendOutlined } from "@ant-design/icons";
import {
  Alert, App, Button, Card, Col, DatePicker, Form, Input, InputNumber, Radio, Row, Select, Space, Spin,
  Typography,
} from "antd";
import dayjs from "dayjs";
import type { Dayjs } from "dayjs";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { RoleSelect } from "../access/pickers";
import { ApiError, describeError } from "../api/client";
import { useCatalog } from "../catalog/CatalogContext";
import { objectLabel } from "../catalog/labels";
import { countsChanged, workflowApi } from "./api";
import "./i18n";
import { requestPath } from "./paths";
import { ApproverChain, PreconditionList } from "./RequestParts";
import type { Precondition, RequestCheck, RequestInput, ShareAccess } from "./types";

type Limit = "none" | "days" | "until";

interface Values {
  kind: "role" | "record";
  role_id: number | null;
  limit: Limit;
  days: number | null;
  until: Dayjs | null;
  object: string | null;
  record_id: number | null;
  access: ShareAccess;
  reason: string;
}

/** The body the form asks for, or null while it is not complete enough to check. */
function input(v: Partial<Values>): RequestInput | null {
  if (v.kind === "role") {
    if (!v.role_id) return null;
    const body: RequestInput = { kind: "role", role_id: v.role_id };
    if (v.limit === "days") {
      if (!v.days) return null;
      body.days = v.days;
    }
    if (v.limit === "until") {
      if (!v.until) return null;
      body.ends_at = v.until.toISOString();
    }
    return body;
  }
  if (v.kind === "record") {
    if (!v.object || !v.record_id || !v.access) return null;
    const body: RequestInput = { kind: "record", object: v.object, record_id: v.record_id, access: v.access };
    if (v.limit === "until" && v.until) body.ends_at = v.until.toISOString();
    return body;
  }
  return null;
}

const FIELD_OF: Partial<Record<string, keyof Values>> = {
  role_id: "role_id", days: "days", ends_at: "until", object: "object", record_id: "record_id",
  access: "access", reason: "reason",
};

type CheckState =
  | { state: "idle" }
  | { state: "checking" }
  | { state: "done"; check: RequestCheck }
  | { state: "failed"; error: unknown };

export default function NewRequestPage() {
  const { t, i18n } = useTranslation("workflow");
  const { message } = App.useApp();
  const { objects } = useCatalog();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Values>();
  const values = Form.useWatch([], form) as Partial<Values> | undefined;
  const [check, setCheck] = useState<CheckState>({ state: "idle" });
  const [refused, setRefused] = useState<Precondition[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ticket = useRef(0);

  const initial = useMemo<Values>(() => {
    const role = Number(params.get("role"));
    const record = Number(params.get("record"));
    const object = params.get("object");
    return {
      kind: object ? "record" : "role",
      role_id: Number.isInteger(role) && role > 0 ? role : null,
      limit: "none", days: null, until: null,
      object, record_id: Number.isInteger(record) && record > 0 ? record : null,
      access: params.get("access") === "read_write" ? "read_write" : "read", reason: "",
    };
  }, [params]);

  const body = values ? input(values) : null;
  const [round, setRound] = useState(0);
  const key = `${JSON.stringify(body)}#${round}`;
  useEffect(() => {
    setRefused(null);
    if (!body) {
      setCheck({ state: "idle" });
      return undefined;
    }
    const mine = ++ticket.current;
    setCheck({ state: "checking" });
    const timer = window.setTimeout(() => {
      workflowApi.check(body).then(
        (answer) => { if (mine === ticket.current) setCheck({ state: "done", check: answer }); },
        (error: unknown) => { if (mine === ticket.current) setCheck({ state: "failed", error }); },
      );
    }, 300);
    return () => window.clearTimeout(timer);
    // the body is compared by its JSON
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const submit = async (v: Values) => {
    const request = input(v);
    if (!request) return;
    setBusy(true);
    setProblem(null);
    setRefused(null);
    try {
      const made = await workflowApi.create({ ...request, reason: v.reason.trim() });
      countsChanged();
      message.success(t("new.sent", { id: made.id }));
      navigate(requestPath(made.id));
    } catch (err) {
      if (err instanceof ApiError && err.type === "validation.preconditions"
          && Array.isArray(err.details.preconditions)) {
        setRefused(err.details.preconditions as Precondition[]);
      } else if (err instanceof ApiError && err.code === "invalid"
                 && typeof err.details.field === "string" && FIELD_OF[err.details.field]) {
        const name = FIELD_OF[err.details.field] as keyof Values;
        form.setFields([{ name, errors: [describeError(err, t)] }]);
      } else {
        setProblem(describeError(err, t));
      }
    } finally {
      setBusy(false);
    }
  };

  const kind = values?.kind ?? initial.kind;
  const limit = values?.limit ?? "none";
  const answer = check.state === "done" ? check.check : null;
  const blocked = !!answer && !answer.ok;
  const maxDays = answer?.policy?.max_days ?? null;

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="new-request-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t("new.title")}</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t("new.intro")}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={13}>
          <Card>
            {problem && <Alert type="error" showIcon role="alert" message={problem} style={{ marginBottom: 16 }}
                               data-testid="request-problem" />}
            <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={submit}
                          name="new-request">
              <Form.Item name="kind" label={t("new.kind")}>
                <Radio.Group optionType="button" buttonStyle="solid" data-testid="request-kind"
                             onChange={() => form.setFieldsValue({ limit: "none" })}>
                  <Radio.Button value="role">{t("new.kindRole")}</Radio.Button>
                  <Radio.Button value="record">{t("new.kindRecord")}</Radio.Button>
                </Radio.Group>
              </Form.Item>
              {kind === "role" ? (
                <Form.Item name="role_id" label={t("new.role")} rules={[{ required: true, message: t("new.roleRequired") }]}>
                  <RoleSelect<number | null> data-testid="request-role" />
                </Form.Item>
              ) : (
                <>
                  <Row gutter={12}>
                    <Col xs={24} sm={12}>
                      <Form.Item name="object" label={t("new.object")}
                                 rules={[{ required: true, message: t("new.objectRequired") }]}>
                        <Select data-testid="request-object" showSearch optionFilterProp="label"
                                options={objects.map((o) => ({ value: o.name, label: objectLabel(o.name, i18n.language) }))} />
                      </Form.Item>
                    </Col>
                    <Col xs={24} sm={12}>
                      <Form.Item name="record_id" label={t("new.recordId")} extra={t("new.recordIdHint")}
                                 rules={[{ required: true, message: t("new.recordIdRequired") }]}>
                        <InputNumber min={1} max={2 ** 31 - 1} precision={0} style={{ width: "100%" }}
                                     data-testid="request-record" />
                      </Form.Item>
                    </Col>
                  </Row>
                  <Form.Item name="access" label={t("new.access")}>
                    <Radio.Group data-testid="request-access">
                      <Radio value="read">{t("what.access.read")}</Radio>
                      <Radio value="read_write">{t("what.access.read_write")}</Radio>
                    </Radio.Group>
                  </Form.Item>
                </>
              )}
              <Form.Item name="limit" label={t("new.limit")} extra={maxDays ? t("new.maxDays", { count: maxDays }) : undefined}>
                <Radio.Group data-testid="request-limit">
                  <Radio value="none">{t("new.limitNone")}</Radio>
                  {kind === "role" && <Radio value="days">{t("new.limitDays")}</Radio>}
                  <Radio value="until">{t("new.limitUntil")}</Radio>
                </Radio.Group>
              </Form.Item>
              {limit === "days" && kind === "role" && (
                <Form.Item name="days" label={t("new.days")} extra={t("new.daysHint")}
                           rules={[{ required: true, message: t("new.daysRequired") }]}>
                  <InputNumber min={1} max={maxDays ?? 3650} precision={0} style={{ width: 160 }}
                               data-testid="request-days" />
                </Form.Item>
              )}
              {limit === "until" && (
                <Form.Item name="until" label={t("new.until")} rules={[{ required: true, message: t("new.untilRequired") }]}>
                  <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" data-testid="request-until"
                              disabledDate={(d) => d.isBefore(dayjs(), "day")} />
                </Form.Item>
              )}
              <Form.Item name="reason" label={t("new.reason")} extra={t("new.reasonHint")}
                         rules={[{ required: true, whitespace: true, message: t("new.reasonRequired") }]}>
                <Input.TextArea rows={3} maxLength={2000} showCount data-testid="request-reason" />
              </Form.Item>
              <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={busy}
                      disabled={blocked} data-testid="send-request">
                {t("new.submit")}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={11}>
          <ChecksCard check={check} refused={refused} onAgain={body ? () => setRound((r) => r + 1) : undefined} />
        </Col>
      </Row>
    </Space>
  );
}

function ChecksCard({ check, refused, onAgain }: { check: CheckState; refused: Precondition[] | null;
                                                  onAgain?: () => void }) {
  const { t } = useTranslation("workflow");
  const answer = check.state === "done" ? check.check : null;
  const items = refused ?? answer?.preconditions ?? [];
  const failing = items.some((p) => !p.passed);
  return (
    <Card title={t("new.checks")} data-testid="request-checks"
          extra={onAgain && (
            <Button size="small" icon={<ReloadOutlined />} onClick={onAgain} data-testid="check-again">
              {t("new.checkAgain")}
            </Button>
          )}
          data-state={check.state} data-ok={answer ? String(answer.ok) : undefined}>
      {check.state === "idle" && !refused && <Typography.Text type="secondary">{t("new.checkHint")}</Typography.Text>}
      {check.state === "checking" && <Spin tip={t("new.checking")}><div style={{ height: 48 }} /></Spin>}
      {check.state === "failed" && (
        <Alert type="warning" showIcon data-testid="check-failed"
               message={t("new.checkFailed", { error: describeError(check.error, t) })} />
      )}
      {(answer || refused) && (
        <Space direction="vertical" style={{ width: "100%" }}>
          {answer?.already_held && <Alert type="info" showIcon message={t("new.alreadyHeld")} />}
          {answer?.open_request_id && (
            <Alert type="info" showIcon message={<>
              {t("new.openRequest")} <Link to={requestPath(answer.open_request_id)}>#{answer.open_request_id}</Link>
            </>} />
          )}
          {items.length > 0 && (
            <>
              {failing
                ? <Typography.Text type="danger"><CloseCircleOutlined /> {t("new.someFail")}</Typography.Text>
                : <Typography.Text type="success"><CheckCircleOutlined /> {t("new.allPass")}</Typography.Text>}
              <PreconditionList items={items} />
            </>
          )}
          {answer && answer.steps.length > 0 && (
            <>
              <Typography.Text strong>{t("new.chain")}</Typography.Text>
              <ApproverChain steps={answer.steps} />
              {answer.policy && (
                <Typography.Text type="secondary">
                  {t("new.stepDeadline", {
                    count: answer.policy.step_deadline_hours, then: t(`new.then.${answer.policy.on_deadline}`),
                  })}
                </Typography.Text>
              )}
            </>
          )}
        </Space>
      )}
    </Card>
  );
}
