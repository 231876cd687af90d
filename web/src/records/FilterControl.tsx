/** The filter input of one field, by type: a choice list for enums, a date range for
 * dates, min/max for numbers, "contains" for text, a record picker for references. It
 * reads and writes the field's `field__op` query keys. */

import { DatePicker, Input, InputNumber, Select, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { useCatalog } from "../catalog/CatalogContext";
import { fieldLabel, findObject } from "./fields";
import { choiceLabel } from "./format";
import ReferencePicker from "./ReferencePicker";
import type { CatalogField } from "./types";

interface Props {
  objectName: string;
  field: CatalogField;
  /** This field's current query keys and values. */
  value: Record<string, string>;
  onChange: (next: Record<string, string | undefined>) => void;
}

function TextFilter({ field, value, onChange, label }: Props & { label: string }) {
  const { t } = useTranslation("records");
  const key = `${field.name}__contains`;
  const [text, setText] = useState(value[key] ?? "");
  useEffect(() => setText(value[key] ?? ""), [value, key]);
  return (
    <Input.Search
      aria-label={label}
      placeholder={t("filter.contains")}
      allowClear
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value === "") onChange({ [key]: undefined });
      }}
      onSearch={(v) => onChange({ [key]: v.trim() || undefined })}
      style={{ width: 200 }}
    />
  );
}

function RangeFilter({ field, value, onChange, label }: Props & { label: string }) {
  const { t } = useTranslation("records");
  const lo = `${field.name}__ge`;
  const hi = `${field.name}__le`;
  const isMoney = field.type === "decimal";
  const num = (s: string | undefined) => (s === undefined || s === "" ? null : s);
  return (
    <Space.Compact>
      <InputNumber<string>
        aria-label={t("filter.minOf", { field: label })}
        placeholder={t("filter.min")}
        stringMode
        precision={isMoney ? 2 : 0}
        value={num(value[lo])}
        onChange={(v) => onChange({ [lo]: v ?? undefined, [hi]: value[hi] })}
        style={{ width: 120 }}
      />
      <InputNumber<string>
        aria-label={t("filter.maxOf", { field: label })}
        placeholder={t("filter.max")}
        stringMode
        precision={isMoney ? 2 : 0}
        value={num(value[hi])}
        onChange={(v) => onChange({ [lo]: value[lo], [hi]: v ?? undefined })}
        style={{ width: 120 }}
      />
    </Space.Compact>
  );
}

function DateRangeFilter({ field, value, onChange, label }: Props & { label: string }) {
  const { t } = useTranslation("records");
  const isInstant = field.type === "datetime";
  const lo = `${field.name}__ge`;
  // an instant range ends before the next day starts; a date range includes its last day
  const hi = isInstant ? `${field.name}__lt` : `${field.name}__le`;
  const from = value[lo] ? dayjs(value[lo]) : null;
  const to = value[hi] ? (isInstant ? dayjs(value[hi]).subtract(1, "day") : dayjs(value[hi])) : null;
  const write = (d: Dayjs | null, end: boolean) => {
    if (!d) return undefined;
    if (!isInstant) return d.format("YYYY-MM-DD");
    return (end ? d.startOf("day").add(1, "day") : d.startOf("day")).toISOString();
  };
  return (
    <DatePicker.RangePicker
      aria-label={label}
      allowEmpty={[true, true]}
      placeholder={[t("filter.from"), t("filter.to")]}
      value={[from, to]}
      onChange={(range) =>
        onChange({ [lo]: write(range?.[0] ?? null, false), [hi]: write(range?.[1] ?? null, true) })
      }
    />
  );
}

export default function FilterControl(props: Props) {
  const { t, i18n } = useTranslation("records");
  const catalog = useCatalog();
  const { objectName, field, value, onChange } = props;
  const label = fieldLabel(field, i18n.language);
  switch (field.type) {
    case "enum": {
      const key = `${field.name}__in`;
      const chosen = value[key] ? value[key].split(",") : [];
      return (
        <Select<string[]>
          aria-label={label}
          mode="multiple"
          allowClear
          maxTagCount="responsive"
          placeholder={t("filter.any")}
          value={chosen}
          onChange={(v) => onChange({ [key]: v.length ? v.join(",") : undefined })}
          options={field.choices.map((c) => ({ value: c, label: choiceLabel(t, objectName, field.name, c) }))}
          style={{ minWidth: 160, maxWidth: 280 }}
        />
      );
    }
    case "date":
    case "datetime":
      return <DateRangeFilter {...props} label={label} />;
    case "decimal":
    case "integer":
      return <RangeFilter {...props} label={label} />;
    case "reference": {
      const id = value[field.name];
      return (
        <ReferencePicker
          aria-label={label}
          target={findObject(catalog.objects, field.ref ?? undefined)}
          value={id ? Number(id) : null}
          onChange={(v) => onChange({ [field.name]: v === null ? undefined : String(v) })}
          style={{ width: 200 }}
        />
      );
    }
    default:
      return <TextFilter {...props} label={label} />;
  }
}
