/** What the catalog says about fields, turned into the questions the screens ask. */

import type { CatalogField, CatalogObject, FieldLevel, ReferenceValue } from "./types";

const LEVEL_RANK: Record<FieldLevel, number> = { hidden: 0, masked: 1, read: 2, edit: 3 };

export function isZh(language: string): boolean {
  return language.toLowerCase().startsWith("zh");
}

export function fieldLabel(field: CatalogField, language: string): string {
  return isZh(language) ? field.label_zh : field.label_en;
}

export function objectLabel(obj: CatalogObject, language: string): string {
  return isZh(language) ? obj.label_zh : obj.label_en;
}

/** The object's name inside a sentence: "客户" / "customer" (English lower-cased). */
export function objectNoun(obj: CatalogObject, language: string): string {
  return isZh(language) ? obj.label_zh : obj.label_en.toLowerCase();
}

/** The name of a list of the object's records: "客户" / "Customers". */
export { pluralLabel } from "../catalog/labels";

/** Shown at all (masked or better): a hidden field is absent everywhere. */
export function isVisible(field: CatalogField): boolean {
  return LEVEL_RANK[field.level] >= LEVEL_RANK.masked;
}

/** Read or better: the only fields a sort, filter or search may use. */
export function isReadable(field: CatalogField): boolean {
  return LEVEL_RANK[field.level] >= LEVEL_RANK.read;
}

export function isEditable(field: CatalogField): boolean {
  return field.level === "edit";
}

/** Long free text is not offered as a sort key, nor a reference (it would sort by the
 * referenced record's id, which means nothing to a reader). */
export function isSortable(field: CatalogField): boolean {
  return isReadable(field) && field.type !== "text" && field.type !== "reference";
}

export function can(obj: CatalogObject, action: string): boolean {
  return obj.actions.includes(action);
}

export function visibleFields(obj: CatalogObject): CatalogField[] {
  return obj.fields.filter(isVisible);
}

export function titleField(obj: CatalogObject): CatalogField | undefined {
  return obj.fields.find((f) => f.name === obj.title_field);
}

/** Columns a list starts with: the title, then a few short visible fields. */
export function defaultColumns(obj: CatalogObject, max = 4): string[] {
  const out: string[] = [];
  const title = titleField(obj);
  if (title && isVisible(title)) out.push(title.name);
  for (const f of obj.fields) {
    if (out.length >= max + 1) break;
    if (f.name === obj.title_field || !isVisible(f) || f.type === "text") continue;
    out.push(f.name);
  }
  return out;
}

export function isReference(value: unknown): value is ReferenceValue {
  return typeof value === "object" && value !== null && "id" in value;
}

export function referenceOf(value: unknown): ReferenceValue | null {
  return isReference(value) ? value : null;
}

export function findObject(objects: CatalogObject[], name: string | undefined): CatalogObject | undefined {
  return objects.find((o) => o.name === name);
}

/** Screens path of a record or a list. */
export function recordPath(objectName: string, id?: number): string {
  return id === undefined ? `/records/${objectName}` : `/records/${objectName}/${id}`;
}

/** Screens path of a record's edit form (the record's page with the form open). */
export function editPath(objectName: string, id: number): string {
  return `${recordPath(objectName, id)}/edit`;
}

/** API path of a list or a record (objects are served under their plural). */
export function apiPath(obj: CatalogObject, id?: number, tail?: string): string {
  let path = `/${obj.plural}`;
  if (id !== undefined) path += `/${id}`;
  if (tail) path += `/${tail}`;
  return path;
}
