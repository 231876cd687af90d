/** Record values formatted for the current language, with the shell's formatters, and
 * the labels of enum choices. */

import type { TFunction } from "i18next";

import { formatters } from "../i18n/format";

/** A decimal field's exact string as an amount (grouping, two decimals, currency). */
export function formatAmount(value: string | number, language: string): string {
  return formatters(language).money(value);
}

export function formatInteger(value: string | number, language: string): string {
  return formatters(language).number(value, 0);
}

/** A calendar date (YYYY-MM-DD) as the language writes it, with no time-zone shift:
 * read as midnight local time, not as UTC midnight. */
export function formatDate(value: string, language: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return value;
  return formatters(language).date(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** An instant in the browser's time zone. */
export function formatDateTime(value: string, language: string): string {
  return formatters(language).dateTime(value);
}

/** The label of an enum choice: per object and field, else per field, else the raw value. */
export function choiceLabel(
  t: TFunction<"records">,
  objectName: string,
  fieldName: string,
  value: string,
): string {
  return t(`choice.${objectName}.${fieldName}.${value}`, {
    defaultValue: t(`choice.${fieldName}.${value}`, { defaultValue: value }),
  });
}

/** An instant in a list, short: the time when it is today, else the date (the full
 * instant is the cell's title). */
export function formatListInstant(value: string, language: string): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const today = new Date();
  return d.toDateString() === today.toDateString()
    ? new Intl.DateTimeFormat(language, { hour: "numeric", minute: "2-digit" }).format(d)
    : formatters(language).date(d);
}
