/** A dry run's (or refused commit's) report: counts, ignored columns, and the problems
 * of each row with the field they concern. */

import { Alert, Space, Statistic, Table } from "antd";
import { useTranslation } from "react-i18next";

import { describeProblem } from "../api/client";
import { fieldLabel } from "./fields";
import type { CatalogObject, ImportProblem, ImportReport } from "./types";

interface Props {
  obj: CatalogObject;
  report: ImportReport;
}

export default function ImportReportView({ obj, report }: Props) {
  const { t, i18n } = useTranslation("records");
  const label = (name: string | null) => {
    if (!name) return "—";
    const f = obj.fields.find((x) => x.name === name);
    return f ? fieldLabel(f, i18n.language) : name;
  };
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="middle">
      <Space size="large" wrap>
        <Statistic title={t("import.rows")} value={report.rows} />
        <Statistic title={t("import.valid")} value={report.valid} valueStyle={{ color: "#389e0d" }} />
        <Statistic
          title={t("import.problems")}
          value={report.error_count}
          valueStyle={report.error_count ? { color: "#cf1322" } : undefined}
        />
      </Space>
      {report.ignored_columns.length > 0 && (
        <Alert
          type="info"
          showIcon
          message={t("import.ignored", { columns: report.ignored_columns.join(", ") })}
        />
      )}
      {report.error_count > 0 ? (
        <>
          <Alert type="error" showIcon message={t("import.fixFirst")} />
          {report.error_count > report.errors.length && (
            <Alert
              type="warning"
              message={t("import.moreProblems", { shown: report.errors.length, total: report.error_count })}
            />
          )}
          <Table<ImportProblem>
            size="small"
            rowKey={(p) => `${p.row}-${p.field ?? ""}-${p.message}`}
            dataSource={report.errors}
            pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
            columns={[
              { title: t("import.row"), dataIndex: "row", width: 70 },
              {
                title: t("import.field"),
                dataIndex: "field",
                width: 140,
                render: (v: string | null) => label(v),
              },
              {
                title: t("import.problem"),
                key: "p",
                // in the reader's words, from the problem's type; the server's own English
                // text stays at hand as the cell's title (for a support request)
                render: (_, p) => (
                  <span title={p.message}>{describeProblem(p, t, { object: obj.name })}</span>
                ),
              },
            ]}
          />
        </>
      ) : (
        <Alert type="success" showIcon message={t("import.allGood", { count: report.valid })} />
      )}
    </Space>
  );
}
