// The records most recently changed among those this user can view: a few of each
// object, merged newest first, each linking to its detail screen.

import { ReloadOutlined } from "@ant-design/icons";
import { Alert, Button, Card, List, Tag, Tooltip, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, describeError } from "../api/client";
import type { CatalogObject } from "../api/types";
import { useFormat } from "../i18n/format";
import { apiPath, objectLabel, recordPath } from "../records/fields";
import type { RecordItem, RecordPage } from "../records/types";
import CardState from "./CardState";
import styles from "./home.module.css";
import "./i18n";
import { recordTitle } from "./recordTitle";
import { useLoad } from "./useLoad";

const PER_OBJECT = 3;
const SHOWN = 10;

interface Recent {
  obj: CatalogObject;
  record: RecordItem;
}

interface Answer {
  recent: Recent[];
  /** The first object whose list could not be read, and why. */
  failed: { obj: CatalogObject; error: unknown } | null;
}

async function loadRecent(objects: CatalogObject[], signal: AbortSignal): Promise<Answer> {
  const settled = await Promise.allSettled(objects.map((obj) =>
    api.get<RecordPage>(apiPath(obj), { limit: PER_OBJECT, sort: "-updated_at" }, { signal })));
  const recent: Recent[] = [];
  let failed: Answer["failed"] = null;
  for (const [i, result] of settled.entries()) {
    const obj = objects[i];
    if (!obj) continue;
    if (result.status === "fulfilled") {
      for (const record of result.value.items) recent.push({ obj, record });
    } else {
      failed ??= { obj, error: result.reason };
    }
  }
  if (!recent.length && failed) throw failed.error; // nothing to show: the error is the answer
  recent.sort((a, b) => b.record.updated_at.localeCompare(a.record.updated_at));
  return { recent: recent.slice(0, SHOWN), failed };
}

export default function RecentRecordsCard({ objects }: { objects: CatalogObject[] }) {
  const { t, i18n } = useTranslation("home");
  const format = useFormat();
  const { data, loading, error, reload } = useLoad(
    (signal) => loadRecent(objects, signal),
    objects.map((o) => o.name).join(","),
  );
  const recent = data?.recent ?? [];

  return (
    <Card title={t("recent.title")} data-testid="home-recent" style={{ height: "100%" }}
          extra={<Button type="text" size="small" icon={<ReloadOutlined />} onClick={reload}
                         aria-label={t("refresh")} />}>
      <CardState loading={loading} error={error} retry={reload}
                 empty={recent.length ? null : t("recent.empty")}>
        {data?.failed && (
          <Alert type="warning" showIcon style={{ marginBottom: 8 }}
                 message={t("recent.someFailed", {
                   error: describeError(data.failed.error, t, { object: data.failed.obj.name }),
                 })} />
        )}
        <List
          size="small"
          className={styles.recent}
          dataSource={recent}
          rowKey={({ obj, record }) => `${obj.name}/${record.id}`}
          renderItem={({ obj, record }) => (
            <List.Item data-testid="recent-item" data-object={obj.name}
                       actions={[
                         <Tooltip key="time" title={format.dateTime(record.updated_at)}>
                           <Typography.Text type="secondary">
                             {t("recent.updated", { time: format.relative(record.updated_at) })}
                           </Typography.Text>
                         </Tooltip>,
                       ]}>
              <span className={styles.name}>
                <Tag bordered={false}>{objectLabel(obj, i18n.language)}</Tag>
                <Link to={recordPath(obj.name, record.id)} title={recordTitle(obj, record)}>
                  {recordTitle(obj, record)}
                </Link>
              </span>
            </List.Item>
          )}
        />
      </CardState>
    </Card>
  );
}
