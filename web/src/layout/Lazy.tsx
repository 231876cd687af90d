import { Spin } from "antd";
import { Suspense } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** A centred spinner while a screen's code or data loads. */
export function Loading() {
  const { t } = useTranslation();
  return (
    <div style={{ display: "flex", justifyContent: "center", padding: "96px 0" }}>
      <Spin tip={t("shell.loading")} size="large"><div style={{ width: 160 }} /></Spin>
    </div>
  );
}

/** A lazily loaded screen, with the spinner while its chunk arrives. */
export function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}
