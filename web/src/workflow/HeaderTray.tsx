// The header's workflow corner: a "to do" badge (requests to approve and review items to
// decide; its menu also lists my open requests and what ends soon) and the notifications
// bell with the unread count.

import { BellOutlined, CheckSquareOutlined } from "@ant-design/icons";
import { Badge, Button, Dropdown, Space, Tooltip, Typography } from "antd";
import type { MenuProps } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";

import "./i18n";
import NotificationsDrawer from "./NotificationsDrawer";
import { APPROVALS_PATH, ENDING_SOON_HREF, MY_REQUESTS_PATH, MY_REVIEWS_PATH } from "./paths";
import { useCounts } from "./useCounts";

export default function HeaderTray() {
  const { t } = useTranslation("workflow");
  const navigate = useNavigate();
  const { counts } = useCounts();
  const [bell, setBell] = useState(false);
  const todo = (counts?.to_approve ?? 0) + (counts?.reviews ?? 0);
  const unread = counts?.unread_notifications ?? 0;

  const row = (key: string, label: string, count: number, testId: string, show = true) =>
    show ? [{
      key,
      label: (
        <Space style={{ width: "100%", justifyContent: "space-between", minWidth: 220 }} data-testid={testId}
               data-count={count}>
          <span>{label}</span>
          <Badge count={count} showZero color={count > 0 ? undefined : "#d9d9d9"} />
        </Space>
      ),
    }] : [];
  const items: MenuProps["items"] = [
    { key: "title", type: "group", label: t("header.todoTitle") },
    ...row(APPROVALS_PATH, t("header.toApprove"), counts?.to_approve ?? 0, "count-to-approve"),
    // the reviews screens are offered when something waits there
    ...row(MY_REVIEWS_PATH, t("header.reviews"), counts?.reviews ?? 0, "count-reviews", (counts?.reviews ?? 0) > 0),
    { type: "divider" },
    ...row(MY_REQUESTS_PATH, t("header.myPending"), counts?.my_pending_requests ?? 0, "count-my-pending"),
    ...row(ENDING_SOON_HREF, t("header.endingSoon"), counts?.ending_soon ?? 0, "count-ending-soon"),
  ];

  return (
    <>
      <Dropdown trigger={["click"]} menu={{ items, onClick: ({ key }) => navigate(key) }}>
        <Button type="text" aria-label={`${t("header.todo")}: ${todo}`} data-testid="todo-badge" data-count={todo}>
          <Badge count={todo} size="small" offset={[4, -2]}>
            <CheckSquareOutlined style={{ fontSize: 16 }} />
          </Badge>
          <Typography.Text style={{ marginInlineStart: 6 }} className="vouch-header-label">{t("header.todo")}</Typography.Text>
        </Button>
      </Dropdown>
      <Tooltip title={unread ? t("header.unread", { count: unread }) : t("header.notifications")}>
        <Button type="text" onClick={() => setBell(true)} data-testid="bell" data-count={unread}
                aria-label={`${t("header.notifications")}: ${unread}`}>
          <Badge count={unread} size="small" offset={[2, -2]}>
            <BellOutlined style={{ fontSize: 16 }} />
          </Badge>
        </Button>
      </Tooltip>
      <NotificationsDrawer open={bell} onClose={() => setBell(false)} />
    </>
  );
}
