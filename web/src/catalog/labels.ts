// Labels of objects and fields in the user's language, from the last catalog loaded.
// Kept outside React so that plain functions (describeError) can name things too.

import type { Catalog, CatalogField, CatalogObject } from "../api/types";
import i18n, { addNamespace } from "../i18n";

// The catalog labels each object in the singular ("Customer"); lists, menus and page
// titles name them in the plural. Chinese nouns have no plural form: Chinese uses the
// catalog's label, so only English needs these (an object added later falls back to its
// singular label until it is listed here).
addNamespace("catalog", {
  "zh-CN": {},
  en: {
    plural: {
      customer: "Customers",
      contact: "Contacts",
      opportunity: "Opportunities",
      contract: "Contracts",
      payment: "Payments",
      service_record: "Service records",
      activity: "Activities",
      task: "Tasks",
      sales_plan: "Sales plans",
    },
  },
});

let current: Catalog | null = null;

export function setCatalogLabels(catalog: Catalog | null): void {
  current = catalog;
}

function isChinese(lang: string): boolean {
  return lang.toLowerCase().startsWith("zh");
}

/** An object's or field's label in `lang`. */
export function label(item: Pick<CatalogObject | CatalogField, "label_zh" | "label_en">,
                      lang: string): string {
  return isChinese(lang) ? item.label_zh : item.label_en;
}

/** An object's name for a list of its records: "客户" / "Customers". */
export function pluralLabel(obj: Pick<CatalogObject, "name" | "label_zh" | "label_en">,
                            lang: string): string {
  if (isChinese(lang)) return obj.label_zh;
  return i18n.t(`catalog:plural.${obj.name}`, { lng: "en", defaultValue: obj.label_en });
}

/** "客户" / "customer" (English lower-cased inside sentences when `lower`). */
export function objectLabel(name: string, lang: string, { lower = false } = {}): string {
  const obj = current?.objects.find((o) => o.name === name || o.plural === name);
  if (!obj) return name;
  const text = label(obj, lang);
  return lower && !isChinese(lang) ? text.toLowerCase() : text;
}

/** A field's label; the name itself when the object or field is not in the catalog (a
 * system column, or a path such as grants[2].scope). */
export function fieldLabel(object: string | undefined, field: string, lang: string): string {
  const objects = current?.objects ?? [];
  const obj = objects.find((o) => o.name === object || o.plural === object);
  const found = obj?.fields.find((f) => f.name === field);
  return found ? label(found, lang) : field;
}

/** A choice of an enum field by the catalog's label in `lang` ("赢单" / "Won"); null when
 * the catalog does not label it. */
export function choiceLabel(object: string, field: string, value: string,
                            lang: string): string | null {
  const obj = current?.objects.find((o) => o.name === object || o.plural === object);
  const labels = obj?.fields.find((f) => f.name === field)?.choice_labels?.[value];
  return labels ? label(labels, lang) : null;
}
