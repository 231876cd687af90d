/** Export the list as it is filtered, as CSV or XLSX (shown only with the export action). */

import { DownloadOutlined } from "@ant-design/icons";
import { App, Button, Dropdown } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { api, describeError } from "../api/client";
import { formatters } from "../i18n/format";
import { apiPath } from "./fields";
import { apiParams, type ListQuery } from "./query";
import type { CatalogObject } from "./types";

function sizeText(bytes: number, language: string): string {
  const fmt = formatters(language);
  if (bytes < 1024) return `${fmt.number(bytes, 0)} B`;
  if (bytes < 1024 * 1024) return `${fmt.number(bytes / 1024, 1)} KB`;
  return `${fmt.number(bytes / (1024 * 1024), 1)} MB`;
}

interface Props {
  obj: CatalogObject;
  query: ListQuery;
}

export default function ExportButton({ obj, query }: Props) {
  const { message } = App.useApp();
  const { t, i18n } = useTranslation("records");
  const [busy, setBusy] = useState(false);

  const run = async (format: "csv" | "xlsx") => {
    const key = `export-${obj.name}`;
    setBusy(true);
    void message.loading({
      key,
      content: t("export.running", { format: format.toUpperCase() }),
      duration: 0,
    });
    let shown = 0;
    try {
      const got = await api.download(
        apiPath(obj, undefined, "export"),
        { ...apiParams(query), format },
        {
          onProgress: ({ loaded }) => {
            // the export streams with no known length: show what has arrived, a few times a second
            const now = Date.now();
            if (now - shown < 250) return;
            shown = now;
            void message.loading({
              key,
              content: t("export.progress", {
                format: format.toUpperCase(),
                size: sizeText(loaded, i18n.language),
              }),
              duration: 0,
            });
          },
        },
      );
      void message.success({
        key,
        content: t("export.done", { name: got.filename, size: sizeText(got.size, i18n.language) }),
      });
    } catch (err) {
      void message.error({ key, content: describeError(err, t, { object: obj.name }) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dropdown
      disabled={busy}
      menu={{
        items: [
          { key: "csv", label: t("export.csv") },
          { key: "xlsx", label: t("export.xlsx") },
        ],
        onClick: ({ key }) => void run(key as "csv" | "xlsx"),
      }}
    >
      <Button icon={<DownloadOutlined />} loading={busy} data-action="export">
        {t("export.button")}
      </Button>
    </Dropdown>
  );
}
