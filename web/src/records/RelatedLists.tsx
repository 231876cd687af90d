/** Records of other objects that point at this one (a customer's contacts, opportunities,
 * contracts…), each list filtered by the reference field, so it holds only records this
 * user can view; offered only where the user may view the object and read the field. */

import { Card, Tabs } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, describeError } from "../api/client";
import { useCatalog } from "../catalog/CatalogContext";
import { apiPath, can, defaultColumns, fieldLabel, isReadable, pluralLabel, recordPath } from "./fields";
import RecordTable from "./RecordTable";
import type { CatalogField, CatalogObject, RecordPage } from "./types";

const SHOWN = 5;

interface Relation {
  obj: CatalogObject;
  field: CatalogField;
}

export function relationsTo(objects: CatalogObject[], target: string): Relation[] {
  const out: Relation[] = [];
  for (const obj of objects) {
    if (!can(obj, "view")) continue;
    for (const field of obj.fields) {
      if (field.type === "reference" && field.ref === target && isReadable(field)) out.push({ obj, field });
    }
  }
  return out;
}

function RelatedList({ relation, id }: { relation: Relation; id: number }) {
  const { t } = useTranslation("records");
  const { obj, field } = relation;
  const [page, setPage] = useState<RecordPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    api.get<RecordPage>(apiPath(obj), { [field.name]: id, limit: SHOWN, total: true }).then(
      (p) => live && (setPage(p), setError(null)),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [obj, field.name, id]);
  const columns = defaultColumns(obj, 3).filter((c) => c !== field.name);
  const total = page?.total ?? 0;
  return (
    <>
      <RecordTable
        obj={obj}
        items={page?.items ?? []}
        columns={columns}
        loading={page === null && error === null}
        emptyText={error !== null ? describeError(error, t, { object: obj.name }) : t("related.none")}
      />
      {total > SHOWN && (
        <div style={{ padding: "8px 0" }}>
          <Link to={`${recordPath(obj.name)}?${field.name}=${id}`}>{t("related.all", { count: total })}</Link>
        </div>
      )}
    </>
  );
}

export default function RelatedLists({ obj, id }: { obj: CatalogObject; id: number }) {
  const { t, i18n } = useTranslation("records");
  const catalog = useCatalog();
  const relations = relationsTo(catalog.objects, obj.name);
  if (relations.length === 0) return null;
  const twice = (r: Relation) => relations.filter((x) => x.obj.name === r.obj.name).length > 1;
  return (
    <Card title={t("related.title")} size="small">
      <Tabs
        items={relations.map((r) => ({
          key: `${r.obj.name}.${r.field.name}`,
          label: twice(r)
            ? `${pluralLabel(r.obj, i18n.language)} · ${fieldLabel(r.field, i18n.language)}`
            : pluralLabel(r.obj, i18n.language),
          children: <RelatedList relation={r} id={id} />,
        }))}
      />
    </Card>
  );
}
