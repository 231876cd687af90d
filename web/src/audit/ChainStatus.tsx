// Whether the audit log's hash chain is intact (GET /audit/verify): the number of events
// and the head, or the first broken event and what is wrong with it.

import { ReloadOutlined, SafetyCertificateOutlined, WarningOutlined } from "@ant-design/icons";
import { Alert, Button, Space, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, describeError } from "../api/client";
import { useFormat } from "../i18n/format";
import "./i18n";
import type { Verdict } from "./types";

export default function ChainStatus({ onOpen }: { onOpen: (seq: number) => void }) {
  const { t } = useTranslation("audit");
  const fmt = useFormat();
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const verify = useCallback(async () => {
    setBusy(true);
    try {
      setVerdict(await api.get<Verdict>("/audit/verify"));
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  useEffect(() => { void verify(); }, [verify]);

  const again = (
    <Button size="small" icon={<ReloadOutlined />} loading={busy} onClick={() => void verify()}>
      {t("chain.verifyAgain")}
    </Button>
  );
  if (error !== null) return <Alert type="warning" showIcon message={describeError(error, t)} action={again} />;
  if (!verdict) return <Alert type="info" showIcon message={t("chain.verifying")} />;
  if (verdict.ok) {
    return (
      <Alert
        type="success"
        showIcon
        icon={<SafetyCertificateOutlined />}
        data-testid="chain-status"
        data-ok="true"
        message={t("chain.intact", { count: verdict.events, events: fmt.number(verdict.events, 0) })}
        description={
          <Space size={4} wrap>
            {t("chain.head", { seq: verdict.head_seq })}
            <Typography.Text code copyable={{ text: verdict.head_hash }} style={{ fontSize: 12 }}>
              {verdict.head_hash.slice(0, 16)}…
            </Typography.Text>
          </Space>
        }
        action={again}
      />
    );
  }
  return (
    <Alert
      type="error"
      showIcon
      icon={<WarningOutlined />}
      data-testid="chain-status"
      data-ok="false"
      message={t("chain.broken", { seq: verdict.broken_seq, problem: t(`chain.problem.${verdict.problem ?? "edited"}`) })}
      description={
        <Space direction="vertical" size={2}>
          <span>{t(`chain.explain.${verdict.problem ?? "edited"}`, { seq: verdict.broken_seq, head: verdict.head_seq })}</span>
          <Typography.Text type="secondary">{verdict.message}</Typography.Text>
          {verdict.broken_seq !== null && verdict.problem !== "missing" && verdict.problem !== "truncated" && (
            <Button size="small" onClick={() => onOpen(verdict.broken_seq as number)}>
              {t("chain.openEvent", { seq: verdict.broken_seq })}
            </Button>
          )}
        </Space>
      }
      action={again}
    />
  );
}
