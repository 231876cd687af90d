// Download a campaign's items as CSV or XLSX (one row per item; the export is audited).

import { DownloadOutlined } from "@ant-design/icons";
import { App, Button, Dropdown } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, describeError } from "../api/client";
import "./i18n";

export default function ExportButton({ campaignId }: { campaignId: number }) {
  const { t } = useTranslation("reviews");
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const key = "review-export";

  const run = async (format: "csv" | "xlsx") => {
    setBusy(true);
    void message.loading({ key, content: t("export.running"), duration: 0 });
    try {
      const done = await api.download(`/reviews/${campaignId}/export`, { format });
      void message.success({ key, content: t("export.done", { name: done.filename }) });
    } catch (err) {
      void message.error({ key, content: describeError(err, t) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dropdown trigger={["click"]} menu={{
      items: [
        { key: "csv", label: t("export.csv"), "data-format": "csv" } as never,
        { key: "xlsx", label: t("export.xlsx"), "data-format": "xlsx" } as never,
      ],
      onClick: ({ key: format }) => void run(format as "csv" | "xlsx"),
    }}>
      <Button icon={<DownloadOutlined />} loading={busy} data-action="export-review">{t("export.button")}</Button>
    </Dropdown>
  );
}
