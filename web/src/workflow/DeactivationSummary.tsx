// What a deactivation did (the answer of POST /users/{id}/deactivate): who received the
// records, how many sessions and tokens ended, the records transferred per object, the role
// assignments ended, the open requests withdrawn and the review items handed over.

import { Button, Descriptions, Modal, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { roleName } from "../access/directory";
import { UserName } from "../access/names";
import { useRoles } from "../access/pickers";
import { objectLabel } from "../catalog/labels";
import "./i18n";
import { requestPath } from "./paths";

export interface DeactivationResult {
  display_name: string;
  successor: string;
  successor_id?: number;
  sessions_and_tokens_ended: number;
  records_transferred: Record<string, number>;
  assignments_ended: { id?: number; role_id?: number; role_key?: string | null; role_name?: string | null }[];
  requests_withdrawn?: number[];
  review_items_reassigned?: { item_id: number; campaign_id: number; reviewer_id: number | null }[];
}

export default function DeactivationSummary({ result, onClose }: { result: DeactivationResult; onClose: () => void }) {
  const { t, i18n } = useTranslation("workflow");
  const fmt = new Intl.NumberFormat(i18n.language);
  const records = Object.entries(result.records_transferred).filter(([, n]) => n > 0);
  const withdrawn = result.requests_withdrawn ?? [];
  const reviews = result.review_items_reassigned ?? [];
  const { items: roles } = useRoles();
  const role = (a: DeactivationResult["assignments_ended"][number]) => {
    const r = roles.find((x) => x.id === a.role_id);
    return r ? roleName(r, i18n.language) : a.role_name ?? a.role_key ?? `#${a.id}`;
  };
  return (
    <Modal open title={t("deactivation.title", { name: result.display_name })} onCancel={onClose} width={620}
           footer={<Button type="primary" onClick={onClose} data-testid="summary-close">{t("deactivation.close")}</Button>}>
      <Descriptions column={1} size="small" bordered data-testid="deactivation-summary"
                    styles={{ label: { width: 220 } }}>
        <Descriptions.Item label={t("deactivation.successor")}>
          <span data-testid="summary-successor">
            {result.successor_id ? <UserName id={result.successor_id} /> : result.successor}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t("deactivation.sessions")}>{fmt.format(result.sessions_and_tokens_ended)}</Descriptions.Item>
        <Descriptions.Item label={t("deactivation.records")}>
          {records.length === 0 ? t("deactivation.noRecords") : (
            <Space size={[4, 4]} wrap data-testid="summary-records">
              {records.map(([obj, n]) => <Tag key={obj} data-object={obj} data-count={n}>{objectLabel(obj, i18n.language)} {fmt.format(n)}</Tag>)}
            </Space>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("deactivation.roles")}>
          {result.assignments_ended.length === 0 ? t("deactivation.noRoles") : (
            <Space size={[4, 4]} wrap>
              {result.assignments_ended.map((a, i) => <Tag key={a.id ?? i}>{role(a)}</Tag>)}
            </Space>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("deactivation.requests")}>
          {withdrawn.length === 0 ? t("deactivation.noRequests") : (
            <Space size={[8, 4]} wrap data-testid="summary-withdrawn">
              {withdrawn.map((id) => <Link key={id} to={requestPath(id)} onClick={onClose}>#{id}</Link>)}
            </Space>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("deactivation.reviews")}>
          {reviews.length === 0 ? t("deactivation.noReviews") : (
            <Space direction="vertical" size={0}>
              {reviews.map((r) => (
                <Typography.Text key={r.item_id}>
                  {t("deactivation.reviewItem", { item: r.item_id, campaign: r.campaign_id })}
                  {r.reviewer_id ? <UserName id={r.reviewer_id} /> : t("deactivation.nobody")}
                </Typography.Text>
              ))}
            </Space>
          )}
        </Descriptions.Item>
      </Descriptions>
    </Modal>
  );
}
