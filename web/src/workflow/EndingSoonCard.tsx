// "Ends soon" on My access: my role assignments and shares that end within the notice
// period (GET /me/ending-soon), soonest first, each with its end, the days left and the
// request it came from.

import { ClockCircleOutlined } from "@ant-design/icons";
import { Alert, Card, List, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useEffect, useRef } from "react";
import { Link, useLocation } from "react-router-dom";

import { useLoad } from "../admin/useLoad";
import { describeError } from "../api/client";
import { useFormat } from "../i18n/format";
import { workflowApi } from "./api";
import "./i18n";
import { requestPath } from "./paths";
import type { EndingItem } from "./types";
import { useWords } from "./words";

const DAY_MS = 86_400_000;

export default function EndingSoonCard() {
  const { t } = useTranslation("workflow");
  const words = useWords();
  const fmt = useFormat();
  const ending = useLoad(() => workflowApi.endingSoon(), []);
  const data = ending.data;
  const { hash } = useLocation();
  const card = useRef<HTMLDivElement>(null);
  // followed from the header or a notice (/my-access#ending-soon): shown once it has loaded
  useEffect(() => {
    if (data && hash === "#ending-soon") card.current?.scrollIntoView({ block: "start" });
  }, [data, hash]);

  // whole days still to go, counting a day begun (ends in 2 days 23 hours: 3 days left)
  const left = (i: EndingItem) => (i.expires_at
    ? Math.max(0, Math.ceil((new Date(i.expires_at).getTime() - Date.now()) / DAY_MS)) : i.days_left);
  const what = (i: EndingItem) => {
    if (i.kind === "assignment") return t("ending.role", { role: words.role(i.role) });
    const values = { access: words.access(i.access), object: words.object(i.object), id: i.record_id, name: i.record_name };
    return t(i.record_name ? "ending.shareNamed" : "ending.share", values);
  };

  return (
    <Card id="ending-soon" ref={card} size="small" data-testid="ending-soon" loading={!data && !ending.error}
          title={<Space><ClockCircleOutlined />{t("ending.title")}</Space>}
          extra={data && data.days > 0 && (
            <Typography.Text type="secondary">{t("ending.intro", { count: data.days })}</Typography.Text>
          )}>
      {ending.error !== null && <Alert type="error" showIcon message={describeError(ending.error, t)} />}
      {data && (
        <List
          size="small"
          dataSource={data.items}
          locale={{ emptyText: t("ending.empty") }}
          renderItem={(i) => (
            <List.Item data-kind={i.kind} data-id={i.id}
                       extra={i.request_id
                         ? <Link to={requestPath(i.request_id)}>{t("ending.fromRequest", { id: i.request_id })}</Link>
                         : null}>
              <Space wrap>
                <Typography.Text strong>{what(i)}</Typography.Text>
                <Typography.Text type="secondary">{t("ending.ends", { date: fmt.dateTime(i.expires_at) })}</Typography.Text>
                <Tag color={left(i) <= 1 ? "red" : "orange"}>
                  {left(i) <= 1 ? t("ending.today") : t("ending.daysLeft", { count: left(i) })}
                </Tag>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
