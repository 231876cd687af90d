// The /reports answers the Home charts read, and what they mean for the screen: a sum the
// API withheld (the viewer cannot read the field) is absent, never a zero.

import { lastMonths } from "./months";

export interface Withheld {
  field: string;
  level: string;
}

interface Report<G> {
  object: string;
  group_by: string;
  /** The summed field, or null when none was summed (see `withheld`). */
  sum: string | null;
  withheld: Withheld[];
  groups: G[];
  truncated: boolean;
  total: { count: number; amount?: string };
}

export interface StageGroup {
  stage: string;
  count: number;
  amount?: string;
}

export interface MonthGroup {
  month: string | null;
  count: number;
  amount?: string;
}

export type PipelineReport = Report<StageGroup>;

export interface SalesReport extends Report<MonthGroup> {
  from: string | null;
  to: string | null;
}

/** Stages that end a deal without winning it: shown beside the funnel, not in it. */
export const CLOSED_LOST = "lost";

/** Whether the answer carries amounts (the viewer can read the amount field). */
export function hasAmounts(report: { sum: string | null }): boolean {
  return report.sum === "amount";
}

/** Every month of the period, in order, with the report's figures; a month with no
 * contracts is a real zero (a zero amount only when amounts are shown at all). */
export function monthSeries(report: SalesReport, months: string[]): MonthGroup[] {
  const byMonth = new Map(report.groups.map((g) => [g.month, g]));
  const amounts = hasAmounts(report);
  return months.map((month) => {
    const found = byMonth.get(month);
    if (found) return found;
    return amounts ? { month, count: 0, amount: "0.00" } : { month, count: 0 };
  });
}

/** The period "the last `count` months" as the report's from/to parameters. */
export function period(count: number, today: Date = new Date()): {
  months: string[]; from: string; to: string;
} {
  const months = lastMonths(count, today);
  return { months, from: months[0] ?? "", to: months[months.length - 1] ?? "" };
}

/** An amount for a chart's axis or bar: ¥139.1万 · CN¥1.4M. */
export function compactMoney(language: string): (value: number) => string {
  const f = new Intl.NumberFormat(language, {
    style: "currency", currency: "CNY", notation: "compact", maximumFractionDigits: 1,
  });
  return (value) => f.format(value);
}
