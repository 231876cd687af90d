// `/requests/:id`: one request — what, for whom, why, for how long — with its approval
// steps, who may decide now, the preconditions as they stand, its history, and what the
// viewer may do with it.

import { ArrowLeftOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Col, Descriptions, Result, Row, Skeleton, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router-dom";

import ExplainResult from "../access/ExplainResult";
import type { Explanation } from "../access/types";
import "../admin/i18n";
import { LoadFailed } from "../admin/LoadFailed";
import { useLoad } from "../admin/useLoad";
import { ApiError } from "../api/client";
import { useMe } from "../auth/AuthContext";
import { useFormat } from "../i18n/format";
import { workflowApi } from "./api";
import "./i18n";
import RequestActions from "./RequestActions";
import { HistoryTimeline, PreconditionList, RequestSteps, StatusTag } from "./RequestParts";
import type { RequestDetail } from "./types";
import { personName, useWords } from "./words";

function isExplanation(value: unknown): value is Explanation {
  return !!value && typeof value === "object" && Array.isArray((value as Explanation).layers);
}

export default function RequestDetailPage() {
  const { t } = useTranslation("workflow");
  const { id } = useParams();
  const requestId = Number(id);
  const valid = Number.isInteger(requestId) && requestId > 0;
  const loaded = useLoad(() => (valid ? workflowApi.request(requestId) : Promise.reject(
    new ApiError(404, "not_found", "not found"))), [requestId, valid]);

  if (loaded.error && !loaded.data) {
    if (loaded.error instanceof ApiError && loaded.error.status === 404) {
      return (
        <div data-testid="request-not-found">
          <Result status="404" title={t("detail.title", { id: id ?? "?" })}
                  subTitle={t("detail.notFound", { id: id ?? "?" })} />
        </div>
      );
    }
    return <LoadFailed error={loaded.error} retry={() => void loaded.reload()} />;
  }
  if (!loaded.data) return <Card><Skeleton active paragraph={{ rows: 8 }} /></Card>;
  return <RequestView request={loaded.data} reload={() => void loaded.reload()} />;
}

function RequestView({ request: r, reload }: { request: RequestDetail; reload: () => void }) {
  const { t, i18n } = useTranslation("workflow");
  const words = useWords();
  const fmt = useFormat();
  const me = useMe();
  const navigate = useNavigate();
  const open = r.status === "pending" || r.status === "changes_requested";
  const decidable = r.can.approve || r.can.reject || r.can.request_changes;
  const explanation = r.context?.explanation;
  const someoneElse = r.beneficiary && r.requester && r.beneficiary.id !== r.requester.id;
  const overdue = r.status === "pending" && r.step_due_at && new Date(r.step_due_at).getTime() < Date.now();

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="request-detail"
           data-request={r.id} data-status={r.status} data-step={r.current_step}>
      <Space wrap style={{ width: "100%", justifyContent: "space-between" }}>
        <Space wrap align="center">
          <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t("detail.back")}
                  onClick={() => navigate(-1)} />
          <Typography.Title level={3} style={{ margin: 0 }}>{t("detail.title", { id: r.id })}</Typography.Title>
          <StatusTag status={r.status} />
          <Tag>{t(`kind.${r.kind}`)}</Tag>
        </Space>
      </Space>

      {decidable && <Alert type="info" showIcon message={t("detail.yourTurn")} />}
      {r.kind === "grant" && <Alert type="warning" showIcon message={t("detail.grantNote")} />}

      <Card>
        <Descriptions column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }} size="small"
                      styles={{ label: { whiteSpace: "nowrap" } }}>
          <Descriptions.Item label={t("detail.what")} span={2}>
            <Typography.Text strong data-testid="request-what">{words.title(r)}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("detail.requester")}>
            {personName(r.requester)}{r.requester?.id === me.id && ` (${t("common.you")})`}
          </Descriptions.Item>
          {someoneElse ? (
            <Descriptions.Item label={t("detail.beneficiary")}>{personName(r.beneficiary)}</Descriptions.Item>
          ) : (
            <Descriptions.Item label={t("detail.created")}>{fmt.dateTime(r.created_at)}</Descriptions.Item>
          )}
          {r.kind !== "problem" && (
            <Descriptions.Item label={t("detail.duration")}>
              <span data-testid="request-duration">{words.duration(r)}</span>
            </Descriptions.Item>
          )}
          {someoneElse && (
            <Descriptions.Item label={t("detail.created")}>{fmt.dateTime(r.created_at)}</Descriptions.Item>
          )}
          {r.status === "pending" && r.step_due_at && (
            <Descriptions.Item label={t("detail.due")}>
              {fmt.dateTime(r.step_due_at)}
              {overdue && <Tag color="error" style={{ marginInlineStart: 8 }}>{t("list.overdue")}</Tag>}
            </Descriptions.Item>
          )}
          {r.decided_at && (
            <Descriptions.Item label={t("detail.decided")}>{fmt.dateTime(r.decided_at)}</Descriptions.Item>
          )}
          <Descriptions.Item label={t("detail.reason")} span={2}>
            <Typography.Paragraph style={{ margin: 0, whiteSpace: "pre-wrap" }} data-testid="request-reason">
              {r.reason}
            </Typography.Paragraph>
          </Descriptions.Item>
        </Descriptions>
        <div style={{ marginTop: 12 }}>
          <RequestActions request={r} onChanged={reload} onStale={reload} />
        </div>
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t("detail.steps")} size="small" style={{ height: "100%" }}>
            <RequestSteps request={r} />
            {r.status === "pending" && (
              <div data-testid="current-approvers">
                <Typography.Text type="secondary">{t("detail.approvers")}: </Typography.Text>
                {r.current_approvers.length === 0 ? (
                  <Typography.Text type="warning">{t("detail.nobody")}</Typography.Text>
                ) : (
                  <Typography.Text>
                    {r.current_approvers.map(personName).join(t("common.listSeparator"))}
                    {r.current_approver_count > r.current_approvers.length
                      && ` ${t("detail.approversMore", { count: r.current_approver_count - r.current_approvers.length })}`}
                  </Typography.Text>
                )}
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t("detail.history")} size="small" style={{ height: "100%" }}>
            <HistoryTimeline request={r} history={r.history} />
          </Card>
        </Col>
      </Row>

      {open && (r.kind === "role" || r.kind === "record") && (
        <Card title={t("detail.preconditions")} size="small">
          {r.preconditions && r.preconditions.length > 0
            ? <PreconditionList items={r.preconditions} />
            : <Typography.Text type="secondary">{t("detail.noPreconditions")}</Typography.Text>}
        </Card>
      )}

      {r.kind === "problem" && isExplanation(explanation) && (
        <Card title={t("detail.explanation")} size="small" data-testid="problem-explanation">
          <ExplainResult result={explanation} userName={personName(r.requester)} key={i18n.language} />
        </Card>
      )}
    </Space>
  );
}
