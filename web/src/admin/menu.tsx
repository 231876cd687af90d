/** The Administration entries of the side menu, each shown to the users whose system
 * permissions let them use (or, with view_audit, read) that screen. Its few strings live
 * here so that the menu does not load the screens' own. */

import { ApartmentOutlined, SafetyCertificateOutlined, SolutionOutlined } from "@ant-design/icons";
import type { MenuProps } from "antd";
import type { TFunction } from "i18next";

import type { Me } from "../api/types";
import { addNamespace } from "../i18n";
import { adminRights } from "./rights";

addNamespace("adminMenu", {
  "zh-CN": { org: "组织架构", roles: "角色与权限", assignments: "角色分配" },
  en: { org: "Organisation", roles: "Roles and permissions", assignments: "Role assignments" },
});

export const ADMIN_PATHS = {
  org: "/admin/org",
  roles: "/admin/roles",
  assignments: "/admin/assignments",
} as const;

type MenuEntry = Required<MenuProps>["items"][number];

export function adminMenuEntries(me: Me, t: TFunction): MenuEntry[] {
  const rights = adminRights(me);
  const label = (key: string) => t(`adminMenu:${key}`);
  const out: MenuEntry[] = [];
  if (rights.readUsers) out.push({ key: ADMIN_PATHS.org, icon: <ApartmentOutlined />, label: label("org") });
  if (rights.readRoles) {
    out.push({ key: ADMIN_PATHS.roles, icon: <SafetyCertificateOutlined />, label: label("roles") });
    out.push({ key: ADMIN_PATHS.assignments, icon: <SolutionOutlined />, label: label("assignments") });
  }
  return out;
}
