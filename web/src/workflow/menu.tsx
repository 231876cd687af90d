/** The side-menu entries of the workflow screens: a "Requests" group for everyone (asking
 * for access, one's own requests, and the queue of requests to decide — anyone may come to
 * decide one: a manager, a department head, a record's owner), and the approval workflow's
 * administration for those who may read or change it. Its few strings live here so that
 * the menu does not load the screens' own. */

import { AuditOutlined, FileAddOutlined, InboxOutlined, NodeIndexOutlined } from "@ant-design/icons";
import type { MenuProps } from "antd";
import type { TFunction } from "i18next";

import type { Me } from "../api/types";
import { addNamespace } from "../i18n";
import { APPROVALS_PATH, MY_REQUESTS_PATH, NEW_REQUEST_PATH, WORKFLOW_ADMIN_PATH } from "./paths";

addNamespace("workflowMenu", {
  "zh-CN": { group: "申请与审批", new: "申请权限", mine: "我的申请", approvals: "待我审批", admin: "审批流程" },
  en: { group: "Requests", new: "Request access", mine: "My requests", approvals: "To approve",
        admin: "Approval workflow" },
});

type MenuEntry = Required<MenuProps>["items"][number];

/** Who may open the approval workflow's administration (settings are read by anyone,
 * changed with manage_settings; policies and pairs read with manage_roles or view_audit). */
export const WORKFLOW_ADMIN_READERS = ["manage_roles", "view_audit", "manage_settings"] as const;

export function requestsMenuGroup(t: TFunction): MenuEntry {
  return {
    key: "requests", type: "group", label: t("workflowMenu:group"),
    children: [
      { key: NEW_REQUEST_PATH, icon: <FileAddOutlined />, label: t("workflowMenu:new") },
      { key: MY_REQUESTS_PATH, icon: <AuditOutlined />, label: t("workflowMenu:mine") },
      { key: APPROVALS_PATH, icon: <InboxOutlined />, label: t("workflowMenu:approvals") },
    ],
  };
}

export function workflowAdminMenuEntries(me: Me, t: TFunction): MenuEntry[] {
  if (!WORKFLOW_ADMIN_READERS.some((p) => me.permissions.includes(p))) return [];
  return [{ key: WORKFLOW_ADMIN_PATH, icon: <NodeIndexOutlined />, label: t("workflowMenu:admin") }];
}
