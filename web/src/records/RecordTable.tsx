/** The records of one list page as a table: chosen columns, sortable headers for fields
 * the user can read, the title linking to the record, Edit only where `_editable`. */

import { Button, Empty, Table } from "antd";
import type { ColumnsType, SorterResult } from "antd/es/table/interface";
import type { TFunction } from "i18next";
import type { HTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import Clip from "./Clip";
import { isSystemColumn } from "./columns";
import FieldValue from "./FieldValue";
import { can, fieldLabel, isSortable, recordPath } from "./fields";
import { formatDateTime, formatListInstant } from "./format";
import { DepartmentName, UserName } from "./names";
import { parseSort } from "./query";
import type { CatalogObject, RecordItem } from "./types";

interface Props {
  obj: CatalogObject;
  items: RecordItem[];
  columns: string[];
  /** Without onSort the headers do not sort (small embedded lists). */
  sort?: string;
  onSort?: (sort: string) => void;
  loading: boolean;
  /** Without onEdit no Edit button is shown. */
  onEdit?: (record: RecordItem) => void;
  emptyText: string;
}

// Names, references and e-mail addresses give way when a list is wider than its window
// (cut, whole on hover; see Clip), every other cell keeps to one line: the default columns
// fit at 1280 pixels in both languages. The title field, what a record is called, does not
// give way. Even with room to spare they are at most this wide.
const CLIP_TITLE = 320;
const CLIP_OTHER = 240;
const CLIPPED_TYPES = new Set(["string", "email", "reference"]);

/** Cells name their column (`data-column`), for tests and styles, and keep to one line. */
function cellData(key: string): HTMLAttributes<HTMLElement> {
  return { "data-column": key, style: { whiteSpace: "nowrap" } } as HTMLAttributes<HTMLElement>;
}

function systemColumn(key: string, t: TFunction, language: string) {
  return {
    title: t(`system.${key}`),
    render: (_: unknown, r: RecordItem) => {
      if (key === "owner_id") return <UserName id={r.owner_id} />;
      if (key === "department_id") return <DepartmentName id={r.department_id} />;
      // short (today's time, else the date); the whole instant on hover
      const at = String(r[key]);
      return <span title={formatDateTime(at, language)}>{formatListInstant(at, language)}</span>;
    },
    // ids of owners and departments sort by number, which means nothing to a reader
    sortable: key === "created_at" || key === "updated_at",
  };
}

export default function RecordTable({
  obj,
  items,
  columns,
  sort = "",
  onSort,
  loading,
  onEdit,
  emptyText,
}: Props) {
  const { t, i18n } = useTranslation("records");
  const lang = i18n.language;
  const current = parseSort(sort);
  const order = (key: string) =>
    sort && current.field === key ? (current.descending ? ("descend" as const) : ("ascend" as const)) : null;

  const cols: ColumnsType<RecordItem> = [];
  for (const key of columns) {
    if (isSystemColumn(key)) {
      const c = systemColumn(key, t, lang);
      c.sortable = c.sortable && !!onSort;
      cols.push({
        key,
        dataIndex: key,
        title: c.title,
        render: c.render,
        sorter: c.sortable,
        sortOrder: c.sortable ? order(key) : null,
        onHeaderCell: () => cellData(key),
        onCell: () => cellData(key),
      });
      continue;
    }
    const field = obj.fields.find((f) => f.name === key);
    if (!field || field.level === "hidden") continue;
    const isTitle = key === obj.title_field;
    const sortable = isSortable(field) && !!onSort;
    const clipped = CLIPPED_TYPES.has(field.type) && field.level !== "masked";
    cols.push({
      key,
      dataIndex: key,
      title: fieldLabel(field, lang),
      align: field.type === "decimal" || field.type === "integer" ? "right" : undefined,
      sorter: sortable,
      sortOrder: sortable ? order(key) : null,
      ellipsis: field.type === "text",
      onHeaderCell: () => cellData(key),
      onCell: () => cellData(key),
      render: (_: unknown, r: RecordItem) => {
        const value = isTitle && field.level !== "masked" ? (
          <Link to={recordPath(obj.name, r.id)}>{String(r[key] ?? `#${r.id}`)}</Link>
        ) : (
          <FieldValue objectName={obj.name} field={field} value={r[key]} compact />
        );
        return clipped
          ? <Clip width={isTitle ? CLIP_TITLE : CLIP_OTHER} shrink={!isTitle}>{value}</Clip>
          : value;
      },
    });
  }
  const mayEdit = can(obj, "edit") && !!onEdit;
  cols.push({
    key: "_actions",
    title: t("list.actions"),
    fixed: "right",
    width: mayEdit ? 104 : 72,
    render: (_: unknown, r: RecordItem) => (
      <span style={{ whiteSpace: "nowrap" }}>
        <Link to={recordPath(obj.name, r.id)}>{t("action.open")}</Link>
        {mayEdit && r._editable && (
          <Button
            type="link"
            size="small"
            onClick={() => onEdit?.(r)}
            aria-label={t("action.editRecord", { id: r.id })}
            data-action="edit"
          >
            {t("action.edit")}
          </Button>
        )}
      </span>
    ),
  });

  return (
    <Table<RecordItem>
      rowKey="id"
      size="middle"
      columns={cols}
      dataSource={items}
      loading={loading}
      pagination={false}
      // as wide as the window allows (Clip columns narrowed first), scrolling sideways
      // inside the card only when even their headers do not fit
      scroll={{ x: true }}
      tableLayout="auto"
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} /> }}
      showSorterTooltip={{ title: t("list.sortTip") }}
      onChange={(_p, _f, sorter) => {
        const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<RecordItem> | undefined;
        const key = s?.columnKey ? String(s.columnKey) : "";
        if (!onSort) return;
        if (!s || !s.order || !key) onSort("");
        else onSort(s.order === "descend" ? `-${key}` : key);
      }}
    />
  );
}
