// A list of requests ("My requests", "To approve"): what, who, status, where it stands;
// a row opens to its history and preconditions with what the viewer may do, and links to
// the request's own page.

import { Alert, Col, Row, Skeleton, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { useLoad } from "../admin/useLoad";
import { describeError } from "../api/client";
import { useFormat } from "../i18n/format";
import { workflowApi } from "./api";
import "./i18n";
import { requestPath } from "./paths";
import RequestActions from "./RequestActions";
import { HistoryTimeline, PreconditionList, StatusTag } from "./RequestParts";
import type { AccessRequest } from "./types";
import { personName, useWords } from "./words";

interface Props {
  mode: "mine" | "approvals";
  rows: AccessRequest[];
  loading: boolean;
  /** After a decision in an opened row. */
  onChanged: () => void;
  empty: string;
}

function Expanded({ id, onChanged }: { id: number; onChanged: () => void }) {
  const { t } = useTranslation("workflow");
  const detail = useLoad(() => workflowApi.request(id), [id]);
  if (detail.error) return <Alert type="error" showIcon message={describeError(detail.error, t)} />;
  if (!detail.data) return <Skeleton active paragraph={{ rows: 3 }} />;
  const r = detail.data;
  const open = r.status === "pending" || r.status === "changes_requested";
  return (
    <div data-testid="request-expanded" data-request={r.id} style={{ padding: "4px 8px" }}>
      <Row gutter={[24, 12]}>
        <Col xs={24} lg={12}>
          <Typography.Text strong>{t("detail.reason")}</Typography.Text>
          <Typography.Paragraph style={{ whiteSpace: "pre-wrap" }}>{r.reason}</Typography.Paragraph>
          {open && r.preconditions && r.preconditions.length > 0 && (
            <>
              <Typography.Text strong>{t("detail.preconditions")}</Typography.Text>
              <PreconditionList items={r.preconditions} />
            </>
          )}
          <div style={{ marginTop: 8 }}>
            <RequestActions request={r} size="small" onStale={() => void detail.reload()}
                            onChanged={() => { void detail.reload(); onChanged(); }} />
          </div>
        </Col>
        <Col xs={24} lg={12}>
          <Typography.Text strong>{t("list.history")}</Typography.Text>
          <div style={{ marginTop: 12 }}>
            <HistoryTimeline request={r} history={r.history} />
          </div>
        </Col>
      </Row>
    </div>
  );
}

export default function RequestTable({ mode, rows, loading, onChanged, empty }: Props) {
  const { t } = useTranslation("workflow");
  const words = useWords();
  const fmt = useFormat();
  const now = Date.now();

  const where = (r: AccessRequest) => {
    const step = r.steps.find((s) => s.state === "current");
    if (!step) return <Typography.Text type="secondary">—</Typography.Text>;
    return (
      <Space direction="vertical" size={0}>
        <span>{words.approver(step)}</span>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {`${step.index + 1} / ${r.steps.length}`}
        </Typography.Text>
      </Space>
    );
  };

  const columns: TableColumnsType<AccessRequest> = [
    {
      key: "id", title: t("list.id"), width: 80,
      render: (_v, r) => <Link to={requestPath(r.id)} data-testid="request-link">#{r.id}</Link>,
    },
    {
      key: "what", title: t("list.what"), width: mode === "approvals" ? 240 : undefined,
      render: (_v, r) => (
        <Space direction="vertical" size={0}>
          <Link to={requestPath(r.id)}>{words.title(r)}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(`kind.${r.kind}`)}{r.kind !== "problem" && ` · ${words.duration(r)}`}
          </Typography.Text>
        </Space>
      ),
    },
  ];
  if (mode === "approvals") {
    columns.push({
      key: "requester", title: t("list.requester"), width: 120,
      render: (_v, r) => personName(r.requester),
    }, {
      key: "reason", title: t("list.reason"), ellipsis: true, width: 200,
      render: (_v, r) => r.reason,
    });
  } else {
    columns.push({
      key: "status", title: t("list.status"), width: 130,
      render: (_v, r) => <StatusTag status={r.status} />,
    });
  }
  columns.push({
    key: "step", title: t("list.step"), width: 190,
    render: (_v, r) => (r.status === "pending" ? where(r) : <Typography.Text type="secondary">—</Typography.Text>),
  });
  if (mode === "approvals") {
    columns.push({
      key: "due", title: t("list.due"), width: 170,
      render: (_v, r) => (
        <Space size={4} wrap>
          <span>{fmt.dateTime(r.step_due_at)}</span>
          {r.step_due_at && new Date(r.step_due_at).getTime() < now && <Tag color="error">{t("list.overdue")}</Tag>}
        </Space>
      ),
    });
  } else {
    columns.push({
      key: "created", title: t("list.created"), width: 170,
      render: (_v, r) => fmt.dateTime(r.created_at),
    });
  }

  return (
    <Table<AccessRequest>
      rowKey="id"
      size="middle"
      loading={loading}
      columns={columns}
      dataSource={rows}
      pagination={false}
      scroll={{ x: mode === "approvals" ? 1100 : 860 }}
      onRow={(r) => ({ "data-request": r.id, "data-status": r.status, "data-kind": r.kind }) as never}
      expandable={{ expandedRowRender: (r) => <Expanded id={r.id} onChanged={onChanged} /> }}
      locale={{ emptyText: empty }}
      data-testid={`requests-${mode}`}
    />
  );
}
