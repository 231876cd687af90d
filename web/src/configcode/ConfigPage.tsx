// `/admin/config`: the access configuration as one document. Export it (YAML or JSON);
// import one — uploaded or pasted — by comparing it with the live configuration first
// (item by item, field by field, with every problem's path), then applying it in one
// transaction with a reason (manage_roles).

import { DiffOutlined, DownloadOutlined, InboxOutlined, UploadOutlined } from "@ant-design/icons";
import {
  Alert, App, Button, Card, Input, Result, Segmented, Space, Typography, Upload,
} from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import Gate from "../access/Gate";
import { ApiError, describeError } from "../api/client";
import { useMe } from "../auth/AuthContext";
import { useFormat } from "../i18n/format";
import { configApi } from "./api";
import ApplyDialog from "./ApplyDialog";
import DiffView, { ProblemList } from "./DiffView";
import "./i18n";
import { CONFIG_READERS } from "./menu";
import type { ConfigApplied, ConfigDiff, Problem } from "./types";

const MAX_BYTES = 5 * 1024 * 1024;

export default function ConfigPage() {
  return <Gate anyOf={CONFIG_READERS}><ConfigScreen /></Gate>;
}

/** The problems of a refused document (422 `details.errors`, each with its path). */
function documentProblems(err: unknown): Problem[] | null {
  if (!(err instanceof ApiError) || err.status !== 422) return null;
  const errors = err.details.errors;
  if (!Array.isArray(errors)) return null;
  return errors.filter((e): e is Problem => !!e && typeof e === "object" && typeof (e as Problem).path === "string");
}

function ExportCard() {
  const { t } = useTranslation("configcode");
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (format: "yaml" | "json") => {
    setBusy(format);
    try {
      const done = await configApi.export(format);
      void message.success(t("export.done", { name: done.filename }));
    } catch (err) {
      void message.error(describeError(err, t));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Card size="small" title={t("export.title")}>
      <Typography.Paragraph type="secondary">{t("export.intro")}</Typography.Paragraph>
      <Space wrap>
        <Button icon={<DownloadOutlined />} loading={busy === "yaml"} onClick={() => void run("yaml")} data-action="export-yaml">
          {t("export.yaml")}
        </Button>
        <Button icon={<DownloadOutlined />} loading={busy === "json"} onClick={() => void run("json")} data-action="export-json">
          {t("export.json")}
        </Button>
      </Space>
    </Card>
  );
}

function ConfigScreen() {
  const { t } = useTranslation("configcode");
  const fmt = useFormat();
  const mayApply = useMe().permissions.includes("manage_roles");
  const [source, setSource] = useState<"upload" | "paste">("upload");
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [diff, setDiff] = useState<ConfigDiff | null>(null);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [applying, setApplying] = useState(false);
  const [applied, setApplied] = useState<ConfigApplied | null>(null);

  const edited = (next: string, name: string | null) => {
    setText(next);
    setFileName(name);
    setDiff(null);
    setProblems(null);
    setError(null);
    setApplied(null);
  };

  const compare = async () => {
    setBusy(true);
    setDiff(null);
    setProblems(null);
    setError(null);
    setApplied(null);
    try {
      setDiff(await configApi.diff(text));
    } catch (err) {
      const found = documentProblems(err);
      if (found?.length) setProblems(found);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const readFile = async (file: File) => {
    if (file.size > MAX_BYTES) {
      setError(new Error(t("import.tooLarge", { size: fmt.number(MAX_BYTES / 1024 / 1024) })));
      return;
    }
    edited(await file.text(), file.name);
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="config-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t("title")}</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t("intro")}</Typography.Paragraph>
      <ExportCard />
      <Card size="small" title={t("import.title")}>
        <Space direction="vertical" size="middle" style={{ width: "100%" }}>
          <Typography.Text type="secondary">{t("import.intro")}</Typography.Text>
          <Segmented<"upload" | "paste"> value={source} onChange={setSource} aria-label={t("import.source")}
                                         options={[{ value: "upload", label: t("import.upload"), icon: <UploadOutlined /> },
                                                   { value: "paste", label: t("import.paste") }]} />
          {source === "upload" ? (
            <Upload.Dragger accept=".yaml,.yml,.json,application/yaml,application/json,text/yaml"
                            multiple={false} showUploadList={false} data-testid="config-upload"
                            beforeUpload={(file) => { void readFile(file); return false; }}>
              <p className="ant-upload-drag-icon"><InboxOutlined /></p>
              <p className="ant-upload-text">{fileName ? t("import.chosen", { name: fileName, size: fmt.number(text.length) }) : t("import.drop")}</p>
              <p className="ant-upload-hint">{t("import.dropHint")}</p>
            </Upload.Dragger>
          ) : (
            <Input.TextArea id="config-text" aria-label={t("import.pasteLabel")} value={text} rows={12}
                            placeholder={t("import.pastePlaceholder")} spellCheck={false}
                            style={{ fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", fontSize: 12 }}
                            onChange={(e) => edited(e.target.value, null)} />
          )}
          <Space wrap>
            <Button type="primary" icon={<DiffOutlined />} disabled={!text.trim()} loading={busy}
                    onClick={() => void compare()} data-action="config-diff">
              {t("import.compare")}
            </Button>
            {diff && mayApply && diff.changed && (
              <Button danger={false} type="primary" disabled={!diff.can_apply} onClick={() => setApplying(true)}
                      data-action="config-apply">
                {t("apply.button")}
              </Button>
            )}
          </Space>
          {diff && !mayApply && diff.changed && (
            <Typography.Text type="secondary">{t("apply.needsManageRoles", { permission: t("common:permissions.manage_roles") })}</Typography.Text>
          )}
        </Space>
      </Card>
      {error !== null && <Alert type="error" showIcon message={describeError(error, t)} data-testid="config-error" />}
      {problems && <ProblemList problems={problems} title={t("import.invalid", { n: fmt.number(problems.length) })} />}
      {applied && (
        <Card data-testid="config-applied">
          <Result status="success" title={t(applied.applied ? "apply.done" : "apply.nothing")}
                  subTitle={t("apply.doneText", {
                    added: fmt.number(applied.counts.added), changed: fmt.number(applied.counts.changed),
                    removed: fmt.number(applied.counts.removed), before: applied.policy_version_before,
                    after: applied.policy_version,
                  })} />
        </Card>
      )}
      {diff && !applied && <Card size="small" title={t("diff.title")}><DiffView diff={diff} /></Card>}
      {applying && diff && (
        <ApplyDialog document={text} diff={diff} onClose={() => setApplying(false)}
                     onReload={() => void compare()}
                     onApplied={(result) => { setApplied(result); setDiff(null); }} />
      )}
    </Space>
  );
}
