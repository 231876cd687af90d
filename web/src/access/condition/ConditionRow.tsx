// One comparison: field → operator (only those valid for the field's type) → value.

import { Select } from "antd";
import { useTranslation } from "react-i18next";

import type { CatalogObject } from "../../api/types";
import { conditionFieldLabel, opLabel } from "./fieldLabels";
import { findField, opsFor, valueForOp } from "./model";
import type { ConditionField, LeafNode, Op, Problem } from "./model";
import ValueInput from "./ValueInput";

interface Props {
  obj: CatalogObject | undefined;
  fields: ConditionField[];
  node: LeafNode;
  onChange: (node: LeafNode) => void;
  problem: Problem | undefined;
  disabled?: boolean;
}

export default function ConditionRow({ obj, fields, node, onChange, problem, disabled }: Props) {
  const { t, i18n } = useTranslation("access");
  const lang = i18n.language;
  const field = findField(fields, node.field);
  const bad = (part: Problem["part"]) => (problem?.part === part ? "error" as const : undefined);
  const own = fields.filter((f) => f.catalog);
  const system = fields.filter((f) => !f.catalog);
  const fieldOptions = [
    { label: t("builder.fieldsOfObject"), options: own.map((f) => ({ value: f.name, label: conditionFieldLabel(t, f, lang) })) },
    { label: t("builder.fieldsOfRecord"), options: system.map((f) => ({ value: f.name, label: conditionFieldLabel(t, f, lang) })) },
  ];
  if (field && !fields.some((f) => f.name === field.name)) {
    fieldOptions[0]?.options.push({ value: field.name, label: field.name });
  }

  return (
    <>
      <Select<string>
        aria-label={t("builder.field")}
        data-part="field"
        showSearch
        optionFilterProp="label"
        status={bad("field")}
        disabled={disabled}
        style={{ width: 170 }}
        popupMatchSelectWidth={false}
        value={node.field ?? undefined}
        placeholder={t("builder.chooseField")}
        options={fieldOptions}
        onChange={(name) => {
          const next = findField(fields, name);
          const ops = next ? opsFor(next.type) : [];
          const keep = node.op && ops.includes(node.op) && next?.type === field?.type;
          onChange({ ...node, field: name, op: keep ? node.op : "eq", value: keep ? node.value : null });
        }}
      />
      <Select<Op>
        aria-label={t("builder.operator")}
        data-part="op"
        status={bad("op")}
        disabled={disabled || !field}
        style={{ width: 130 }}
        popupMatchSelectWidth={false}
        value={node.op ?? undefined}
        placeholder={t("builder.chooseOp")}
        options={(field ? opsFor(field.type) : []).map((op) => ({ value: op, label: opLabel(t, op) }))}
        onChange={(op) => onChange({ ...node, op, value: valueForOp(node.value, node.op, op) })}
      />
      {field && node.op && (
        <div data-part="value" style={{ flex: "1 1 200px", minWidth: 180 }}>
          <ValueInput
            obj={obj}
            field={field}
            op={node.op}
            value={node.value}
            status={bad("value")}
            label={t("builder.valueOf", { field: conditionFieldLabel(t, field, lang) })}
            onChange={(value) => onChange({ ...node, value })}
          />
        </div>
      )}
    </>
  );
}
