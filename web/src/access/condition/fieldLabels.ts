// Names of condition fields and operators in the current language.

import type { TFunction } from "i18next";

import { label } from "../../catalog/labels";
import type { ConditionField, Op } from "./model";

export function conditionFieldLabel(t: TFunction, field: ConditionField | null, language: string): string {
  if (!field) return "";
  if (field.catalog) return label(field.catalog, language);
  return t(`access:builder.systemField.${field.name}`, { defaultValue: field.name });
}

export function opLabel(t: TFunction, op: Op): string {
  return t(`access:builder.op.${op}`);
}
