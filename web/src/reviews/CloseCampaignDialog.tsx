// Close a campaign before its deadline (run_reviews): undecided items are kept or revoked
// now (by default as the campaign would at its deadline), with a reason.

import { Alert, Form, Radio, Typography } from "antd";
import { useTranslation } from "react-i18next";

import ChangeDialog from "../admin/ChangeDialog";
import type { ReasonValues } from "../admin/ChangeDialog";
import { useFormat } from "../i18n/format";
import { reviewsApi } from "./api";
import "./i18n";
import type { CampaignDetail, OnDeadline } from "./types";

interface Values extends ReasonValues {
  undecided: OnDeadline;
}

interface Props {
  campaign: CampaignDetail;
  onClose: () => void;
  onClosed: (campaign: CampaignDetail) => void;
  onReload: () => void;
}

export default function CloseCampaignDialog({ campaign, onClose, onClosed, onReload }: Props) {
  const { t } = useTranslation("reviews");
  const fmt = useFormat();
  const [form] = Form.useForm<Values>();
  const undecided = Form.useWatch("undecided", form) ?? campaign.on_deadline;
  const pending = campaign.progress.pending;

  return (
    <ChangeDialog<Values>
      open form={form} testId="close-campaign-dialog" danger={undecided === "revoke" && pending > 0}
      title={t("close.title", { name: campaign.name })} okText={t("close.ok")}
      intro={<Typography.Paragraph>
        {t("close.intro", { n: fmt.number(pending), count: pending })}
      </Typography.Paragraph>}
      initialValues={{ undecided: campaign.on_deadline }}
      submit={async (v) => onClosed(await reviewsApi.close(campaign.id, {
        version: campaign.version, reason: v.reason, undecided: v.undecided,
      }))}
      onClose={onClose}
      onReload={onReload}
    >
      <Form.Item name="undecided" label={t("close.undecided")}>
        <Radio.Group id="close-undecided">
          <Radio value="keep">{t("close.keep")}</Radio>
          <Radio value="revoke">{t("close.revoke")}</Radio>
        </Radio.Group>
      </Form.Item>
      {undecided === "revoke" && pending > 0 && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }}
               message={t("close.revokeWarning", { n: fmt.number(pending), count: pending })} />
      )}
    </ChangeDialog>
  );
}
