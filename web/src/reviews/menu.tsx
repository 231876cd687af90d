/** The side-menu entries of the review screens: campaigns and dormant permissions under
 * Administration (for their readers), and "My reviews" for everyone (a reviewer needs no
 * system permission). Its few strings live here so that the menu does not load the
 * screens' own. */

import { CheckSquareOutlined, FileDoneOutlined, HourglassOutlined } from "@ant-design/icons";
import type { MenuProps } from "antd";
import type { TFunction } from "i18next";

import type { Me } from "../api/types";
import { addNamespace } from "../i18n";
import {
  DORMANT_PATH, DORMANT_READERS, MY_REVIEWS_PATH, REVIEWS_PATH, REVIEW_READERS, holdsAny,
} from "./paths";

addNamespace("reviewsMenu", {
  "zh-CN": { campaigns: "权限复核", dormant: "闲置权限", mine: "我的复核" },
  en: { campaigns: "Access reviews", dormant: "Dormant permissions", mine: "My reviews" },
});

type MenuEntry = Required<MenuProps>["items"][number];

export function reviewsMenuEntries(me: Me, t: TFunction): MenuEntry[] {
  const out: MenuEntry[] = [];
  if (holdsAny(me.permissions, REVIEW_READERS)) {
    out.push({ key: REVIEWS_PATH, icon: <FileDoneOutlined />, label: t("reviewsMenu:campaigns") });
  }
  if (holdsAny(me.permissions, DORMANT_READERS)) {
    out.push({ key: DORMANT_PATH, icon: <HourglassOutlined />, label: t("reviewsMenu:dormant") });
  }
  return out;
}

export function myReviewsMenuEntry(t: TFunction): MenuEntry {
  return { key: MY_REVIEWS_PATH, icon: <CheckSquareOutlined />, label: t("reviewsMenu:mine") };
}
