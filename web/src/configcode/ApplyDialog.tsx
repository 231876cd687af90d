// Apply an imported document in one transaction, with a reason. The import names the
// policy version it expects: the document's own when the live configuration has not moved
// since its export, else — when the administrator says so after reading the diff — the
// live version the diff was made against. Either way a change in between is refused (409).

import { Alert, Checkbox, Form, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";

import ChangeDialog from "../admin/ChangeDialog";
import type { ReasonValues } from "../admin/ChangeDialog";
import { useFormat } from "../i18n/format";
import { configApi } from "./api";
import "./i18n";
import type { ConfigApplied, ConfigDiff } from "./types";

interface Values extends ReasonValues {
  overLater: boolean;
}

interface Props {
  document: string;
  diff: ConfigDiff;
  onClose: () => void;
  onApplied: (applied: ConfigApplied) => void;
  onReload: () => void;
}

export default function ApplyDialog({ document, diff, onClose, onApplied, onReload }: Props) {
  const { t } = useTranslation("configcode");
  const fmt = useFormat();
  const [form] = Form.useForm<Values>();
  const docVersion = diff.document_policy_version;
  const moved = docVersion !== null && docVersion !== diff.policy_version;
  const overLater = Form.useWatch("overLater", form) ?? false;

  return (
    <ChangeDialog<Values>
      open form={form} testId="config-apply-dialog" width={600}
      title={t("apply.title")} okText={t("apply.ok")}
      initialValues={{ overLater: false }}
      intro={(
        <Space direction="vertical" style={{ width: "100%" }}>
          <Typography.Paragraph style={{ margin: 0 }}>{t("apply.intro")}</Typography.Paragraph>
          <Space wrap>
            {(["added", "changed", "removed"] as const).map((k) => (
              <Tag key={k}>{t(`diff.count.${k}`, { n: fmt.number(diff.counts[k]) })}</Tag>
            ))}
          </Space>
        </Space>
      )}
      submit={async (v) => {
        const expect = docVersion === null || (moved && v.overLater) ? diff.policy_version : docVersion;
        onApplied(await configApi.apply(document, v.reason, expect));
      }}
      onClose={onClose}
      onReload={onReload}
    >
      {moved && (
        <>
          <Alert type="warning" showIcon style={{ marginBottom: 12 }}
                 message={t("diff.moved", { doc: docVersion, live: diff.policy_version })} />
          <Form.Item name="overLater" valuePropName="checked"
                     extra={overLater ? t("apply.overLaterOn", { live: diff.policy_version })
                       : t("apply.overLaterOff", { doc: docVersion })}>
            <Checkbox id="apply-over-later">{t("apply.overLater")}</Checkbox>
          </Form.Item>
        </>
      )}
    </ChangeDialog>
  );
}
