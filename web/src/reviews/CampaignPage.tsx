// `/reviews/:id`: one campaign — what it reviews, its deadline, progress overall and per
// reviewer, the items (filtered, decided here by those who may), the report, the export,
// and closing it early (run_reviews).

import { ArrowLeftOutlined, ReloadOutlined, StopOutlined } from "@ant-design/icons";
import {
  App, Button, Card, Col, Descriptions, Result, Row, Space, Statistic, Table, Tabs, Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router-dom";

import Gate from "../access/Gate";
import { ApiError } from "../api/client";
import { LoadFailed } from "../admin/LoadFailed";
import { useLoad } from "../admin/useLoad";
import { useMe } from "../auth/AuthContext";
import { useFormat } from "../i18n/format";
import { reviewsApi } from "./api";
import CloseCampaignDialog from "./CloseCampaignDialog";
import ExportButton from "./ExportButton";
import "./i18n";
import ItemsTable from "./ItemsTable";
import { DeadlineText, PersonText, ProgressBar, ScopeText, StatusTag } from "./parts";
import { REVIEWS_PATH, REVIEW_READERS } from "./paths";
import ReportView from "./ReportView";
import type { ReviewerProgress } from "./types";

type Tab = "progress" | "items" | "report";

export default function CampaignPage() {
  return <Gate anyOf={REVIEW_READERS}><CampaignScreen /></Gate>;
}

function CampaignScreen() {
  const { t } = useTranslation("reviews");
  const fmt = useFormat();
  const { message } = App.useApp();
  const id = Number(useParams().id);
  const [params, setParams] = useSearchParams();
  const tab = (["progress", "items", "report"].includes(params.get("tab") ?? "") ? params.get("tab") : "progress") as Tab;
  const mayRun = useMe().permissions.includes("run_reviews");
  const [closing, setClosing] = useState(false);
  const loaded = useLoad(() => reviewsApi.campaign(id), [id]);
  const campaign = loaded.data;

  if (!Number.isInteger(id) || id < 1 || (loaded.error instanceof ApiError && loaded.error.status === 404)) {
    return <Result status="404" title={t("campaign.notFound")}
                   extra={<Link to={REVIEWS_PATH}>{t("campaign.back")}</Link>} />;
  }
  if (loaded.error && !campaign) return <LoadFailed error={loaded.error} retry={() => void loaded.reload()} />;
  if (!campaign) return <Card loading />;

  const p = campaign.progress;
  const reviewerColumns: ColumnsType<ReviewerProgress> = [
    { key: "reviewer", title: t("report.reviewer"), render: (_, r) => <PersonText person={r.reviewer} /> },
    { key: "progress", title: t("report.progress"), width: 240, render: (_, r) => <ProgressBar progress={r} /> },
    { key: "certified", title: t("outcome.certified"), width: 90, align: "right", render: (_, r) => fmt.number(r.certified) },
    { key: "revoked", title: t("outcome.revoked"), width: 90, align: "right", render: (_, r) => fmt.number(r.revoked) },
    { key: "pending", title: t("outcome.pending"), width: 90, align: "right", render: (_, r) => fmt.number(r.pending) },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="campaign-page"
           data-campaign={campaign.id} data-status={campaign.status}>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Space align="center" wrap>
          <Link to={REVIEWS_PATH} aria-label={t("campaign.back")}><ArrowLeftOutlined /></Link>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="campaign-name">{campaign.name}</Typography.Title>
          <StatusTag campaign={campaign} />
        </Space>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => void loaded.reload()} aria-label={t("refresh")} />
          <ExportButton campaignId={campaign.id} />
          {mayRun && campaign.status === "open" && (
            <Button danger icon={<StopOutlined />} onClick={() => setClosing(true)} data-action="close-campaign">
              {t("close.button")}
            </Button>
          )}
        </Space>
      </Space>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t("campaign.scope")}><ScopeText campaign={campaign} /></Descriptions.Item>
          <Descriptions.Item label={t("campaign.deadline")}><DeadlineText campaign={campaign} /></Descriptions.Item>
          <Descriptions.Item label={t("campaign.createdBy")}>
            <Space size={[8, 0]} wrap>
              <PersonText person={campaign.created_by} />
              <Typography.Text type="secondary">{fmt.dateTime(campaign.created_at)}</Typography.Text>
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t("campaign.reason")}>{campaign.reason}</Descriptions.Item>
          {campaign.closed_at && (
            <Descriptions.Item label={t("campaign.closedAt")}>{fmt.dateTime(campaign.closed_at)}</Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Card>
        <Tabs activeKey={tab} onChange={(k) => setParams({ tab: k }, { replace: true })} items={[
          {
            key: "progress", label: t("campaign.tabProgress"),
            children: (
              <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="campaign-progress">
                <Row gutter={[16, 16]} align="middle">
                  <Col xs={24} md={10}><ProgressBar progress={p} /></Col>
                  <Col xs={8} md={4}><Statistic title={t("outcome.certified")} value={fmt.number(p.certified)} /></Col>
                  <Col xs={8} md={4}><Statistic title={t("outcome.revoked")} value={fmt.number(p.revoked)} /></Col>
                  <Col xs={8} md={4}><Statistic title={t("outcome.pending")} value={fmt.number(p.pending)} /></Col>
                </Row>
                <Table<ReviewerProgress> rowKey={(r) => r.reviewer?.id ?? 0} size="middle" pagination={false}
                                         columns={reviewerColumns} dataSource={campaign.by_reviewer}
                                         scroll={{ x: 640 }}
                                         onRow={(r) => ({ "data-reviewer": r.reviewer?.username } as object)} />
              </Space>
            ),
          },
          {
            key: "items", label: t("campaign.tabItems", { n: fmt.number(p.total) }),
            children: <ItemsTable campaign={campaign} onDecided={() => void loaded.reload()} />,
          },
          {
            key: "report", label: t("campaign.tabReport"),
            children: <ReportView campaignId={campaign.id} stamp={`${campaign.version}:${JSON.stringify(p.outcomes)}`} />,
          },
        ]} />
      </Card>
      {closing && (
        <CloseCampaignDialog campaign={campaign} onClose={() => setClosing(false)}
                             onReload={() => void loaded.reload()}
                             onClosed={() => { void message.success(t("close.done")); void loaded.reload(); }} />
      )}
    </Space>
  );
}
