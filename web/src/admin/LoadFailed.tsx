/** A screen whose data could not be loaded: why, and a retry. */

import { Button, Result } from "antd";
import { useTranslation } from "react-i18next";

import { adminError } from "./errors";

export function LoadFailed({ error, retry }: { error: unknown; retry: () => void }) {
  const { t } = useTranslation("admin");
  return (
    <Result status="warning" title={t("common.loadFailed")} subTitle={adminError(error, t)}
            extra={<Button type="primary" onClick={retry}>{t("common.retry")}</Button>} />
  );
}
