// A campaign's outcome: every outcome counted, per reviewer, per role and for shares, and
// the list of what was revoked (by a reviewer, at the deadline or at close).

import { Alert, Button, Card, Col, Empty, Row, Space, Statistic, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useTranslation } from "react-i18next";

import { describeError } from "../api/client";
import { useLoad } from "../admin/useLoad";
import { useFormat } from "../i18n/format";
import { reviewsApi } from "./api";
import "./i18n";
import { GrantText, OutcomeTag, PersonText, ProgressBar, personName } from "./parts";
import { OUTCOMES } from "./types";
import type { Item, Progress, RoleProgress, ReviewerProgress } from "./types";

// Outcomes beside certified and revoked (gone, at the deadline, at close) are rare: one
// column lists those that occurred.
const OTHER_OUTCOMES = OUTCOMES.filter((o) => o !== "certified" && o !== "revoked");

function outcomeColumns<T extends Progress>(t: (k: string) => string, number: (n: number) => string
): ColumnsType<T> {
  return [
    { key: "progress", title: t("report.progress"), width: 180, render: (_, p) => <ProgressBar progress={p} /> },
    { key: "total", title: t("report.total"), width: 80, align: "right", render: (_, p) => number(p.total) },
    { key: "pending", title: t("outcome.pending"), width: 90, align: "right", render: (_, p) => number(p.pending) },
    { key: "certified", title: t("outcome.certified"), width: 90, align: "right", render: (_, p) => number(p.outcomes.certified) },
    { key: "revoked", title: t("outcome.revoked"), width: 90, align: "right", render: (_, p) => number(p.outcomes.revoked) },
    {
      key: "other", title: t("report.otherOutcomes"), width: 220,
      render: (_, p) => {
        const found = OTHER_OUTCOMES.filter((o) => p.outcomes[o] > 0);
        return found.length ? found.map((o) => `${t(`outcome.${o}`)} ${number(p.outcomes[o])}`).join(" · ") : "—";
      },
    },
  ];
}

/** `stamp` changes when the campaign does (a decision, a close): the report is read again. */
export default function ReportView({ campaignId, stamp }: { campaignId: number; stamp: string }) {
  const { t, i18n } = useTranslation("reviews");
  const fmt = useFormat();
  const report = useLoad(() => reviewsApi.report(campaignId), [campaignId, stamp]);
  if (report.error && !report.data) {
    return <Alert type="error" showIcon message={describeError(report.error, t)}
                  action={<Button size="small" onClick={() => void report.reload()}>{t("retry")}</Button>} />;
  }
  if (!report.data) return <Card loading />;
  const { campaign, by_reviewer, by_role, shares, revocations } = report.data;
  const n = (v: number) => fmt.number(v);
  const zh = i18n.language.toLowerCase().startsWith("zh");

  const reviewerColumns: ColumnsType<ReviewerProgress> = [
    { key: "reviewer", title: t("report.reviewer"), width: 180, fixed: "left", render: (_, r) => <PersonText person={r.reviewer} /> },
    ...outcomeColumns<ReviewerProgress>(t, n),
  ];
  const roleColumns: ColumnsType<RoleProgress> = [
    {
      key: "role", title: t("report.role"), width: 180, fixed: "left",
      render: (_, r) => (zh ? r.role.name : r.role.name_en || r.role.name) ?? r.role.key ?? `#${r.role.id}`,
    },
    ...outcomeColumns<RoleProgress>(t, n),
  ];
  const revocationColumns: ColumnsType<Item> = [
    { key: "user", title: t("items.user"), width: 180, render: (_, i) => <PersonText person={i.user} /> },
    { key: "grant", title: t("items.grant"), render: (_, i) => <GrantText item={i} /> },
    { key: "outcome", title: t("items.outcome"), width: 130, render: (_, i) => <OutcomeTag outcome={i.outcome} /> },
    {
      key: "by", title: t("report.revokedBy"), width: 240,
      render: (_, i) => (
        <Space direction="vertical" size={0}>
          <span>{i.decided_by ? t("items.decidedBy", { name: personName(i.decided_by), date: fmt.dateTime(i.decided_at) })
            : t("report.bySystem", { date: fmt.dateTime(i.decided_at ?? campaign.closed_at) })}</span>
          {i.reason && <Typography.Text type="secondary" style={{ fontSize: 12 }}>“{i.reason}”</Typography.Text>}
        </Space>
      ),
    },
  ];
  const p = campaign.progress;
  const revokedTotal = p.outcomes.revoked + p.outcomes.revoked_at_deadline + p.outcomes.revoked_at_close;
  const keptTotal = p.outcomes.certified + p.outcomes.kept_at_deadline + p.outcomes.kept_at_close;

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="campaign-report">
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}><Statistic title={t("report.total")} value={n(p.total)} /></Col>
        <Col xs={12} md={6}><Statistic title={t("report.kept")} value={n(keptTotal)} valueStyle={{ color: "#389e0d" }} data-testid="report-kept" /></Col>
        <Col xs={12} md={6}><Statistic title={t("report.revokedAll")} value={n(revokedTotal)} valueStyle={{ color: "#cf1322" }} data-testid="report-revoked" /></Col>
        <Col xs={12} md={6}><Statistic title={t("outcome.pending")} value={n(p.pending)} /></Col>
      </Row>
      <Card size="small" title={t("report.byReviewer")} styles={{ body: { padding: 0 } }}>
        <Table<ReviewerProgress> rowKey={(r) => r.reviewer?.id ?? 0} size="small" pagination={false}
                                 columns={reviewerColumns} dataSource={by_reviewer} scroll={{ x: 940 }}
                                 onRow={(r) => ({ "data-reviewer": r.reviewer?.username } as object)} />
      </Card>
      <Card size="small" title={t("report.byRole")} styles={{ body: { padding: 0 } }}>
        <Table<RoleProgress> rowKey={(r) => r.role.id} size="small" pagination={false}
                             columns={roleColumns} dataSource={by_role} scroll={{ x: 940 }}
                             onRow={(r) => ({ "data-role": r.role.key } as object)}
                             locale={{ emptyText: <Empty description={t("report.noRoles")} /> }} />
      </Card>
      <Card size="small" title={t("report.shares")} styles={{ body: { padding: 0 } }}>
        {shares.total ? (
          <Table<Progress> rowKey={() => "shares"} size="small" pagination={false} data-testid="report-shares"
                           columns={outcomeColumns<Progress>(t, n)} dataSource={[shares]} scroll={{ x: 760 }} />
        ) : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("report.noShares")} />}
      </Card>
      <Card size="small" title={t("report.revocations", { n: n(revocations.length) })} styles={{ body: { padding: 0 } }}>
        <Table<Item> rowKey="id" size="small" pagination={false} columns={revocationColumns}
                     dataSource={revocations} scroll={{ x: 800 }} data-testid="report-revocations"
                     onRow={(i) => ({ "data-item": i.id } as object)}
                     locale={{ emptyText: <Empty description={t("report.noRevocations")} /> }} />
      </Card>
    </Space>
  );
}
