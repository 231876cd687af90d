/** Import in three steps: choose a CSV or XLSX file, read the dry run's report per row,
 * then commit (all rows or none). Shown only with both import and create. */

import { InboxOutlined } from "@ant-design/icons";
import { Alert, Button, Modal, Progress, Result, Space, Spin, Steps, Typography, Upload } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ApiError, api, describeError } from "../api/client";
import { apiPath, objectNoun } from "./fields";
import ImportReportView from "./ImportReportView";
import { saveBlob, templateCsv } from "./importTemplate";
import type { CatalogObject, ImportReport } from "./types";

interface Props {
  obj: CatalogObject;
  open: boolean;
  onClose: () => void;
  /** Called after a commit created records. */
  onImported: () => void;
}

type Step = 0 | 1 | 2;

/** A refused commit carries the report in its error details. */
function reportOf(err: unknown): ImportReport | null {
  if (err instanceof ApiError && err.details && typeof err.details === "object" && "errors" in err.details) {
    return err.details as unknown as ImportReport;
  }
  return null;
}

export default function ImportWizard({ obj, open, onClose, onImported }: Props) {
  const { t, i18n } = useTranslation("records");
  const [step, setStep] = useState<Step>(0);
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState<"check" | "commit" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const path = apiPath(obj, undefined, "import");

  const reset = () => {
    setStep(0);
    setFile(null);
    setReport(null);
    setError(null);
  };

  const close = () => {
    if (busy) return;
    reset();
    onClose();
  };

  const onProgress = ({ loaded, total }: { loaded: number; total: number | null }) =>
    setSent(total ? Math.min(100, Math.round((loaded / total) * 100)) : null);

  const check = async () => {
    if (!file) return;
    setBusy("check");
    setSent(0);
    setError(null);
    try {
      setReport(await api.upload<ImportReport>(path, file, { dry_run: true }, { onProgress }));
      setStep(1);
    } catch (err) {
      setError(describeError(err, t, { object: obj.name }));
    } finally {
      setBusy(null);
    }
  };

  const commit = async () => {
    if (!file) return;
    setBusy("commit");
    setSent(0);
    setError(null);
    try {
      setReport(await api.upload<ImportReport>(path, file, { dry_run: false }, { onProgress }));
      setStep(2);
      onImported();
    } catch (err) {
      const refused = reportOf(err);
      if (refused) setReport(refused);
      setError(describeError(err, t, { object: obj.name }));
    } finally {
      setBusy(null);
    }
  };

  const footer = () => {
    if (step === 0) {
      return [
        <Button key="cancel" onClick={close} disabled={!!busy}>
          {t("action.cancel")}
        </Button>,
        <Button
          key="check"
          type="primary"
          disabled={!file}
          loading={busy === "check"}
          onClick={() => void check()}
        >
          {t("import.check")}
        </Button>,
      ];
    }
    if (step === 1) {
      const ready = !!report && report.error_count === 0 && report.valid > 0;
      return [
        <Button key="back" onClick={reset} disabled={!!busy}>
          {t("import.otherFile")}
        </Button>,
        <Button
          key="commit"
          type="primary"
          disabled={!ready}
          loading={busy === "commit"}
          onClick={() => void commit()}
        >
          {t("import.commit", { count: report?.valid ?? 0 })}
        </Button>,
      ];
    }
    return [
      <Button key="done" type="primary" onClick={close}>
        {t("action.close")}
      </Button>,
    ];
  };

  return (
    <Modal
      open={open}
      title={t("import.title", { object: objectNoun(obj, i18n.language) })}
      onCancel={close}
      width={800}
      footer={footer()}
      maskClosable={!busy}
      destroyOnClose
    >
      <Steps
        size="small"
        current={step}
        style={{ marginBottom: 24 }}
        items={[
          { title: t("import.stepUpload") },
          { title: t("import.stepCheck") },
          { title: t("import.stepDone") },
        ]}
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      {busy && sent !== null && sent < 100 && (
        <Progress
          percent={sent}
          size="small"
          status="active"
          format={(p) => t("import.uploading", { percent: p })}
        />
      )}
      <Spin spinning={!!busy} tip={busy === "commit" ? t("import.committing") : t("import.checking")}>
        {step === 0 && (
          <Space direction="vertical" style={{ width: "100%" }}>
            <Upload.Dragger
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              maxCount={1}
              multiple={false}
              beforeUpload={(f) => {
                setFile(f);
                setError(null);
                return false;
              }}
              onRemove={() => setFile(null)}
              fileList={file ? [{ uid: "chosen", name: file.name, status: "done" }] : []}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t("import.drop")}</p>
              <p className="ant-upload-hint">{t("import.hint")}</p>
            </Upload.Dragger>
            <Typography.Link
              onClick={() => saveBlob(templateCsv(obj, i18n.language), `${obj.plural}-template.csv`)}
            >
              {t("import.template")}
            </Typography.Link>
          </Space>
        )}
        {step === 1 && report && <ImportReportView obj={obj} report={report} />}
        {step === 2 && report && (
          <Result
            status="success"
            title={t("import.created", { count: report.created?.length ?? report.valid })}
          />
        )}
      </Spin>
    </Modal>
  );
}
