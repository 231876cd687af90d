// `/requests/mine`: the requests I made, and those that would give me access — open ones
// first by default; each opens to its history, with withdraw and resubmit where they apply.

import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Segmented, Space, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { describeError } from "../api/client";
import { workflowApi } from "./api";
import "./i18n";
import { NEW_REQUEST_PATH } from "./paths";
import RequestTable from "./RequestTable";
import type { AccessRequest } from "./types";

type Filter = "open" | "closed" | "all";

export default function MyRequestsPage() {
  const { t } = useTranslation("workflow");
  const [filter, setFilter] = useState<Filter>("open");
  const [rows, setRows] = useState<AccessRequest[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (from: string | null) => {
    setLoading(true);
    try {
      const page = await workflowApi.myRequests(filter, from);
      setRows((held) => (from ? [...held, ...page.items] : page.items));
      setCursor(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [filter]);

  useEffect(() => { void load(null); }, [load]);

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="my-requests-page">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{t("mine.title")}</Typography.Title>
        <Link to={NEW_REQUEST_PATH}>
          <Button type="primary" icon={<PlusOutlined />} data-testid="new-request">{t("mine.new")}</Button>
        </Link>
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t("mine.intro")}</Typography.Paragraph>
      <Card size="small">
        <Space style={{ marginBottom: 12 }} wrap>
          <Segmented<Filter> value={filter} onChange={setFilter} data-testid="request-filter"
                             options={(["open", "closed", "all"] as const).map((f) => ({ value: f, label: t(`filter.${f}`) }))} />
          <Button type="text" icon={<ReloadOutlined />} aria-label={t("list.refresh")} onClick={() => void load(null)} />
        </Space>
        {error !== null && <Alert type="error" showIcon message={describeError(error, t)} style={{ marginBottom: 12 }} />}
        <RequestTable mode="mine" rows={rows} loading={loading} onChanged={() => void load(null)}
                      empty={filter === "all" ? t("mine.empty") : t("list.empty")} />
        {cursor && (
          <div style={{ textAlign: "center", marginTop: 12 }}>
            <Button onClick={() => void load(cursor)} loading={loading}>{t("list.more")}</Button>
          </div>
        )}
      </Card>
    </Space>
  );
}
