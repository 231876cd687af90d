/** `/records/:object`: the list of one catalog object — search, filters, sortable
 * columns, keyset paging with the total, and the actions this user may take. */

import { PlusOutlined, ReloadOutlined, UploadOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Input, Space, Typography } from "antd";
import { useCallback, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";

import { describeError } from "../api/client";
import ColumnChooser from "./ColumnChooser";
import { availableColumns, loadColumns, saveColumns } from "./columns";
import ExportButton from "./ExportButton";
import { can, isReadable, objectNoun, pluralLabel } from "./fields";
import FilterBar from "./FilterBar";
import "./i18n";
import ImportWizard from "./ImportWizard";
import ListPager, { DEFAULT_PAGE_SIZE } from "./ListPager";
import ObjectGate from "./ObjectGate";
import { parseQuery, queryToSearch, type ListQuery } from "./query";
import RecordForm from "./RecordForm";
import RecordTable from "./RecordTable";
import type { CatalogObject, RecordItem } from "./types";
import { useRecordList } from "./useRecordList";

export default function RecordListPage() {
  return <ObjectGate>{(obj) => <ListScreen key={obj.name} obj={obj} />}</ObjectGate>;
}

function ListScreen({ obj }: { obj: CatalogObject }) {
  const { t, i18n } = useTranslation("records");
  const lang = i18n.language;
  const [searchParams, setSearchParams] = useSearchParams();
  const query = useMemo(() => parseQuery(obj, searchParams), [obj, searchParams]);
  const setQuery = useCallback((next: ListQuery) => setSearchParams(queryToSearch(next)), [setSearchParams]);
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const [columns, setColumns] = useState(() => loadColumns(obj));
  const [editing, setEditing] = useState<RecordItem | "new" | null>(null);
  const [importing, setImporting] = useState(false);
  const list = useRecordList(obj, query, pageSize);

  const searchable = obj.fields.some((f) => f.searchable && isReadable(f));
  const mayCreate = can(obj, "create") && obj.fields.some((f) => f.writable_on_create);
  const mayImport = can(obj, "import") && can(obj, "create");
  const filtered = !!query.q || Object.keys(query.filters).length > 0;
  const plural = pluralLabel(obj, lang);

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-object={obj.name}>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {plural}
        </Typography.Title>
        <Space wrap>
          {searchable && (
            <Input.Search
              key={query.q}
              aria-label={t("list.search")}
              placeholder={t("list.searchPlaceholder")}
              defaultValue={query.q}
              allowClear
              onSearch={(q) => setQuery({ ...query, q: q.trim() })}
              style={{ width: 264 }}
            />
          )}
          <Button icon={<ReloadOutlined />} onClick={list.reload} aria-label={t("action.refresh")} />
          <ColumnChooser
            choices={availableColumns(obj, t, lang)}
            value={columns}
            onChange={(keys) => {
              setColumns(keys);
              saveColumns(obj, keys);
            }}
            onReset={() => {
              saveColumns(obj, []);
              setColumns(loadColumns(obj));
            }}
          />
          {can(obj, "export") && <ExportButton obj={obj} query={query} />}
          {mayImport && (
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-action="import">
              {t("import.button")}
            </Button>
          )}
          {mayCreate && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing("new")}
              data-action="create"
            >
              {t("action.new", { object: objectNoun(obj, lang) })}
            </Button>
          )}
        </Space>
      </Space>
      <FilterBar obj={obj} filters={query.filters} onChange={(filters) => setQuery({ ...query, filters })} />
      {list.error !== null && (
        <Alert
          type="error"
          showIcon
          message={describeError(list.error, t)}
          action={
            <Button size="small" onClick={list.reload}>
              {t("action.retry")}
            </Button>
          }
        />
      )}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <RecordTable
          obj={obj}
          items={list.items}
          columns={columns}
          sort={query.sort}
          onSort={(sort) => setQuery({ ...query, sort })}
          loading={list.loading}
          onEdit={(r) => setEditing(r)}
          emptyText={filtered ? t("list.emptyFiltered") : t("list.empty", { object: objectNoun(obj, lang) })}
        />
      </Card>
      <ListPager
        pageNumber={list.pageNumber}
        total={list.total}
        hasPrevious={list.hasPrevious}
        hasNext={list.hasNext}
        onPrevious={list.previous}
        onNext={list.next}
        pageSize={pageSize}
        onPageSize={setPageSize}
      />
      <RecordForm
        obj={obj}
        record={editing === "new" ? null : editing}
        open={editing !== null}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          list.reload();
        }}
      />
      {mayImport && (
        <ImportWizard
          obj={obj}
          open={importing}
          onClose={() => setImporting(false)}
          onImported={list.reload}
        />
      )}
    </Space>
  );
}
