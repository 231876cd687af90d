// My open tasks, soonest due first: each links to its detail screen; its due date in the
// user's language, an overdue one marked.

import { ReloadOutlined } from "@ant-design/icons";
import { Button, Card, List, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api } from "../api/client";
import type { CatalogObject, Me } from "../api/types";
import { fieldLabel } from "../catalog/labels";
import "../records/i18n";
import { apiPath, isReadable, recordPath, referenceOf } from "../records/fields";
import { choiceLabel, formatDate } from "../records/format";
import type { RecordItem, RecordPage } from "../records/types";
import CardState from "./CardState";
import "./i18n";
import { recordTitle, todayKey } from "./recordTitle";
import { useLoad } from "./useLoad";

const SHOWN = 8;
/** Due tags end where the plain due dates do (a tag keeps a margin after it). */
const FLUSH = { marginInlineEnd: 0 };

/** The list's filters and order, using only fields this user can read. */
function taskQuery(task: CatalogObject, me: Me): Record<string, string> {
  const readable = (name: string) => {
    const f = task.fields.find((x) => x.name === name);
    return !!f && isReadable(f);
  };
  const query: Record<string, string> = { owner_id: String(me.id) };
  if (readable("status")) query.status = "open";
  if (readable("due_on")) query.sort = "due_on";
  return query;
}

function Due({ due }: { due: unknown }) {
  const { t, i18n } = useTranslation("home");
  if (typeof due !== "string" || !due) {
    return <Typography.Text type="secondary">{t("tasks.noDue")}</Typography.Text>;
  }
  const date = formatDate(due, i18n.language);
  const today = todayKey();
  if (due < today) {
    return (
      <Tag color="error" data-testid="task-overdue" style={FLUSH}>{t("tasks.overdue")} · {date}</Tag>
    );
  }
  if (due === today) return <Tag color="warning" style={FLUSH}>{t("tasks.dueToday")}</Tag>;
  return <Typography.Text type="secondary">{t("tasks.due", { date })}</Typography.Text>;
}

export default function MyTasksCard({ task, me }: { task: CatalogObject; me: Me }) {
  const { t, i18n } = useTranslation("home");
  const { t: tr } = useTranslation("records");
  const query = taskQuery(task, me);
  const key = JSON.stringify(query);
  const { data, loading, error, reload } = useLoad(
    (signal) => api.get<RecordPage>(apiPath(task), { ...query, limit: SHOWN, total: true },
                                    { signal }),
    key,
  );
  const items: RecordItem[] = data?.items ?? [];
  const total = data?.total ?? items.length;
  const listLink = `${recordPath(task.name)}?${new URLSearchParams(query).toString()}`;
  const priority = task.fields.find((f) => f.name === "priority");

  return (
    <Card title={t("tasks.title")} data-testid="home-tasks" style={{ height: "100%" }}
          extra={
            <Space size="small">
              {data && <Typography.Text type="secondary" data-testid="task-count">
                {t("tasks.count", { count: total })}
              </Typography.Text>}
              <Button type="text" size="small" icon={<ReloadOutlined />} onClick={reload}
                      aria-label={t("refresh")} />
              <Link to={listLink}>{t("viewAll")}</Link>
            </Space>
          }>
      <CardState loading={loading} error={error} retry={reload}
                 empty={items.length ? null : t("tasks.empty")}>
        <List
          size="small"
          dataSource={items}
          rowKey="id"
          renderItem={(item) => {
            const overdue = typeof item.due_on === "string" && item.due_on < todayKey();
            const level = typeof item.priority === "string" ? item.priority : null;
            return (
              <List.Item data-testid="task-item" data-overdue={overdue}
                         actions={[<Due key="due" due={item.due_on} />]}>
                <List.Item.Meta
                  title={
                    <Space size={6} wrap>
                      <Link to={recordPath(task.name, item.id)}>{recordTitle(task, item)}</Link>
                      {priority && level === "high" && (
                        <Tag color="volcano" bordered={false}
                             title={fieldLabel(task.name, priority.name, i18n.language)}>
                          {choiceLabel(tr, task.name, priority.name, level)}
                        </Tag>
                      )}
                    </Space>
                  }
                  description={referenceOf(item.customer_id)?.name ?? null}
                />
              </List.Item>
            );
          }}
        />
        {total > items.length && (
          <Typography.Text type="secondary">
            {t("tasks.more", { count: total - items.length })}
          </Typography.Text>
        )}
      </CardState>
    </Card>
  );
}
