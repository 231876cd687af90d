// The answer of a what-if, shown before saving: how many users the change reaches and how
// many of them it changes, the records becoming visible or invisible, the engine's notes,
// and per changed user what changes, in words (paged: a role may have many holders).

import { Alert, Button, Card, Col, Empty, Row, Space, Spin, Statistic, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { describeError } from "../api/client";
import { departmentName, roleName } from "../access/directory";
import { useDepartments, useRoles } from "../access/pickers";
import { useFormat } from "../i18n/format";
import { changeLines, recordLines } from "./describe";
import "./i18n";
import type { Impact } from "./useImpact";
import type { UserChange } from "./types";

const SHOWN_LINES = 5;

function Lines({ lines }: { lines: string[] }) {
  const { t } = useTranslation("whatif");
  const [all, setAll] = useState(false);
  const shown = all ? lines : lines.slice(0, SHOWN_LINES);
  const hidden = lines.length - shown.length;
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="impact-lines">
      {shown.map((line, i) => <li key={i}>{line}</li>)}
      {(hidden > 0 || all) && lines.length > SHOWN_LINES && (
        <li style={{ listStyle: "none" }}>
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setAll(!all)}>
            {all ? t("showLess") : t("showMore", { count: hidden })}
          </Button>
        </li>
      )}
    </ul>
  );
}

export default function ImpactView({ impact }: { impact: Impact }) {
  const { t, i18n } = useTranslation("whatif");
  const fmt = useFormat();
  const roles = useRoles();
  const departments = useDepartments();
  const { answer, loading, pageError } = impact;
  const lang = i18n.language;

  const roleLabel = useMemo(() => {
    const byKey = new Map(roles.items.map((r) => [r.key, roleName(r, lang)]));
    return (key: string) => byKey.get(key) ?? key;
  }, [roles.items, lang]);
  const departmentLabel = useMemo(() => {
    const byId = new Map(departments.items.map((d) => [d.id, departmentName(d, lang)]));
    return (id: number) => byId.get(id) ?? `#${id}`;
  }, [departments.items, lang]);

  if (!answer) {
    return loading ? (
      <div style={{ textAlign: "center", padding: 24 }} data-testid="impact-computing">
        <Spin /> <Typography.Text type="secondary">{t("computing")}</Typography.Text>
      </div>
    ) : null;
  }
  const { totals } = answer;
  const records = recordLines(totals.records, lang, t);

  const columns: ColumnsType<UserChange> = [
    {
      key: "user", title: t("user"), width: 220,
      render: (_, u) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{u.display_name}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {u.username} · {departmentLabel(u.department_id)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: "changes", title: t("whatChanges"),
      render: (_, u) => <Lines lines={changeLines(u, lang, t, roleLabel)} />,
    },
  ];

  return (
    <Card size="small" title={t("title")} data-testid="impact-view"
          data-changed={totals.changed} data-unchanged={totals.unchanged}
          style={{ marginTop: 8 }}>
      <Space direction="vertical" size="middle" style={{ width: "100%" }}>
        <Row gutter={[16, 8]}>
          <Col xs={12} sm={6}>
            <Statistic title={t("changed")} value={fmt.number(totals.changed)}
                       valueStyle={totals.changed ? { color: "#d46b08" } : undefined}
                       data-testid="impact-changed" />
          </Col>
          <Col xs={12} sm={6}>
            <Statistic title={t("unchanged")} value={fmt.number(totals.unchanged)} data-testid="impact-unchanged" />
          </Col>
          <Col xs={12} sm={6}>
            <Statistic title={t("scopeChanges")} value={fmt.number(totals.scope_changes)} />
          </Col>
          <Col xs={12} sm={6}>
            <Statistic title={t("fieldChanges")} value={fmt.number(totals.field_changes)} />
          </Col>
        </Row>
        {records.length > 0 && (
          <div data-testid="impact-records">
            <Typography.Text type="secondary">{t("recordsTitle")}</Typography.Text>
            <div style={{ marginTop: 4 }}>
              {records.map((line) => <Tag key={line} style={{ marginBottom: 4 }}>{line}</Tag>)}
            </div>
          </div>
        )}
        {answer.notes.map((n) => (
          <Alert key={n.code} type={n.code === "needs_second_approval" ? "warning" : "info"} showIcon
                 message={t(`note.${n.code}`, { defaultValue: n.message })} data-note={n.code} />
        ))}
        {pageError !== null && (
          <Alert type="error" showIcon message={t("pageFailed", { error: describeError(pageError, t) })}
                 action={<Button size="small" onClick={() => impact.page(answer.offset)}>{t("retry")}</Button>} />
        )}
        {totals.changed === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} data-testid="impact-none"
                 description={<>
                   <div>{totals.users ? t("noChange") : t("noUsers")}</div>
                   <Typography.Text type="secondary">{t("noChangeHint")}</Typography.Text>
                 </>} />
        ) : (
          <Table<UserChange>
            rowKey="user_id"
            size="small"
            loading={loading}
            columns={columns}
            dataSource={answer.users}
            onRow={(u) => ({ "data-username": u.username } as object)}
            scroll={{ x: 560 }}
            pagination={{
              current: Math.floor(answer.offset / answer.limit) + 1,
              pageSize: answer.limit,
              total: totals.changed,
              showSizeChanger: false,
              hideOnSinglePage: true,
              size: "small",
              showTotal: (total, [from, to]) => t("pageTotal", {
                from: fmt.number(from), to: fmt.number(to), total: fmt.number(total),
              }),
              onChange: (p) => impact.page((p - 1) * answer.limit),
            }}
          />
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t("checked", { count: totals.users, n: fmt.number(totals.users) })} ·{" "}
          {t("computedAt", { time: fmt.dateTime(answer.computed_at), version: answer.policy_version })}
        </Typography.Text>
      </Space>
    </Card>
  );
}
