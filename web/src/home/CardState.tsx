// What a Home card shows instead of its content: a skeleton while loading, the error in
// words with a retry, or an empty state.

import { Alert, Button, Empty, Skeleton } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { describeError } from "../api/client";
import "./i18n";

interface Props {
  loading: boolean;
  error: unknown;
  retry: () => void;
  /** Said when there is nothing to show; null when there is. */
  empty: string | null;
  /** Rows of the skeleton. */
  rows?: number;
  children: ReactNode;
}

export default function CardState({ loading, error, retry, empty, rows = 4, children }: Props) {
  const { t } = useTranslation("home");
  if (loading) return <Skeleton active paragraph={{ rows }} title={false} />;
  if (error) {
    return (
      <Alert type="error" showIcon message={describeError(error, t)} data-testid="card-error"
             action={<Button size="small" onClick={retry}>{t("retry")}</Button>} />
    );
  }
  if (empty !== null) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />;
  return <>{children}</>;
}
