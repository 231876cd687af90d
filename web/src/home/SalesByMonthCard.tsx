// Contracts signed per month over the last months, computed by the API over the
// contracts this user can view: amount bars and a count line, or only counts (with a
// note) when the user cannot read contract amounts.

import { ReloadOutlined } from "@ant-design/icons";
import type { BarSeriesOption, LineSeriesOption } from "echarts/charts";
import { Button, Card, Empty, Segmented, Space, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import { useFormat } from "../i18n/format";
import type { Formatters } from "../i18n/format";
import CardState from "./CardState";
import Chart from "./Chart";
import type { ChartOption } from "./Chart";
import "./i18n";
import { formatMonth } from "./months";
import { compactMoney, hasAmounts, monthSeries, period } from "./reports";
import type { MonthGroup, SalesReport } from "./reports";
import { useLoad } from "./useLoad";
import WithheldNote from "./WithheldNote";

const RANGES = [12, 24] as const;
type Range = (typeof RANGES)[number];

interface Labels {
  count: string;
  amount: string;
}

function salesOption(series: MonthGroup[], amounts: boolean, labels: Labels,
                     format: Formatters, language: string): ChartOption {
  const months = series.map((g) => g.month ?? "");
  const byIndex = (p: unknown) => series[(p as { dataIndex: number }).dataIndex];
  const count: BarSeriesOption | LineSeriesOption = {
    type: amounts ? "line" : "bar",
    name: labels.count,
    yAxisIndex: amounts ? 1 : 0,
    data: series.map((g) => g.count),
    ...(amounts ? { symbolSize: 6 } : { barMaxWidth: 28 }),
  };
  return {
    grid: { left: 8, right: 8, top: amounts ? 36 : 16, bottom: 8, containLabel: true },
    legend: amounts ? { top: 0 } : { show: false },
    tooltip: {
      trigger: "axis",
      formatter: (params: unknown) => {
        const first = Array.isArray(params) ? params[0] : params;
        const g = first ? byIndex(first) : undefined;
        if (!g) return "";
        const lines = [`<b>${formatMonth(g.month ?? "", language)}</b>`,
                       `${labels.count}: ${format.number(g.count)}`];
        if (amounts) lines.push(`${labels.amount}: ${format.money(g.amount)}`);
        return lines.join("<br/>");
      },
    },
    xAxis: {
      type: "category",
      data: months,
      axisLabel: { formatter: (m: string) => formatMonth(m, language, true), hideOverlap: true },
    },
    yAxis: amounts
      ? [{ type: "value", axisLabel: { formatter: compactMoney(language) } },
         { type: "value", minInterval: 1, splitLine: { show: false } }]
      : [{ type: "value", minInterval: 1 }],
    series: amounts
      ? [{ type: "bar", name: labels.amount, barMaxWidth: 28,
           data: series.map((g) => Number(g.amount ?? 0)) }, count]
      : [count],
  };
}

export default function SalesByMonthCard() {
  const { t, i18n } = useTranslation("home");
  const format = useFormat();
  const [range, setRange] = useState<Range>(12);
  const { months, from, to } = useMemo(() => period(range), [range]);
  const { data, loading, error, reload } = useLoad(
    (signal) => api.get<SalesReport>("/reports/sales-by-month", { from, to }, { signal }),
    `${from}/${to}`,
  );
  const amounts = !!data && hasAmounts(data);
  const series = useMemo(() => (data ? monthSeries(data, months) : []), [data, months]);
  const option = useMemo(() => salesOption(series, amounts, {
    count: t("chart.contracts"), amount: t("chart.contractAmount"),
  }, format, i18n.language), [series, amounts, t, format, i18n.language]);

  return (
    <Card title={t("sales.title")} data-testid="home-sales" style={{ height: "100%" }}
          extra={
            <Space size="small">
              <Segmented<Range> size="small" value={range} onChange={setRange}
                                aria-label={t("sales.range")}
                                options={RANGES.map((n) => ({ value: n,
                                                              label: t("sales.months", { count: n }) }))} />
              <Button type="text" size="small" icon={<ReloadOutlined />} onClick={reload}
                      aria-label={t("refresh")} />
            </Space>
          }>
      <CardState loading={loading} error={error} retry={reload} empty={null} rows={6}>
        {data && (
          <Space direction="vertical" size="small" style={{ width: "100%" }}>
            <WithheldNote object="contract" withheld={data.withheld} />
            {data.total.count === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("sales.empty")} />
            ) : (
              <>
                <Chart option={option} height={260} label={t("sales.title")}
                       testId="sales-chart" />
                <Space size="large" wrap data-testid="sales-summary">
                  <Typography.Text>{t("sales.total", { count: data.total.count })}</Typography.Text>
                  {amounts && (
                    <Typography.Text data-testid="sales-amount">
                      {t("sales.totalAmount", { amount: format.money(data.total.amount) })}
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
