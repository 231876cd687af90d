// A screen for those holding one of some system permissions; others are told which one
// it needs instead of meeting a row of refusals.

import { Result } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { useMe } from "../auth/AuthContext";
import "./i18n";

export default function Gate({ anyOf, children }: { anyOf: readonly string[]; children: ReactNode }) {
  const { t } = useTranslation("access");
  const me = useMe();
  if (anyOf.some((p) => me.permissions.includes(p))) return <>{children}</>;
  // each permission in its own quotes: “用户管理”或“查看审计日志”
  const names = anyOf.map((p) => `“${t(`common:permissions.${p}`, { defaultValue: p })}”`);
  return (
    <div data-testid="forbidden">
      <Result status="403" title={t("gate.title")}
              subTitle={t("gate.needs", { permissions: names.join(t("orSeparator")) })} />
    </div>
  );
}
