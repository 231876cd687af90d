/** A CSV template for an import: one column per field a new record may set, titled with
 * the field's label in the user's language (the import accepts names and both labels). */

import { fieldLabel } from "./fields";
import type { CatalogObject } from "./types";

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function templateCsv(obj: CatalogObject, language: string): Blob {
  const titles = obj.fields.filter((f) => f.writable_on_create).map((f) => csvCell(fieldLabel(f, language)));
  // a BOM so that spreadsheet programs read the UTF-8 labels correctly
  return new Blob(["\ufeff" + titles.join(",") + "\r\n"], { type: "text/csv;charset=utf-8" });
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
