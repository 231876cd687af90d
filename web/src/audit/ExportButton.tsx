// Export the filtered audit events as JSON Lines (GET /audit/export, oldest first), with
// the bytes received while it downloads. The export is itself written to the log.

import { DownloadOutlined } from "@ant-design/icons";
import { App, Button } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, describeError } from "../api/client";
import "./i18n";
import type { AuditFilters } from "./types";

function size(bytes: number, lang: string): string {
  const kb = bytes / 1024;
  const fmt = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  return kb < 1024 ? `${fmt.format(kb)} KB` : `${fmt.format(kb / 1024)} MB`;
}

export default function ExportButton({ filters }: { filters: AuditFilters }) {
  const { t, i18n } = useTranslation("audit");
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const key = "audit-export";

  const run = async () => {
    setBusy(true);
    void message.loading({ key, content: t("export.running"), duration: 0 });
    try {
      const done = await api.download("/audit/export", { ...filters }, {
        onProgress: ({ loaded }) => void message.loading({
          key, content: t("export.progress", { size: size(loaded, i18n.language) }), duration: 0,
        }),
      });
      void message.success({ key, content: t("export.done", { name: done.filename, size: size(done.size, i18n.language) }) });
    } catch (err) {
      void message.error({ key, content: describeError(err, t) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Button icon={<DownloadOutlined />} loading={busy} onClick={() => void run()} data-action="export-audit">
      {t("export.button")}
    </Button>
  );
}
