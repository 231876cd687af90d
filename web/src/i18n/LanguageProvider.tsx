// Keeps Ant Design's locale, dayjs's locale and <html lang> on the language i18next uses.

import { App as AntApp, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/en";
import "dayjs/locale/zh-cn";
import { useLayoutEffect } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { themeFor } from "../theme";

export function LanguageProvider({ children }: { children: ReactNode }) {
  const { i18n, t } = useTranslation();
  const chinese = i18n.language === "zh-CN";
  dayjs.locale(chinese ? "zh-cn" : "en");

  // A layout effect: it runs before the screens' own effects, so that a screen's title
  // (AppLayout: "客户 · Vouch …") replaces this one, not the other way round.
  useLayoutEffect(() => {
    document.documentElement.lang = i18n.language;
    document.title = t("app.title");
  }, [i18n.language, t]);

  return (
    <ConfigProvider locale={chinese ? zhCN : enUS} theme={themeFor(i18n.language)}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
