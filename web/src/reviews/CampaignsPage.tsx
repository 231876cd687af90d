// `/reviews`: the access-review campaigns with their progress, open ones first; those
// with run_reviews start a new one.

import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Empty, Segmented, Space, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";

import Gate from "../access/Gate";
import { describeError } from "../api/client";
import { useMe } from "../auth/AuthContext";
import { useFormat } from "../i18n/format";
import { reviewsApi } from "./api";
import "./i18n";
import { DeadlineText, PersonText, ProgressBar, ScopeText, StatusTag } from "./parts";
import { REVIEW_READERS, campaignHref } from "./paths";
import StartReviewDialog from "./StartReviewDialog";
import type { Campaign } from "./types";

type Filter = "open" | "closed" | "all";

export default function CampaignsPage() {
  return <Gate anyOf={REVIEW_READERS}><Campaigns /></Gate>;
}

function Campaigns() {
  const { t } = useTranslation("reviews");
  const fmt = useFormat();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const mayStart = useMe().permissions.includes("run_reviews");
  const [filter, setFilter] = useState<Filter>("open");
  const [rows, setRows] = useState<Campaign[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [starting, setStarting] = useState(false);

  const load = useCallback(async (after: string | null) => {
    setLoading(true);
    try {
      const page = await reviewsApi.campaigns(filter === "all" ? undefined : filter, after);
      setRows((prev) => (after && prev ? [...prev, ...page.items] : page.items));
      setCursor(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [filter]);
  useEffect(() => { setRows(null); void load(null); }, [load]);

  const columns: ColumnsType<Campaign> = [
    {
      key: "name", title: t("campaigns.name"),
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <Link to={campaignHref(c.id)} data-campaign-link={c.id}>{c.name}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}><ScopeText campaign={c} /></Typography.Text>
        </Space>
      ),
    },
    { key: "status", title: t("campaigns.status"), width: 110, render: (_, c) => <StatusTag campaign={c} /> },
    { key: "progress", title: t("campaigns.progress"), width: 200, render: (_, c) => <ProgressBar progress={c.progress} /> },
    { key: "deadline", title: t("campaigns.deadline"), width: 260, render: (_, c) => <DeadlineText campaign={c} /> },
    {
      key: "created", title: t("campaigns.createdBy"), width: 190,
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <PersonText person={c.created_by} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{fmt.dateTime(c.created_at)}</Typography.Text>
        </Space>
      ),
    },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="campaigns-page">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{t("campaigns.title")}</Typography.Title>
        <Space wrap>
          <Segmented<Filter> value={filter} onChange={setFilter} aria-label={t("campaigns.filter")}
                             options={(["open", "closed", "all"] as const).map((f) => ({ value: f, label: t(`campaigns.show.${f}`) }))} />
          <Button icon={<ReloadOutlined />} onClick={() => void load(null)} aria-label={t("refresh")} />
          {mayStart && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setStarting(true)} data-action="start-review">
              {t("campaigns.start")}
            </Button>
          )}
        </Space>
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t("campaigns.intro")}</Typography.Paragraph>
      {error !== null && (
        <Alert type="error" showIcon message={describeError(error, t)}
               action={<Button size="small" onClick={() => void load(null)}>{t("retry")}</Button>} />
      )}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<Campaign>
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={rows ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          onRow={(c) => ({ "data-campaign": c.id } as object)}
          locale={{ emptyText: <Empty description={t(`campaigns.empty.${filter}`)} /> }}
        />
      </Card>
      {cursor && <Button block loading={loading} onClick={() => void load(cursor)}>{t("loadMore")}</Button>}
      {starting && (
        <StartReviewDialog onClose={() => setStarting(false)} onStarted={(c) => {
          void message.success(t("start.done", {
            name: c.name, count: c.progress.total, n: fmt.number(c.progress.total),
          }));
          navigate(campaignHref(c.id));
        }} />
      )}
    </Space>
  );
}
