/** The audit log's side-menu entry, for those with view_audit (its label is the shell's
 * menu.audit). */

import { FileSearchOutlined } from "@ant-design/icons";
import type { MenuProps } from "antd";
import type { TFunction } from "i18next";

import type { Me } from "../api/types";

export const AUDIT_PATH = "/audit";

type MenuEntry = Required<MenuProps>["items"][number];

export function auditMenuEntries(me: Me, t: TFunction): MenuEntry[] {
  if (!me.permissions.includes("view_audit")) return [];
  return [{ key: AUDIT_PATH, icon: <FileSearchOutlined />, label: t("menu.audit") }];
}
