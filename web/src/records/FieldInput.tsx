/** The input for one field, chosen by its type (used inside a Form.Item, which passes
 * id, value and onChange, so the label is tied to the input). */

import { DatePicker, Input, InputNumber, Select } from "antd";
import type { Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";

import { useCatalog } from "../catalog/CatalogContext";
import { findObject } from "./fields";
import { choiceLabel } from "./format";
import ReferencePicker from "./ReferencePicker";
import type { CatalogField, ReferenceValue } from "./types";

interface Props {
  objectName: string;
  field: CatalogField;
  id?: string;
  value?: unknown;
  onChange?: (value: unknown) => void;
  /** The record's current reference, to name it before any search. */
  initialReference?: ReferenceValue | null;
}

export default function FieldInput({ objectName, field, id, value, onChange, initialReference }: Props) {
  const { t } = useTranslation("records");
  const catalog = useCatalog();
  const change = (v: unknown) => onChange?.(v);
  switch (field.type) {
    case "text":
      return (
        <Input.TextArea
          id={id}
          value={(value as string | undefined) ?? ""}
          onChange={(e) => change(e.target.value)}
          autoSize={{ minRows: 3, maxRows: 10 }}
          maxLength={field.max_length ?? undefined}
          showCount={!!field.max_length}
        />
      );
    case "integer":
      return (
        <InputNumber<number>
          id={id}
          value={(value as number | undefined) ?? null}
          onChange={(v) => change(v)}
          precision={0}
          style={{ width: "100%" }}
        />
      );
    case "decimal":
      return (
        <InputNumber<string>
          id={id}
          value={value === undefined || value === null ? null : String(value)}
          onChange={(v) => change(v)}
          stringMode
          precision={2}
          step="0.01"
          style={{ width: "100%" }}
        />
      );
    case "date":
      return (
        <DatePicker
          id={id}
          value={(value as Dayjs | undefined) ?? null}
          onChange={(d) => change(d)}
          style={{ width: "100%" }}
          placeholder={t("form.chooseDate")}
        />
      );
    case "datetime":
      return (
        <DatePicker
          id={id}
          showTime={{ format: "HH:mm" }}
          format="YYYY-MM-DD HH:mm"
          value={(value as Dayjs | undefined) ?? null}
          onChange={(d) => change(d)}
          style={{ width: "100%" }}
          placeholder={t("form.chooseDateTime")}
        />
      );
    case "enum":
      return (
        <Select<string>
          id={id}
          allowClear
          value={(value as string | undefined) ?? undefined}
          onChange={(v) => change(v ?? null)}
          options={field.choices.map((c) => ({ value: c, label: choiceLabel(t, objectName, field.name, c) }))}
          placeholder={t("form.choose")}
        />
      );
    case "reference":
      return (
        <ReferencePicker
          id={id}
          target={findObject(catalog.objects, field.ref ?? undefined)}
          value={(value as number | undefined) ?? null}
          onChange={change}
          initial={initialReference}
        />
      );
    default:
      return (
        <Input
          id={id}
          type={field.type === "email" ? "email" : field.type === "phone" ? "tel" : "text"}
          value={(value as string | undefined) ?? ""}
          onChange={(e) => change(e.target.value)}
          maxLength={field.max_length ?? undefined}
          autoComplete="off"
        />
      );
  }
}
