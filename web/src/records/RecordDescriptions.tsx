/** Every field this user may see of one record (hidden fields are absent), then the
 * system columns. */

import { Descriptions } from "antd";
import { useTranslation } from "react-i18next";

import FieldValue from "./FieldValue";
import { fieldLabel, visibleFields } from "./fields";
import { formatDateTime } from "./format";
import { DepartmentName, UserName } from "./names";
import type { CatalogObject, RecordItem } from "./types";

export default function RecordDescriptions({ obj, record }: { obj: CatalogObject; record: RecordItem }) {
  const { t, i18n } = useTranslation("records");
  const lang = i18n.language;
  const items = [
    ...visibleFields(obj).map((f) => ({
      key: f.name,
      label: fieldLabel(f, lang),
      span: f.type === "text" ? ("filled" as const) : 1,
      children: <FieldValue objectName={obj.name} field={f} value={record[f.name]} />,
    })),
    { key: "owner_id", label: t("system.owner_id"), span: 1, children: <UserName id={record.owner_id} /> },
    {
      key: "department_id",
      label: t("system.department_id"),
      span: 1,
      children: <DepartmentName id={record.department_id} />,
    },
    {
      key: "created_at",
      label: t("system.created_at"),
      span: 1,
      children: formatDateTime(record.created_at, lang),
    },
    {
      key: "updated_at",
      label: t("system.updated_at"),
      span: 1,
      children: formatDateTime(record.updated_at, lang),
    },
    { key: "version", label: t("system.version"), span: 1, children: record.version },
  ];
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 3, xxl: 3 }}
      items={items}
    />
  );
}
