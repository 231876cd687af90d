/** The side-menu entries of the access screens: rules, the explain tool and anyone's
 * effective permissions under Administration (for manage_roles or view_audit), and "My
 * access" for everyone. Its few strings live here so that the menu does not load the
 * screens' own. */

import { AuditOutlined, FilterOutlined, KeyOutlined, QuestionCircleOutlined } from "@ant-design/icons";
import type { MenuProps } from "antd";
import type { TFunction } from "i18next";

import type { Me } from "../api/types";
import { addNamespace } from "../i18n";
import { readsAccessConfig } from "./constants";
import { EXPLAIN_PATH, MY_ACCESS_PATH, PERMISSIONS_PATH, RULES_PATH } from "./paths";

addNamespace("accessMenu", {
  "zh-CN": { rules: "共享与限制规则", explain: "权限解释", permissions: "有效权限", myAccess: "我的权限" },
  en: { rules: "Sharing & restriction rules", explain: "Explain access", permissions: "Effective permissions",
        myAccess: "My access" },
});

type MenuEntry = Required<MenuProps>["items"][number];

/** Administration entries: for those who may read access configuration. */
export function accessMenuEntries(me: Me, t: TFunction): MenuEntry[] {
  if (!readsAccessConfig(me.permissions)) return [];
  return [
    { key: RULES_PATH, icon: <FilterOutlined />, label: t("accessMenu:rules") },
    { key: PERMISSIONS_PATH, icon: <AuditOutlined />, label: t("accessMenu:permissions") },
    { key: EXPLAIN_PATH, icon: <QuestionCircleOutlined />, label: t("accessMenu:explain") },
  ];
}

/** Everyone's own effective permissions. */
export function myAccessMenuEntry(t: TFunction): MenuEntry {
  return { key: MY_ACCESS_PATH, icon: <KeyOutlined />, label: t("accessMenu:myAccess") };
}
