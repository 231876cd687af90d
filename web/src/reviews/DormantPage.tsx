// `/reviews/dormant`: grants not exercised in N days, from the audit log, per user and
// role — candidates for least privilege. What the log cannot tell is said plainly: reads
// of ordinary fields leave no trace, so a view grant's evidence is partial.

import { KeyOutlined, ReloadOutlined, SolutionOutlined } from "@ant-design/icons";
import {
  Alert, Button, Card, Col, Empty, InputNumber, Row, Segmented, Space, Statistic, Switch, Table, Tag,
  Tooltip, Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import Gate from "../access/Gate";
import { permissionsHref } from "../access/paths";
import { describeError } from "../api/client";
import { useMe } from "../auth/AuthContext";
import { objectLabel } from "../catalog/labels";
import { useFormat } from "../i18n/format";
import { reviewsApi } from "./api";
import "./i18n";
import { PersonText } from "./parts";
import { DORMANT_READERS } from "./paths";
import type { DormantAssignment, DormantGrant, DormantReport, DormantUser } from "./types";

const PRESETS = [30, 60, 90, 180, 365];
const MAX_DAYS = 3650;

export default function DormantPage() {
  return <Gate anyOf={DORMANT_READERS}><Dormant /></Gate>;
}

function GrantsTable({ assignment, cutoff }: { assignment: DormantAssignment; cutoff: string | null }) {
  const { t, i18n } = useTranslation("reviews");
  const fmt = useFormat();
  const heldShort = !!(assignment.granted_at && cutoff && assignment.granted_at > cutoff);
  const columns: ColumnsType<DormantGrant> = [
    { key: "object", title: t("dormant.object"), width: 130, render: (_, g) => objectLabel(g.object, i18n.language) },
    { key: "action", title: t("dormant.action"), width: 100, render: (_, g) => t(`common:actions.${g.action}`, { defaultValue: g.action }) },
    { key: "scope", title: t("dormant.scope"), width: 150, render: (_, g) => t(`dormant.scopes.${g.scope}`, { defaultValue: g.scope }) },
    {
      key: "last", title: t("dormant.lastUsed"), width: 200,
      render: (_, g) => (g.last_exercised
        ? <span>{fmt.dateTime(g.last_exercised)} <Typography.Text type="secondary">({fmt.relative(g.last_exercised)})</Typography.Text></span>
        : <Typography.Text type="secondary">{t("dormant.never")}</Typography.Text>),
    },
    {
      key: "state", title: t("dormant.state"), width: 150,
      render: (_, g) => (g.dormant ? <Tag color="volcano" data-dormant="yes">{t("dormant.isDormant")}</Tag>
        : g.last_exercised ? <Tag color="green">{t("dormant.used")}</Tag>
          : <Tooltip title={t("dormant.heldShortHint")}><Tag>{t("dormant.heldShort")}</Tag></Tooltip>),
    },
    {
      key: "evidence", title: t("dormant.evidence"), width: 150,
      render: (_, g) => (g.evidence === "partial"
        ? <Tooltip title={t("dormant.partialHint")}><Tag color="gold" data-evidence="partial">{t("dormant.partial")}</Tag></Tooltip>
        : <Tag data-evidence="audited">{t("dormant.audited")}</Tag>),
    },
  ];
  return (
    <Table<DormantGrant> rowKey={(g) => `${g.object}.${g.action}`} size="small" pagination={false}
                           columns={columns} dataSource={assignment.grants} scroll={{ x: 880 }}
                           locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE}
                                                       description={heldShort ? t("dormant.heldShortHint") : t("dormant.noneDormant")} /> }} />
  );
}

function UserRoles({ row, cutoff }: { row: DormantUser; cutoff: string | null }) {
  const { t, i18n } = useTranslation("reviews");
  const fmt = useFormat();
  const me = useMe();
  const readsAccess = me.permissions.includes("manage_roles") || me.permissions.includes("view_audit");
  const mayRevoke = me.permissions.includes("manage_roles");
  const zh = i18n.language.toLowerCase().startsWith("zh");
  return (
    <Space direction="vertical" size="small" style={{ width: "100%" }}>
      {readsAccess && (
        <Link to={permissionsHref(row.user.id)}><KeyOutlined /> {t("dormant.effective")}</Link>
      )}
      {row.roles.map((a) => (
        <div key={a.assignment_id} data-assignment={a.assignment_id}>
          <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 8 }} wrap>
            <Space wrap>
              <Typography.Text strong>{zh ? a.role.name : a.role.name_en || a.role.name}</Typography.Text>
              <Typography.Text type="secondary">
                {t("dormant.grantedAt", { date: fmt.dateTime(a.granted_at) })}
                {a.expires_at && ` · ${t("dormant.expiresAt", { date: fmt.dateTime(a.expires_at) })}`}
              </Typography.Text>
              <Tag color={a.dormant ? "volcano" : "green"}>
                {t("dormant.dormantOf", { n: fmt.number(a.dormant), total: fmt.number(a.total) })}
              </Tag>
            </Space>
            {mayRevoke && (
              <Link to={`/admin/assignments?user=${row.user.id}&role=${a.role.id}`} data-action="revoke-assignment">
                <SolutionOutlined /> {t("dormant.revoke")}
              </Link>
            )}
          </Space>
          <GrantsTable assignment={a} cutoff={cutoff} />
        </div>
      ))}
    </Space>
  );
}

function Dormant() {
  const { t, i18n } = useTranslation("reviews");
  const fmt = useFormat();
  const [days, setDays] = useState(90);
  const [dormantOnly, setDormantOnly] = useState(true);
  const [report, setReport] = useState<DormantReport | null>(null);
  const [users, setUsers] = useState<DormantUser[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (after: string | null) => {
    setLoading(true);
    try {
      const page = await reviewsApi.dormant(days, dormantOnly, after);
      setReport(page);
      setUsers((prev) => (after ? [...prev, ...page.users] : page.users));
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [days, dormantOnly]);
  useEffect(() => { void load(null); }, [load]);

  const zh = i18n.language.toLowerCase().startsWith("zh");
  const columns: ColumnsType<DormantUser> = [
    { key: "user", title: t("dormant.user"), width: 220, render: (_, u) => <PersonText person={u.user} /> },
    {
      key: "roles", title: t("dormant.roles"),
      render: (_, u) => (
        <Space size={[4, 4]} wrap>
          {u.roles.map((a) => (
            <Tag key={a.assignment_id} color={a.dormant ? "volcano" : undefined}>
              {zh ? a.role.name : a.role.name_en || a.role.name} · {fmt.number(a.dormant)}/{fmt.number(a.total)}
            </Tag>
          ))}
        </Space>
      ),
    },
    { key: "dormant", title: t("dormant.dormantGrants"), width: 130, align: "right", render: (_, u) => fmt.number(u.dormant) },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="dormant-page">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{t("dormant.title")}</Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void load(null)} aria-label={t("refresh")} />
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t("dormant.intro")}</Typography.Paragraph>
      <Space wrap align="center">
        <Typography.Text id="dormant-days-label">{t("dormant.days")}</Typography.Text>
        <Segmented<number> aria-labelledby="dormant-days-label" value={days} onChange={setDays}
                           options={PRESETS.map((d) => ({ value: d, label: t("dormant.daysOption", { n: d }) }))} />
        <InputNumber<number> min={1} max={MAX_DAYS} value={days} aria-label={t("dormant.daysInput")}
                             addonAfter={t("dormant.daysUnit")} style={{ width: 140 }} data-testid="dormant-days"
                             onChange={(v) => { if (v && Number.isInteger(v) && v >= 1 && v <= MAX_DAYS) setDays(v); }} />
        <Space>
          <Switch checked={dormantOnly} onChange={setDormantOnly} id="dormant-only" />
          <label htmlFor="dormant-only">{t("dormant.onlyDormant")}</label>
        </Space>
      </Space>
      <Alert type="info" showIcon message={t("dormant.noteTitle")} data-testid="dormant-note"
             description={<>
               <div>{t("dormant.noteAudited")}</div>
               <div>{t("dormant.notePartial")}</div>
               <div>{t("dormant.noteAny")}</div>
             </>} />
      {error !== null && (
        <Alert type="error" showIcon message={describeError(error, t)}
               action={<Button size="small" onClick={() => void load(null)}>{t("retry")}</Button>} />
      )}
      {report && (
        <Card size="small">
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}><Statistic title={t("dormant.sumUsers")} value={fmt.number(report.summary.users)} /></Col>
            <Col xs={12} md={6}><Statistic title={t("dormant.sumAssignments")} value={fmt.number(report.summary.assignments)} /></Col>
            <Col xs={12} md={6}><Statistic title={t("dormant.sumGrants")} value={fmt.number(report.summary.grants)} /></Col>
            <Col xs={12} md={6}>
              <Statistic title={t("dormant.sumDormant")} value={fmt.number(report.summary.dormant)}
                         valueStyle={report.summary.dormant ? { color: "#d4380d" } : undefined} data-testid="dormant-total" />
            </Col>
          </Row>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("dormant.asOf", { date: fmt.dateTime(report.as_of), cutoff: fmt.dateTime(report.cutoff) })}
          </Typography.Text>
        </Card>
      )}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<DormantUser>
          rowKey={(u) => u.user.id}
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={users}
          pagination={false}
          scroll={{ x: 700 }}
          onRow={(u) => ({ "data-user": u.user.username } as object)}
          expandable={{
            expandedRowRender: (u) => <UserRoles row={u} cutoff={report?.cutoff ?? null} />,
            expandRowByClick: true,
          }}
          locale={{ emptyText: <Empty description={t(dormantOnly ? "dormant.emptyDormant" : "dormant.empty")} /> }}
        />
      </Card>
      {report?.next_cursor && (
        <Button block loading={loading} onClick={() => void load(report.next_cursor)}>{t("loadMore")}</Button>
      )}
    </Space>
  );
}
