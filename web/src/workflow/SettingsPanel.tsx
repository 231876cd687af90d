// The workflow settings (GET /settings/workflow, any signed-in user): the two-person rule
// and how many days ahead users hear that their access ends; changed with manage_settings,
// with a reason.

import { EditOutlined } from "@ant-design/icons";
import { App, Button, Card, Descriptions, Form, InputNumber, Switch, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { UserName } from "../access/names";
import ChangeDialog from "../admin/ChangeDialog";
import type { ReasonValues } from "../admin/ChangeDialog";
import "../admin/i18n";
import { LoadFailed } from "../admin/LoadFailed";
import { useLoad } from "../admin/useLoad";
import { useMe } from "../auth/AuthContext";
import { useFormat } from "../i18n/format";
import { workflowApi } from "./api";
import "./i18n";
import type { WorkflowSettings } from "./types";

interface Values extends ReasonValues {
  two_person_rule: boolean;
  expiry_notice_days: number;
}

export default function SettingsPanel() {
  const { t } = useTranslation("workflow");
  const { message } = App.useApp();
  const fmt = useFormat();
  const may = useMe().permissions.includes("manage_settings");
  const settings = useLoad(() => workflowApi.settings(), []);
  const [editing, setEditing] = useState(false);

  if (settings.error && !settings.data) return <LoadFailed error={settings.error} retry={() => void settings.reload()} />;
  const s = settings.data;
  return (
    <Card loading={!s} data-testid="workflow-settings"
          extra={may && s && (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="edit-settings">
              {t("settings.edit")}
            </Button>
          )}>
      {s && (
        <Descriptions column={1} size="small" bordered styles={{ label: { width: 240 } }}>
          <Descriptions.Item label={t("settings.twoPerson")}>
            <Tag color={s.two_person_rule ? "green" : "default"} data-testid="two-person-state"
                 data-on={String(s.two_person_rule)}>
              {s.two_person_rule ? t("settings.on") : t("settings.off")}
            </Tag>
            <Typography.Text type="secondary">{t("settings.twoPersonHint")}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("settings.noticeDays")}>
            <Typography.Text strong data-testid="notice-days">
              {s.expiry_notice_days > 0 ? t("settings.noticeDaysValue", { count: s.expiry_notice_days })
                : t("settings.noticeNever")}
            </Typography.Text>
            <br />
            <Typography.Text type="secondary">{t("settings.noticeHint")}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("settings.updated")}>
            {s.updated_at ? <>{fmt.dateTime(s.updated_at)}{s.updated_by && <> · <UserName id={s.updated_by} /></>}</>
              : t("settings.never")}
          </Descriptions.Item>
        </Descriptions>
      )}
      {editing && s && (
        <SettingsDialog settings={s} onClose={() => setEditing(false)} onReload={() => void settings.reload()}
                        onDone={() => { message.success(t("settings.saved")); void settings.reload(); }} />
      )}
    </Card>
  );
}

function SettingsDialog({ settings, onClose, onDone, onReload }: {
  settings: WorkflowSettings; onClose: () => void; onDone: () => void; onReload: () => void;
}) {
  const { t } = useTranslation("workflow");
  const [form] = Form.useForm<Values>();
  const submit = async (v: Values) => {
    await workflowApi.saveSettings({
      two_person_rule: v.two_person_rule, expiry_notice_days: v.expiry_notice_days,
      version: settings.version, reason: v.reason,
    });
    onDone();
  };
  return (
    <ChangeDialog<Values>
      open form={form} testId="settings-dialog" title={t("settings.editTitle")}
      initialValues={{ two_person_rule: settings.two_person_rule, expiry_notice_days: settings.expiry_notice_days }}
      submit={submit} onClose={onClose} onReload={onReload}
    >
      <Form.Item name="two_person_rule" label={t("settings.twoPerson")} valuePropName="checked"
                 extra={t("settings.twoPersonHint")}>
        <Switch checkedChildren={t("settings.on")} unCheckedChildren={t("settings.off")} data-testid="two-person" />
      </Form.Item>
      <Form.Item name="expiry_notice_days" label={t("settings.noticeDays")} extra={t("settings.noticeHint")}
                 rules={[{ required: true }]}>
        <InputNumber min={0} max={365} precision={0} style={{ width: 160 }} data-testid="notice-days-input" />
      </Form.Item>
    </ChangeDialog>
  );
}
