/** Record values ⇄ form values, and the changes a form makes to a record. */

import dayjs, { type Dayjs } from "dayjs";

import { isReference } from "./fields";
import type { CatalogField, RecordItem } from "./types";

export type FormValue = string | number | Dayjs | null | undefined;
export type ApiValue = string | number | null;

/** A record's value in the form's terms (dates as dayjs, references as ids). */
export function toFormValue(field: CatalogField, value: unknown): FormValue {
  if (value === null || value === undefined) return undefined;
  if (isReference(value)) return value.id;
  if ((field.type === "date" || field.type === "datetime") && typeof value === "string") {
    const d = dayjs(value);
    return d.isValid() ? d : undefined;
  }
  if (typeof value === "string" || typeof value === "number") return value;
  return undefined;
}

/** A form's value as the API takes it (empty → null). */
export function toApiValue(field: CatalogField, value: FormValue): ApiValue {
  if (value === undefined || value === null || value === "") return null;
  if (dayjs.isDayjs(value)) {
    return field.type === "date" ? value.format("YYYY-MM-DD") : value.toISOString();
  }
  if (field.type === "decimal") return String(value);
  if (field.type === "integer" || field.type === "reference") return Number(value);
  if (typeof value === "string") {
    const trimmed = field.type === "text" ? value : value.trim();
    return trimmed === "" ? null : trimmed;
  }
  return value;
}

/** The record's values of `fields` as the API would take them back (for comparisons). */
export function apiValueOfRecord(field: CatalogField, record: RecordItem): ApiValue {
  return toApiValue(field, toFormValue(field, record[field.name]));
}

export function initialFormValues(
  fields: CatalogField[],
  record: RecordItem | null,
): Record<string, FormValue> {
  const out: Record<string, FormValue> = {};
  for (const f of fields) out[f.name] = record ? toFormValue(f, record[f.name]) : undefined;
  return out;
}

function same(field: CatalogField, a: ApiValue, b: ApiValue): boolean {
  if (a === null || b === null) return a === b;
  if (field.type === "decimal") return Number(a) === Number(b);
  if (field.type === "datetime") return new Date(String(a)).getTime() === new Date(String(b)).getTime();
  return a === b;
}

/** Fields whose value differs between a record as first read and as it is now. */
export function changedFields(fields: CatalogField[], before: RecordItem, after: RecordItem): CatalogField[] {
  return fields.filter((f) => {
    const a = before[f.name];
    const b = after[f.name];
    if (a === b) return false;
    // a mask only says whether the mask itself changed
    if (f.level === "masked") return String(a ?? "") !== String(b ?? "");
    if (isReference(a) || isReference(b)) {
      return (isReference(a) ? a.id : (a ?? null)) !== (isReference(b) ? b.id : (b ?? null));
    }
    return !same(f, apiValueOfRecord(f, before), apiValueOfRecord(f, after));
  });
}

/** What a create sends: every filled field. */
export function createBody(
  fields: CatalogField[],
  values: Record<string, FormValue>,
): Record<string, ApiValue> {
  const out: Record<string, ApiValue> = {};
  for (const f of fields) {
    const v = toApiValue(f, values[f.name]);
    if (v !== null) out[f.name] = v;
  }
  return out;
}

/** What an edit sends: only the fields the user changed. */
export function patchBody(
  fields: CatalogField[],
  record: RecordItem,
  values: Record<string, FormValue>,
): Record<string, ApiValue> {
  const out: Record<string, ApiValue> = {};
  for (const f of fields) {
    const v = toApiValue(f, values[f.name]);
    if (!same(f, apiValueOfRecord(f, record), v)) out[f.name] = v;
  }
  return out;
}
