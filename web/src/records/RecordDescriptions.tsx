/** Every field this user may see of one record (hidden fields are absent), then the
 * system columns. Short values share rows; long text takes a row of its own, so that a
 * contract's terms do not squeeze the labels beside them. */

import { Descriptions } from "antd";
import type { DescriptionsProps } from "antd";
import { useTranslation } from "react-i18next";

import FieldValue from "./FieldValue";
import { fieldLabel, visibleFields } from "./fields";
import { formatDateTime } from "./format";
import { DepartmentName, UserName } from "./names";
import type { CatalogField, CatalogObject, RecordItem } from "./types";

const COLUMNS = { xs: 1, sm: 1, md: 2, lg: 2, xl: 3, xxl: 3 };

const isLong = (f: CatalogField) => f.type === "text";

export default function RecordDescriptions({ obj, record }: { obj: CatalogObject; record: RecordItem }) {
  const { t, i18n } = useTranslation("records");
  const lang = i18n.language;
  const fields = visibleFields(obj);
  type Item = NonNullable<DescriptionsProps["items"]>[number];
  const field = (f: CatalogField, span: Item["span"]): Item => ({
    key: f.name,
    label: fieldLabel(f, lang),
    span,
    children: <FieldValue objectName={obj.name} field={f} value={record[f.name]} />,
  });
  const short = fields.filter((f) => !isLong(f));
  const items: Item[] = [
    // the last short one fills its row, so that long text starts on a row of its own
    ...short.map((f, i) => field(f, i === short.length - 1 ? "filled" : 1)),
    ...fields.filter(isLong).map((f) => field(f, COLUMNS)),
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
    { key: "version", label: t("system.version"), span: "filled", children: record.version },
  ];
  return (
    <Descriptions
      bordered
      size="small"
      column={COLUMNS}
      items={items}
      styles={{ label: { whiteSpace: "nowrap" } }}
    />
  );
}
