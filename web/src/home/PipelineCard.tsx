// Opportunities by stage as a funnel of centred bars (lead → won; lost beside it),
// computed by the API over the opportunities this user can view. By amount when they can
// read amounts, else by count with a note saying why.

import { ReloadOutlined } from "@ant-design/icons";
import { Button, Card, Empty, Segmented, Space, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import { useFormat } from "../i18n/format";
import type { Formatters } from "../i18n/format";
import "../records/i18n";
import { choiceLabel } from "../records/format";
import CardState from "./CardState";
import Chart from "./Chart";
import type { ChartOption } from "./Chart";
import "./i18n";
import { CLOSED_LOST, compactMoney, hasAmounts } from "./reports";
import type { PipelineReport, StageGroup } from "./reports";
import { useLoad } from "./useLoad";
import WithheldNote from "./WithheldNote";

type Measure = "count" | "amount";

interface Labels {
  stage: (stage: string) => string;
  count: string;
  amount: string;
}

/** Stage colours down the funnel: blues deepening toward a won deal, which is green. */
const COLOURS = ["#91caff", "#69b1ff", "#4096ff", "#1677ff", "#52c41a"];

/** A funnel of centred bars, one per stage in the stages' own order, each as wide as its
 * figure: a stage with none has no bar (a drawn funnel would give it a slope). */
function funnelOption(stages: StageGroup[], measure: Measure, amounts: boolean,
                      labels: Labels, format: Formatters, compact: (n: number) => string
): ChartOption {
  const value = (g: StageGroup) => (measure === "amount" ? Number(g.amount ?? 0) : g.count);
  const widest = Math.max(1, ...stages.map(value));
  return {
    grid: { left: 8, right: 84, top: 4, bottom: 4, containLabel: true },
    tooltip: {
      trigger: "item",
      formatter: (p: unknown) => {
        const g = stages[(p as { dataIndex: number }).dataIndex];
        if (!g) return "";
        const lines = [`<b>${labels.stage(g.stage)}</b>`, `${labels.count}: ${format.number(g.count)}`];
        if (amounts) lines.push(`${labels.amount}: ${format.money(g.amount)}`);
        return lines.join("<br/>");
      },
    },
    xAxis: { type: "value", show: false, max: widest },
    yAxis: {
      type: "category", inverse: true, data: stages.map((g) => labels.stage(g.stage)),
      axisLine: { show: false }, axisTick: { show: false },
    },
    series: [
      { // the space left of each bar, which centres it
        type: "bar", stack: "funnel", silent: true, itemStyle: { color: "transparent" },
        data: stages.map((g) => (widest - value(g)) / 2), tooltip: { show: false },
      },
      {
        type: "bar", stack: "funnel", barCategoryGap: "18%",
        name: measure === "amount" ? labels.amount : labels.count,
        data: stages.map((g, i) => ({
          value: value(g), itemStyle: { color: COLOURS[i % COLOURS.length], borderRadius: 3 },
        })),
        label: {
          show: true, position: "right",
          formatter: (p: unknown) => {
            const g = stages[(p as { dataIndex: number }).dataIndex];
            if (!g) return "";
            return measure === "amount" ? compact(Number(g.amount ?? 0)) : format.number(g.count);
          },
        },
      },
    ],
  };
}

export default function PipelineCard() {
  const { t, i18n } = useTranslation("home");
  const { t: tr } = useTranslation("records");
  const format = useFormat();
  const [chosen, setChosen] = useState<Measure>("amount");
  const { data, loading, error, reload } = useLoad(
    (signal) => api.get<PipelineReport>("/reports/pipeline", undefined, { signal }),
    "pipeline",
  );
  const amounts = !!data && hasAmounts(data);
  const measure: Measure = amounts ? chosen : "count";
  const open = useMemo(() => data?.groups.filter((g) => g.stage !== CLOSED_LOST) ?? [], [data]);
  const lost = data?.groups.find((g) => g.stage === CLOSED_LOST);

  const option = useMemo(() => funnelOption(open, measure, amounts, {
    stage: (s) => choiceLabel(tr, "opportunity", "stage", s),
    count: t("chart.count"),
    amount: t("chart.amount"),
  }, format, compactMoney(i18n.language)), [open, measure, amounts, tr, t, format, i18n.language]);

  return (
    <Card title={t("pipeline.title")} data-testid="home-pipeline" style={{ height: "100%" }}
          extra={
            <Space size="small">
              {amounts && (
                <Segmented<Measure> size="small" value={measure} onChange={setChosen}
                                    aria-label={t("pipeline.measure")}
                                    options={[{ value: "amount", label: t("pipeline.byAmount") },
                                              { value: "count", label: t("pipeline.byCount") }]} />
              )}
              <Button type="text" size="small" icon={<ReloadOutlined />} onClick={reload}
                      aria-label={t("refresh")} />
            </Space>
          }>
      <CardState loading={loading} error={error} retry={reload} empty={null} rows={6}>
        {data && (
          <Space direction="vertical" size="small" style={{ width: "100%" }}>
            <WithheldNote object="opportunity" withheld={data.withheld} />
            {data.total.count === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("pipeline.empty")} />
            ) : (
              <>
                <Chart option={option} height={260} label={t("pipeline.title")}
                       testId="pipeline-chart" />
                <Space size="large" wrap data-testid="pipeline-summary">
                  <Typography.Text>{t("pipeline.total", { count: data.total.count })}</Typography.Text>
                  {amounts && (
                    <Typography.Text data-testid="pipeline-amount">
                      {t("pipeline.totalAmount", { amount: format.money(data.total.amount) })}
                    </Typography.Text>
                  )}
                  {lost && (
                    <Typography.Text type="secondary">
                      {amounts ? t("pipeline.lostAmount", { count: lost.count,
                                                             amount: format.money(lost.amount) })
                               : t("pipeline.lost", { count: lost.count })}
                    </Typography.Text>
                  )}
                </Space>
              </>
            )}
          </Space>
        )}
      </CardState>
    </Card>
  );
}
