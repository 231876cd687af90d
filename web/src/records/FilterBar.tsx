/** The list's filters, built from the catalog: one control per chosen field, only fields
 * the user can read and whose type has the operator the control uses. */

import { CloseOutlined, FilterOutlined } from "@ant-design/icons";
import { Button, Dropdown, Space, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import FilterControl from "./FilterControl";
import { fieldLabel, isReadable } from "./fields";
import { filterFieldOf, withFieldFilters } from "./query";
import type { CatalogField, CatalogObject } from "./types";

const OP_FOR_TYPE: Record<string, string> = {
  enum: "in",
  date: "ge",
  datetime: "ge",
  decimal: "ge",
  integer: "ge",
  reference: "eq",
  string: "contains",
  text: "contains",
  phone: "contains",
  email: "contains",
};
const SHOWN_AT_FIRST = 3;

export function filterableFields(obj: CatalogObject): CatalogField[] {
  return obj.fields.filter((f) => isReadable(f) && f.filter_ops.includes(OP_FOR_TYPE[f.type] ?? "eq"));
}

interface Props {
  obj: CatalogObject;
  filters: Record<string, string>;
  onChange: (filters: Record<string, string>) => void;
}

export default function FilterBar({ obj, filters, onChange }: Props) {
  const { t, i18n } = useTranslation("records");
  const candidates = useMemo(() => filterableFields(obj), [obj]);
  const active = useMemo(() => new Set(Object.keys(filters).map(filterFieldOf)), [filters]);
  const defaults = useMemo(
    () =>
      candidates
        .filter((f) => f.type === "enum")
        .slice(0, SHOWN_AT_FIRST)
        .map((f) => f.name),
    [candidates],
  );
  const [added, setAdded] = useState<string[]>(defaults);
  const shown = candidates.filter((f) => added.includes(f.name) || active.has(f.name));
  const more = candidates.filter((f) => !shown.includes(f));

  if (candidates.length === 0) return null;

  const fieldValues = (name: string) =>
    Object.fromEntries(Object.entries(filters).filter(([k]) => filterFieldOf(k) === name));

  return (
    <Space wrap size={[12, 8]} className="vouch-filter-bar" role="group" aria-label={t("filter.title")}>
      {shown.map((f) => (
        <Space key={f.name} size={4} data-filter={f.name}>
          <Typography.Text type="secondary">{fieldLabel(f, i18n.language)}</Typography.Text>
          <FilterControl
            objectName={obj.name}
            field={f}
            value={fieldValues(f.name)}
            onChange={(next) => onChange(withFieldFilters(filters, f.name, next))}
          />
          {(active.has(f.name) || !defaults.includes(f.name)) && (
            <Button
              type="text"
              size="small"
              icon={<CloseOutlined />}
              aria-label={t("filter.remove", { field: fieldLabel(f, i18n.language) })}
              onClick={() => {
                setAdded((a) => a.filter((n) => n !== f.name));
                onChange(withFieldFilters(filters, f.name, {}));
              }}
            />
          )}
        </Space>
      ))}
      {more.length > 0 && (
        <Dropdown
          menu={{
            items: more.map((f) => ({ key: f.name, label: fieldLabel(f, i18n.language) })),
            onClick: ({ key }) => setAdded((a) => [...a, key]),
          }}
        >
          <Button icon={<FilterOutlined />}>{t("filter.add")}</Button>
        </Dropdown>
      )}
      {Object.keys(filters).length > 0 && (
        <Button type="link" onClick={() => onChange({})}>
          {t("filter.clear")}
        </Button>
      )}
    </Space>
  );
}
