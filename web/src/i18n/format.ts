// Dates, numbers and amounts in the user's language. The API sends times as ISO 8601
// (UTC) and decimals as strings; these show them the way the locale writes them.

import { useMemo } from "react";
import { useTranslation } from "react-i18next";

export type DateInput = string | number | Date | null | undefined;

function toDate(value: DateInput): Date | null {
  if (value === null || value === undefined || value === "") return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === "") return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

export interface Formatters {
  /** 2026年11月20日 · Nov 20, 2026 */
  date(value: DateInput): string;
  /** 2026/11/20 17:05 · Nov 20, 2026, 5:05 PM (local time zone) */
  dateTime(value: DateInput): string;
  /** 12,345.6 */
  number(value: string | number | null | undefined, digits?: number): string;
  /** ¥12,345.00 · CN¥12,345.00 */
  money(value: string | number | null | undefined, currency?: string): string;
  /** 3 天前 · 3 days ago */
  relative(value: DateInput): string;
}

export function formatters(lang: string): Formatters {
  const date = new Intl.DateTimeFormat(lang, { year: "numeric", month: "short", day: "numeric" });
  // Chinese writes instants as 2026/11/20 17:05; English spells the month (11/02/2026
  // reads as 2 November to many English readers), like the date alone.
  const dateTime = new Intl.DateTimeFormat(lang, lang.toLowerCase().startsWith("zh")
    ? { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
        hourCycle: "h23" }
    : { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  const empty = "—";
  return {
    date: (v) => { const d = toDate(v); return d ? date.format(d) : empty; },
    dateTime: (v) => { const d = toDate(v); return d ? dateTime.format(d) : empty; },
    number: (v, digits) => {
      const n = toNumber(v);
      return n === null ? empty : new Intl.NumberFormat(lang, {
        maximumFractionDigits: digits ?? 2, minimumFractionDigits: digits ?? 0,
      }).format(n);
    },
    money: (v, currency = "CNY") => {
      const n = toNumber(v);
      return n === null ? empty
        : new Intl.NumberFormat(lang, { style: "currency", currency }).format(n);
    },
    relative: (v) => {
      const d = toDate(v);
      if (!d) return empty;
      const seconds = (d.getTime() - Date.now()) / 1000;
      const units: [Intl.RelativeTimeFormatUnit, number][] = [
        ["year", 31_536_000], ["month", 2_592_000], ["day", 86_400], ["hour", 3_600],
        ["minute", 60],
      ];
      for (const [unit, size] of units) {
        if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
      }
      return relative.format(Math.round(seconds), "second");
    },
  };
}

/** The formatters for the current language; they change when the language does. */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  return useMemo(() => formatters(i18n.language), [i18n.language]);
}
