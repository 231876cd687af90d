// `/requests/approvals`: the requests whose current step is mine to decide, the most
// urgent first, with how many of each kind; a row opens to its preconditions and history
// with approve, reject and ask for changes.

import { ReloadOutlined } from "@ant-design/icons";
import { Badge, Button, Card, Segmented, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import "../admin/i18n";
import { LoadFailed } from "../admin/LoadFailed";
import { useLoad } from "../admin/useLoad";
import { countsChanged, workflowApi } from "./api";
import "./i18n";
import RequestTable from "./RequestTable";
import type { RequestKind } from "./types";

type Filter = RequestKind | "total";
const KINDS: RequestKind[] = ["role", "record", "problem", "grant"];

export default function ApprovalsPage() {
  const { t } = useTranslation("workflow");
  const [filter, setFilter] = useState<Filter>("total");
  const queue = useLoad(() => workflowApi.approvals(), []);
  const counts = queue.data?.counts;
  const rows = (queue.data?.items ?? []).filter((r) => filter === "total" || r.kind === filter);
  const reload = () => {
    void queue.reload();
    countsChanged();
  };

  if (queue.error && !queue.data) return <LoadFailed error={queue.error} retry={reload} />;
  const option = (f: Filter) => ({
    value: f,
    label: (
      <Space size={6} data-count={counts?.[f] ?? 0}>
        {f === "total" ? t("approvals.all") : t(`kind.${f}`)}
        <Badge count={counts?.[f] ?? 0} showZero color={(counts?.[f] ?? 0) > 0 ? "blue" : "#d9d9d9"} />
      </Space>
    ),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="approvals-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t("approvals.title")}</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t("approvals.intro")}</Typography.Paragraph>
      <Card size="small">
        <Space style={{ marginBottom: 12 }} wrap>
          <Segmented<Filter> value={filter} onChange={setFilter} data-testid="approval-kinds"
                             options={[option("total"), ...KINDS.map(option)]} />
          <Button type="text" icon={<ReloadOutlined />} aria-label={t("list.refresh")} onClick={reload} />
        </Space>
        <RequestTable mode="approvals" rows={rows} loading={queue.loading} onChanged={reload}
                      empty={t("approvals.empty")} />
      </Card>
    </Space>
  );
}
