// The notifications drawer (the header's bell): newest first, unread ones marked; each
// says what happened in the user's language and links to its subject (a request, or what
// ends soon on "My access"); mark one or all read.

import { CheckOutlined } from "@ant-design/icons";
import { Alert, Badge, Button, Drawer, Empty, List, Segmented, Space, Spin, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";

import { useRoles } from "../access/pickers";
import { describeError } from "../api/client";
import { useFormat } from "../i18n/format";
import { countsChanged, workflowApi } from "./api";
import "./i18n";
import { ENDING_SOON_HREF, MY_REVIEWS_PATH, requestPath } from "./paths";
import type { Notification } from "./types";
import { useWords } from "./words";

function subjectOf(n: Notification): string | null {
  if (n.kind === "access.ending_soon") return ENDING_SOON_HREF;
  if (n.kind === "review.assigned") return MY_REVIEWS_PATH;
  return typeof n.payload.request_id === "number" ? requestPath(n.payload.request_id) : null;
}

export default function NotificationsDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation("workflow");
  const words = useWords();
  const fmt = useFormat();
  const navigate = useNavigate();
  const { items: roles } = useRoles();
  const [filter, setFilter] = useState<"all" | "unread">("all");
  const [items, setItems] = useState<Notification[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [unread, setUnread] = useState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async (from: string | null) => {
    setLoading(true);
    try {
      const page = await workflowApi.notifications(from, filter === "unread");
      setItems((held) => (from ? [...held, ...page.items] : page.items));
      setCursor(page.next_cursor);
      setUnread(page.unread);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [filter]);

  useEffect(() => { if (open) void load(null); }, [open, load]);

  const markRead = async (n: Notification) => {
    if (n.read_at) return;
    try {
      await workflowApi.readNotification(n.id);
      setItems((held) => held.map((x) => (x.id === n.id ? { ...x, read_at: new Date().toISOString() } : x)));
      setUnread((u) => Math.max(0, u - 1));
      countsChanged();
    } catch (err) {
      setError(err);
    }
  };

  const readAll = async () => {
    try {
      await workflowApi.readAll();
      countsChanged();
      await load(null);
    } catch (err) {
      setError(err);
    }
  };

  const follow = (n: Notification) => {
    const to = subjectOf(n);
    void markRead(n);
    if (to) {
      onClose();
      navigate(to);
    }
  };

  return (
    <Drawer open={open} onClose={onClose} width={440} destroyOnHidden data-testid="notifications"
            title={<Space>{t("notifications.title")}{unread > 0 && <Badge count={unread} />}</Space>}
            extra={unread > 0 && (
              <Button size="small" icon={<CheckOutlined />} onClick={() => void readAll()} data-testid="read-all">
                {t("notifications.readAll")}
              </Button>
            )}>
      <Segmented value={filter} onChange={(v) => setFilter(v as "all" | "unread")} style={{ marginBottom: 12 }}
                 options={[{ value: "all", label: t("filter.all") }, { value: "unread", label: t("notifications.unreadOnly") }]} />
      {error !== null && <Alert type="error" showIcon message={describeError(error, t)} style={{ marginBottom: 12 }} />}
      {loading && items.length === 0 ? <Spin style={{ display: "block", padding: 32 }} /> : items.length === 0 ? (
        <Empty description={t("notifications.empty")} />
      ) : (
        <List
          dataSource={items}
          renderItem={(n) => {
            const to = subjectOf(n);
            return (
              <List.Item
                key={n.id}
                data-notification={n.id}
                data-kind={n.kind}
                data-unread={String(!n.read_at)}
                style={{ alignItems: "flex-start", paddingInline: 8,
                         background: n.read_at ? undefined : "rgba(22, 119, 255, 0.06)" }}
                actions={n.read_at ? [] : [
                  <Button key="read" type="link" size="small" onClick={() => void markRead(n)}
                          aria-label={t("notifications.markRead")}>{t("notifications.markRead")}</Button>,
                ]}
              >
                <Space direction="vertical" size={2} style={{ minWidth: 0 }}>
                  {to ? (
                    <Typography.Link onClick={() => follow(n)} strong={!n.read_at} data-testid="notification-link">
                      {words.notification(n, roles)}
                    </Typography.Link>
                  ) : (
                    <Typography.Text strong={!n.read_at}>{words.notification(n, roles)}</Typography.Text>
                  )}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {fmt.relative(n.created_at)} · {fmt.dateTime(n.created_at)}
                  </Typography.Text>
                </Space>
              </List.Item>
            );
          }}
        />
      )}
      {cursor && (
        <div style={{ textAlign: "center", marginTop: 12 }}>
          <Button onClick={() => void load(cursor)} loading={loading}>{t("notifications.more")}</Button>
        </div>
      )}
    </Drawer>
  );
}
