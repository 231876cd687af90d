// An ECharts chart: only the chart types and components Home uses are bundled (tree-
// shaken imports), drawn as SVG (sharp at any zoom, its text selectable), in the user's
// language, resized with its container, animated unless the user prefers less motion.

import { BarChart, LineChart } from "echarts/charts";
import type { BarSeriesOption, LineSeriesOption } from "echarts/charts";
import {
  AriaComponent, GridComponent, LegendComponent, TooltipComponent,
} from "echarts/components";
import type {
  AriaComponentOption, GridComponentOption, LegendComponentOption, TooltipComponentOption,
} from "echarts/components";
import * as echarts from "echarts/core";
import type { ComposeOption } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import EChartsReactCore from "echarts-for-react/esm/core";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

echarts.use([BarChart, LineChart, AriaComponent, GridComponent, LegendComponent,
             TooltipComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  | BarSeriesOption | LineSeriesOption | GridComponentOption
  | LegendComponentOption | TooltipComponentOption | AriaComponentOption
>;

interface Props {
  option: ChartOption;
  /** What the chart shows, for screen readers (the figure's name). */
  label: string;
  height: number;
  testId?: string;
}

/** Charts draw at once, without growing bars, for users who ask for less motion. */
function reducedMotion(): boolean {
  return window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ?? false;
}

export default function Chart({ option, label, height, testId }: Props) {
  const { i18n } = useTranslation();
  const locale = i18n.language.toLowerCase().startsWith("zh") ? "ZH" : "EN";
  const opts = useMemo(() => ({ renderer: "svg" as const, locale }), [locale]);
  return (
    <figure aria-label={label} data-testid={testId} style={{ margin: 0 }}>
      <EChartsReactCore echarts={echarts} option={{ aria: { enabled: true }, animation: !reducedMotion(), ...option }}
                        notMerge opts={opts} style={{ height, width: "100%" }} />
    </figure>
  );
}
