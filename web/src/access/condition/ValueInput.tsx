// The value of one condition row, by the field's type and the operator: a choice list for
// enums, a date picker for dates, a number for numbers, people and departments by name,
// records by their title; several values for in / not in.

import { DatePicker, Input, InputNumber, Select } from "antd";
import dayjs from "dayjs";
import type { Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";

import type { CatalogObject } from "../../api/types";
import { useCatalog } from "../../catalog/CatalogContext";
import { choiceLabel } from "../../records/format";
import "../../records/i18n";
import ReferencePicker from "../../records/ReferencePicker";
import { DepartmentSelect, UserSelect } from "../pickers";
import { LIST_OPS, NO_VALUE_OPS } from "./model";
import type { ConditionField, LeafValue, Op, Scalar } from "./model";

interface Props {
  obj: CatalogObject | undefined;
  field: ConditionField;
  op: Op;
  value: LeafValue;
  onChange: (value: LeafValue) => void;
  status?: "error";
  id?: string;
  label: string;
}

const DATE = "YYYY-MM-DD";
const WIDE = { width: "100%", minWidth: 180 };

function asList(value: LeafValue): Scalar[] {
  return Array.isArray(value) ? value : value === null ? [] : [value];
}

function asOne(value: LeafValue): Scalar | null {
  return Array.isArray(value) ? value[0] ?? null : value;
}

/** Typed-in integers as numbers (a malformed one stays text: the server names it). */
function integers(values: string[]): Scalar[] {
  return values.map((v) => (/^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v));
}

function numbersOnly(value: LeafValue): number[] {
  return asList(value).filter((v): v is number => typeof v === "number");
}

export default function ValueInput({ obj, field, op, value, onChange, status, id, label }: Props) {
  const { t } = useTranslation("access");
  const { t: tr } = useTranslation("records");
  const catalog = useCatalog();
  if (NO_VALUE_OPS.includes(op)) return null;
  const list = LIST_OPS.includes(op);
  const common = { id, status, "aria-label": label, style: WIDE };
  const tags = (placeholder: string, parse: (v: string[]) => Scalar[] = (v) => v) => (
    <Select<string[]>
      {...common}
      mode="tags"
      open={false}
      tokenSeparators={[",", "，", " "]}
      value={asList(value).map(String)}
      onChange={(v) => onChange(parse(v))}
      placeholder={placeholder}
      suffixIcon={null}
    />
  );

  if (field.type === "enum" && op !== "contains") {
    return (
      <Select<Scalar | Scalar[]>
        {...common}
        mode={list ? "multiple" : undefined}
        allowClear
        showSearch
        optionFilterProp="label"
        value={list ? asList(value) : asOne(value) ?? undefined}
        onChange={(v) => onChange(v ?? null)}
        options={field.choices.map((c) => ({
          value: c, label: choiceLabel(tr, obj?.name ?? "", field.name, c),
        }))}
        placeholder={t(list ? "builder.chooseValues" : "builder.chooseValue")}
      />
    );
  }

  if (field.type === "reference") {
    if (field.ref === "user") {
      return list
        ? <UserSelect<number[]> {...common} multiple inactive value={numbersOnly(value)} onChange={onChange} />
        : <UserSelect<number | null> {...common} inactive value={numbersOnly(value)[0] ?? null}
                                     onChange={onChange} />;
    }
    if (field.ref === "department") {
      return list
        ? <DepartmentSelect<number[]> {...common} multiple value={numbersOnly(value)} onChange={onChange} />
        : <DepartmentSelect<number | null> {...common} value={numbersOnly(value)[0] ?? null}
                                           onChange={onChange} />;
    }
    const target = field.ref === "self" ? obj : catalog.object(field.ref ?? undefined);
    if (!list && target?.actions.includes("view")) {
      const one = asOne(value);
      return (
        <ReferencePicker id={id} aria-label={label} target={target} style={WIDE}
                         value={typeof one === "number" ? one : null}
                         onChange={(v) => onChange(v)}
                         placeholder={t("builder.chooseRecord")} />
      );
    }
    return list
      ? tags(t("builder.typeIds"), integers)
      : <InputNumber<number> {...common} min={1} precision={0} value={numbersOnly(value)[0] ?? null}
                             onChange={(v) => onChange(v ?? null)} placeholder={t("builder.recordId")} />;
  }

  if (field.type === "integer" || field.type === "decimal") {
    const decimal = field.type === "decimal";
    if (list) return tags(t("builder.typeNumbers"), decimal ? (v) => v : integers);
    const one = asOne(value);
    return decimal ? (
      <InputNumber<string> {...common} stringMode value={one === null ? null : String(one)}
                           onChange={(v) => onChange(v === null || v === "" ? null : v)}
                           placeholder={t("builder.enterNumber")} />
    ) : (
      <InputNumber<number> {...common} precision={0} value={typeof one === "number" ? one : null}
                           onChange={(v) => onChange(v ?? null)} placeholder={t("builder.enterNumber")} />
    );
  }

  if (field.type === "date") {
    if (list) {
      const days = asList(value).map((v) => dayjs(String(v), DATE)).filter((d) => d.isValid());
      return (
        <DatePicker {...common} multiple value={days} format={DATE}
                    onChange={(ds: Dayjs[] | null) => onChange((ds ?? []).map((d) => d.format(DATE)))}
                    placeholder={t("builder.chooseDates")} />
      );
    }
    const one = asOne(value);
    const day = one === null ? null : dayjs(String(one), DATE);
    return (
      <DatePicker {...common} format={DATE} value={day?.isValid() ? day : null}
                  onChange={(d: Dayjs | null) => onChange(d ? d.format(DATE) : null)}
                  placeholder={t("builder.chooseDate")} />
    );
  }

  if (field.type === "datetime") {
    if (list) return tags(t("builder.typeInstants"));
    const one = asOne(value);
    const at = one === null ? null : dayjs(String(one));
    return (
      <DatePicker {...common} showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm"
                  value={at?.isValid() ? at : null}
                  onChange={(d: Dayjs | null) => onChange(d ? d.second(0).format() : null)}
                  placeholder={t("builder.chooseInstant")} />
    );
  }

  if (list) return tags(t("builder.typeValues"));
  const one = asOne(value);
  return (
    <Input {...common} value={one === null ? "" : String(one)} maxLength={400}
           onChange={(e) => onChange(e.target.value)}
           placeholder={t(op === "contains" ? "builder.enterText" : "builder.enterValue")} />
  );
}
