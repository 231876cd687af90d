// A campaign's items, narrowed by reviewer, by user and by decided or not; each with its
// outcome and who decided it why. Items still open can be decided here by their reviewer
// or a holder of run_reviews (never about one's own access).

import { CheckOutlined, CloseOutlined } from "@ant-design/icons";
import { Alert, Button, Empty, Select, Space, Segmented, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { UserSelect } from "../access/pickers";
import { describeError } from "../api/client";
import { useMe } from "../auth/AuthContext";
import { useFormat } from "../i18n/format";
import { reviewsApi } from "./api";
import DecisionDialog from "./DecisionDialog";
import type { Decision } from "./DecisionDialog";
import "./i18n";
import { GrantText, OutcomeTag, PersonText, personName } from "./parts";
import type { CampaignDetail, Item } from "./types";

type Decided = "all" | "pending" | "decided";

interface Props {
  campaign: CampaignDetail;
  /** After a decision here: the campaign's progress moved. */
  onDecided: () => void;
}

export default function ItemsTable({ campaign, onDecided }: Props) {
  const { t } = useTranslation("reviews");
  const fmt = useFormat();
  const me = useMe();
  const [reviewer, setReviewer] = useState<number | undefined>();
  const [user, setUser] = useState<number | null>(null);
  const [decided, setDecided] = useState<Decided>("all");
  const [rows, setRows] = useState<Item[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [deciding, setDeciding] = useState<{ decision: Decision; item: Item } | null>(null);

  const load = useCallback(async (after: string | null) => {
    setLoading(true);
    try {
      const page = await reviewsApi.items(campaign.id, {
        reviewer, user: user ?? undefined,
        decided: decided === "all" ? undefined : decided === "decided",
      }, after);
      setRows((prev) => (after && prev ? [...prev, ...page.items] : page.items));
      setCursor(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [campaign.id, reviewer, user, decided]);
  useEffect(() => { void load(null); }, [load]);

  const mayDecide = (item: Item) => campaign.status === "open" && item.pending
    && item.user?.id !== me.id
    && (item.reviewer?.id === me.id || me.permissions.includes("run_reviews"));
  const anyDecidable = (rows ?? []).some(mayDecide);

  const columns: ColumnsType<Item> = [
    { key: "user", title: t("items.user"), width: 180, render: (_, i) => <PersonText person={i.user} /> },
    { key: "grant", title: t("items.grant"), render: (_, i) => <GrantText item={i} /> },
    { key: "reviewer", title: t("items.reviewer"), width: 170, render: (_, i) => <PersonText person={i.reviewer} /> },
    { key: "outcome", title: t("items.outcome"), width: 120, render: (_, i) => <OutcomeTag outcome={i.outcome} /> },
    {
      key: "decided", title: t("items.decided"), width: 220,
      render: (_, i) => (i.decided_at || i.reason ? (
        <Space direction="vertical" size={0}>
          {i.decided_by && <span>{t("items.decidedBy", { name: personName(i.decided_by), date: fmt.dateTime(i.decided_at) })}</span>}
          {i.reason && <Typography.Text type="secondary" style={{ fontSize: 12 }}>“{i.reason}”</Typography.Text>}
        </Space>
      ) : <Typography.Text type="secondary">—</Typography.Text>),
    },
    ...(anyDecidable ? [{
      key: "actions", title: t("items.decide"), width: 110,
      render: (_: unknown, i: Item) => (mayDecide(i) ? (
        <Space size={0}>
          <Button type="text" icon={<CheckOutlined />} aria-label={t("decide.certifyNamed", { name: personName(i.user) })}
                  data-action="certify" onClick={() => setDeciding({ decision: "certify", item: i })} />
          <Button type="text" danger icon={<CloseOutlined />} aria-label={t("decide.revokeNamed", { name: personName(i.user) })}
                  data-action="revoke" onClick={() => setDeciding({ decision: "revoke", item: i })} />
        </Space>
      ) : null),
    }] : []),
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="campaign-items">
      <Space wrap>
        <Select<number>
          aria-label={t("items.reviewer")}
          allowClear
          style={{ width: 220 }}
          placeholder={t("items.anyReviewer")}
          value={reviewer}
          onChange={(v) => setReviewer(v ?? undefined)}
          options={campaign.by_reviewer.flatMap((r) => (r.reviewer
            ? [{ value: r.reviewer.id, label: personName(r.reviewer) }] : []))}
        />
        <UserSelect<number | null> aria-label={t("items.user")} inactive style={{ width: 220 }}
                                   placeholder={t("items.anyUser")} value={user} onChange={setUser} />
        <Segmented<Decided> value={decided} onChange={setDecided} aria-label={t("items.decidedFilter")}
                            options={(["all", "pending", "decided"] as const).map((d) => ({ value: d, label: t(`items.show.${d}`) }))} />
      </Space>
      {error !== null && (
        <Alert type="error" showIcon message={describeError(error, t)}
               action={<Button size="small" onClick={() => void load(null)}>{t("retry")}</Button>} />
      )}
      <Table<Item>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={rows ?? []}
        pagination={false}
        scroll={{ x: 1000 }}
        onRow={(i) => ({ "data-item": i.id, "data-user": i.user?.username } as object)}
        locale={{ emptyText: <Empty description={t("items.empty")} /> }}
      />
      {cursor && <Button block loading={loading} onClick={() => void load(cursor)}>{t("loadMore")}</Button>}
      {deciding && (
        <DecisionDialog decision={deciding.decision} items={[deciding.item]}
                        onClose={() => setDeciding(null)}
                        onDone={() => { void load(null); onDecided(); }} />
      )}
    </Space>
  );
}
