/** The side-menu entry of configuration as code, for those who may read the access
 * configuration (manage_roles or view_audit; applying needs manage_roles). */

import { CodeOutlined } from "@ant-design/icons";
import type { MenuProps } from "antd";
import type { TFunction } from "i18next";

import type { Me } from "../api/types";
import { addNamespace } from "../i18n";

addNamespace("configMenu", {
  "zh-CN": { config: "配置即代码" },
  en: { config: "Configuration as code" },
});

export const CONFIG_PATH = "/admin/config";
export const CONFIG_READERS = ["manage_roles", "view_audit"] as const;

type MenuEntry = Required<MenuProps>["items"][number];

export function configMenuEntries(me: Me, t: TFunction): MenuEntry[] {
  if (!CONFIG_READERS.some((p) => me.permissions.includes(p))) return [];
  return [{ key: CONFIG_PATH, icon: <CodeOutlined />, label: t("configMenu:config") }];
}
