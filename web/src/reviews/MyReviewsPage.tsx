// `/reviews/mine`: the review items waiting for my decision, across open campaigns,
// grouped by the person whose access they are. Certify or revoke each (revoking needs a
// reason and ends the grant at once); certify several at once, one call each.

import { CheckOutlined, CloseOutlined, ReloadOutlined } from "@ant-design/icons";
import {
  Alert, App, Button, Card, Empty, List, Result, Space, Table, Tag, Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { describeError } from "../api/client";
import { useFormat } from "../i18n/format";
import { reviewsApi } from "./api";
import DecisionDialog from "./DecisionDialog";
import type { Decision } from "./DecisionDialog";
import "./i18n";
import { GrantText, PersonText } from "./parts";
import type { Item, MyReviews } from "./types";

interface Group {
  key: string;
  user: Item["user"];
  items: Item[];
}

function groupByUser(items: Item[]): Group[] {
  const groups = new Map<string, Group>();
  for (const item of items) {
    const key = String(item.user?.id ?? "?");
    const group = groups.get(key) ?? { key, user: item.user, items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export default function MyReviewsPage() {
  const { t } = useTranslation("reviews");
  const fmt = useFormat();
  const { message } = App.useApp();
  const [data, setData] = useState<MyReviews | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [selected, setSelected] = useState<number[]>([]);
  const [deciding, setDeciding] = useState<{ decision: Decision; items: Item[] } | null>(null);

  const load = useCallback(async (more = false) => {
    setLoading(true);
    try {
      const page = await reviewsApi.mine(more ? data?.next_cursor ?? null : null);
      setData((prev) => (more && prev ? { ...page, items: [...prev.items, ...page.items] } : page));
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [data?.next_cursor]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => { void load(); }, []);

  const groups = useMemo(() => groupByUser(data?.items ?? []), [data]);
  const several = (data?.campaigns.length ?? 0) > 1;
  const byId = useMemo(() => new Map((data?.items ?? []).map((i) => [i.id, i])), [data]);

  const decided = (items: Item[]) => {
    if (items.length) {
      void message.success(t("mine.decided", { n: fmt.number(items.length), count: items.length }));
    }
    setSelected((s) => s.filter((id) => !items.some((i) => i.id === id)));
    void load();
  };

  const columns: ColumnsType<Item> = [
    { key: "grant", title: t("items.grant"), render: (_, item) => <GrantText item={item} /> },
    ...(several ? [{
      key: "campaign", title: t("items.campaign"), width: 200,
      render: (_: unknown, item: Item) => item.campaign?.name ?? `#${item.campaign_id}`,
    }] : []),
    {
      key: "since", title: t("items.since"), width: 170,
      render: (_, item) => fmt.dateTime(item.grant.granted_at ?? item.grant.created_at),
    },
    {
      key: "actions", title: t("items.decide"), width: 210,
      render: (_, item) => (
        <Space size="small">
          <Button size="small" icon={<CheckOutlined />} data-action="certify"
                  onClick={() => setDeciding({ decision: "certify", items: [item] })}>
            {t("decide.certify")}
          </Button>
          <Button size="small" danger icon={<CloseOutlined />} data-action="revoke"
                  onClick={() => setDeciding({ decision: "revoke", items: [item] })}>
            {t("decide.revoke")}
          </Button>
        </Space>
      ),
    },
  ];

  const head = (
    <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
      <Space align="center">
        <Typography.Title level={3} style={{ margin: 0 }}>{t("mine.title")}</Typography.Title>
        {data && <Tag color={data.pending ? "gold" : "default"} data-testid="my-pending">
          {t("mine.pending", { n: fmt.number(data.pending), count: data.pending })}
        </Tag>}
      </Space>
      <Space wrap>
        {selected.length > 0 && (
          <Button type="primary" icon={<CheckOutlined />} data-action="certify-selected"
                  onClick={() => setDeciding({
                    decision: "certify", items: selected.flatMap((id) => byId.get(id) ?? []),
                  })}>
            {t("mine.certifySelected", { n: fmt.number(selected.length) })}
          </Button>
        )}
        <Button icon={<ReloadOutlined />} onClick={() => void load()} aria-label={t("refresh")} />
      </Space>
    </Space>
  );

  if (error !== null && !data) {
    return (
      <Space direction="vertical" style={{ width: "100%" }}>
        {head}
        <Alert type="error" showIcon message={describeError(error, t)}
               action={<Button size="small" onClick={() => void load()}>{t("retry")}</Button>} />
      </Space>
    );
  }
  if (!data) return <Card loading />;

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="my-reviews">
      {head}
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t("mine.intro")}</Typography.Paragraph>
      {error !== null && <Alert type="error" showIcon message={describeError(error, t)} />}
      {data.campaigns.length > 0 && (
        <List size="small" bordered dataSource={data.campaigns} data-testid="my-campaigns"
              renderItem={(c) => (
                <List.Item>
                  <Space wrap>
                    <Typography.Text strong>{c.name}</Typography.Text>
                    <Typography.Text type="secondary">
                      {t("mine.deadline", { date: fmt.dateTime(c.deadline), relative: fmt.relative(c.deadline) })}
                    </Typography.Text>
                    <Tag color={c.on_deadline === "revoke" ? "volcano" : "default"}>
                      {t(`mine.onDeadline.${c.on_deadline}`)}
                    </Tag>
                    <Tag color="gold">{t("mine.campaignPending", { n: fmt.number(c.pending) })}</Tag>
                  </Space>
                </List.Item>
              )} />
      )}
      {groups.length === 0 ? (
        <Card>
          <Result status="success" title={t("mine.emptyTitle")} subTitle={t("mine.emptyText")} />
        </Card>
      ) : groups.map((g) => (
        <Card key={g.key} size="small" data-review-user={g.user?.username}
              title={<PersonText person={g.user} />}
              extra={<Typography.Text type="secondary">
                {t("mine.userItems", { n: fmt.number(g.items.length), count: g.items.length })}
              </Typography.Text>}
              styles={{ body: { padding: 0 } }}>
          <Table<Item>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={g.items}
            pagination={false}
            scroll={{ x: 640 }}
            onRow={(item) => ({ "data-item": item.id, "data-kind": item.kind } as object)}
            rowSelection={{
              selectedRowKeys: selected.filter((id) => g.items.some((i) => i.id === id)),
              onChange: (keys) => setSelected((s) => [
                ...s.filter((id) => !g.items.some((i) => i.id === id)), ...keys.map(Number),
              ]),
              columnTitle: undefined,
              getCheckboxProps: (item) => ({ "aria-label": t("mine.select", { id: item.id }) } as object),
            }}
            locale={{ emptyText: <Empty description={t("mine.emptyTitle")} /> }}
          />
        </Card>
      ))}
      {data.next_cursor && (
        <Button block loading={loading} onClick={() => void load(true)}>{t("loadMore")}</Button>
      )}
      {deciding && (
        <DecisionDialog decision={deciding.decision} items={deciding.items}
                        onClose={() => setDeciding(null)} onDone={decided} />
      )}
    </Space>
  );
}
