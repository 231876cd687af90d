// `/audit?actor=&action=&object=&record=&from=&to=`: the audit log (view_audit) — the
// chain's verification status, filters, a paged table newest first (before_seq paging),
// each event's detail with before and after, and an export of the filtered events as
// JSON Lines.

import { LeftOutlined, ReloadOutlined, RightOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Empty, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";

import Gate from "../access/Gate";
import { api, describeError } from "../api/client";
import { useFormat } from "../i18n/format";
import { actionLabel, auditObjectLabel } from "./actions";
import AuditFilters from "./AuditFilters";
import ChainStatus from "./ChainStatus";
import EventDrawer from "./EventDrawer";
import ExportButton from "./ExportButton";
import "./i18n";
import type { AuditEvent, AuditFilters as Filters, AuditPage as Page } from "./types";

const PAGE_SIZES = [20, 50, 100, 200];
const FAMILY_COLORS: Record<string, string> = {
  auth: "default", org: "cyan", access: "purple", record: "blue", audit: "gold",
};
const REFUSALS = new Set(["access.denied", "auth.login_failed"]);

function actionColor(action: string): string | undefined {
  return REFUSALS.has(action) ? "red" : FAMILY_COLORS[action.split(".")[0] ?? ""];
}

export function filtersOf(params: URLSearchParams): Filters {
  const actor = Number(params.get("actor"));
  const text = (k: string) => params.get(k) || undefined;
  return {
    actor: Number.isInteger(actor) && actor > 0 ? actor : undefined,
    action: text("action"), object: text("object"), record: text("record"), from: text("from"), to: text("to"),
  };
}

function toParams(filters: Filters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== "") out[k] = String(v);
  return out;
}

export default function AuditPage() {
  return <Gate anyOf={["view_audit"]}><AuditScreen /></Gate>;
}

function AuditScreen() {
  const { t, i18n } = useTranslation("audit");
  const fmt = useFormat();
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  const filters = useMemo(() => filtersOf(params), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const [size, setSize] = useState(50);
  // the before_seq of each page opened so far under these filters: [undefined (newest), …]
  const scope = `${key}|${size}`;
  const [paging, setPaging] = useState<{ scope: string; cursors: (number | undefined)[] }>({ scope, cursors: [undefined] });
  const cursors = paging.scope === scope ? paging.cursors : [undefined];
  const setCursors = (change: (c: (number | undefined)[]) => (number | undefined)[]) =>
    setPaging((p) => ({ scope, cursors: change(p.scope === scope ? p.cursors : [undefined]) }));
  const latest = useRef(0);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<{ seq: number; event: AuditEvent | null } | null>(null);
  const before = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    const ticket = ++latest.current;
    setLoading(true);
    try {
      const answer = await api.get<Page>("/audit/events", { ...filters, limit: size, before_seq: before });
      if (ticket !== latest.current) return;
      setPage(answer);
      setError(null);
    } catch (err) {
      if (ticket === latest.current) setError(err);
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }, [filters, size, before]);
  useEffect(() => { void load(); }, [load]);

  const columns: ColumnsType<AuditEvent> = [
    { key: "seq", title: "#", width: 70, render: (_, e) => <Typography.Text type="secondary">{e.seq}</Typography.Text> },
    { key: "at", title: t("column.at"), width: 180, render: (_, e) => (
      <Tooltip title={e.at}>{fmt.dateTime(e.at)}</Tooltip>
    ) },
    { key: "actor", title: t("column.actor"), width: 120,
      render: (_, e) => e.actor ?? <Typography.Text type="secondary">{t("system")}</Typography.Text> },
    { key: "action", title: t("column.action"), width: 200, render: (_, e) => (
      <Space direction="vertical" size={0}>
        <Tag color={actionColor(e.action)} style={{ marginInlineEnd: 0 }}>{actionLabel(t, e.action)}</Tag>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{e.action}</Typography.Text>
      </Space>
    ) },
    { key: "object", title: t("column.object"), width: 130, render: (_, e) => (
      <>
        {auditObjectLabel(t, e.object, i18n.language)}
        {e.record_id && <Typography.Text type="secondary"> #{e.record_id}</Typography.Text>}
      </>
    ) },
    { key: "reason", title: t("column.reason"), ellipsis: true,
      render: (_, e) => e.reason ?? <Typography.Text type="secondary">—</Typography.Text> },
    { key: "open", title: "", width: 80, render: (_, e) => (
      <Button type="link" size="small" onClick={() => setOpen({ seq: e.seq, event: e })}
              aria-label={t("detail.openNamed", { seq: e.seq })}>
        {t("detail.open")}
      </Button>
    ) },
  ];

  const filtered = Object.values(filters).some((v) => v !== undefined);
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="audit-page">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{t("title")}</Typography.Title>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => { if (cursors.length > 1) setCursors(() => [undefined]); else void load(); }}
                  aria-label={t("refresh")} />
          <ExportButton filters={filters} />
        </Space>
      </Space>
      <ChainStatus onOpen={(seq) => setOpen({ seq, event: null })} />
      <Card size="small">
        <AuditFilters key={key} value={filters} onChange={(f) => setParams(toParams(f))} />
      </Card>
      {error !== null && (
        <Alert type="error" showIcon message={describeError(error, t)}
               action={<Button size="small" onClick={() => void load()}>{t("retry")}</Button>} />
      )}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<AuditEvent>
          rowKey="seq"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={page?.items ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          data-testid="audit-table"
          onRow={(e) => ({
            "data-seq": e.seq, "data-action": e.action, style: { cursor: "pointer" },
            onClick: () => setOpen({ seq: e.seq, event: e }),
          } as object)}
          locale={{ emptyText: <Empty description={t(filtered ? "emptyFiltered" : "empty")} /> }}
        />
        <Space style={{ width: "100%", justifyContent: "space-between", padding: 12 }} wrap>
          <Typography.Text type="secondary">
            {t("pageOf", { page: cursors.length })}
          </Typography.Text>
          <Space wrap>
            <Select<number> aria-label={t("pageSize")} value={size} onChange={setSize} style={{ width: 136 }}
                            options={PAGE_SIZES.map((n) => ({ value: n, label: t("perPage", { count: n }) }))} />
            <Button icon={<LeftOutlined />} disabled={cursors.length <= 1 || loading}
                    onClick={() => setCursors((c) => c.slice(0, -1))} data-action="newer">
              {t("newer")}
            </Button>
            <Button disabled={!page?.next_before_seq || loading} data-action="older"
                    onClick={() => page?.next_before_seq && setCursors((c) => [...c, page.next_before_seq as number])}>
              {t("older")} <RightOutlined />
            </Button>
          </Space>
        </Space>
      </Card>
      <EventDrawer seq={open?.seq ?? null} initial={open?.event ?? null} onClose={() => setOpen(null)} />
    </Space>
  );
}
