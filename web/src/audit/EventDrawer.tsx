// One audit event in full: who, when, from where, what, why; before and after side by
// side; the other details; and its place in the hash chain.

import { Alert, Descriptions, Drawer, Empty, Spin, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { api, describeError } from "../api/client";
import { useFormat } from "../i18n/format";
import { actionLabel, auditObjectLabel, isRecordObject } from "./actions";
import DiffTable from "./DiffTable";
import "./i18n";
import type { AuditEvent } from "./types";

interface Props {
  seq: number | null;
  /** The event as the list has it (shown at once; read again for the latest). */
  initial: AuditEvent | null;
  onClose: () => void;
}

export default function EventDrawer({ seq, initial, onClose }: Props) {
  const { t } = useTranslation("audit");
  const [event, setEvent] = useState<AuditEvent | null>(initial);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setEvent(initial);
    setError(null);
    if (seq === null || initial) return;
    let live = true;
    api.get<AuditEvent>(`/audit/events/${seq}`).then(
      (e) => { if (live) setEvent(e); },
      (err: unknown) => { if (live) setError(err); },
    );
    return () => { live = false; };
  }, [seq, initial]);

  return (
    <Drawer open={seq !== null} onClose={onClose} width={860} destroyOnHidden
            title={seq !== null ? t("detail.title", { seq }) : ""}>
      {error !== null && <Alert type="error" showIcon message={describeError(error, t)} />}
      {!event && error === null && <Spin />}
      {event && <EventBody event={event} />}
    </Drawer>
  );
}

function EventBody({ event }: { event: AuditEvent }) {
  const { t, i18n } = useTranslation("audit");
  const fmt = useFormat();
  const hasChange = event.before !== null || event.after !== null;
  const recordLink = isRecordObject(event.object) && event.record_id && event.action !== "record.delete"
    ? `/records/${event.object}/${event.record_id}` : null;
  return (
    <div data-testid="audit-event" data-seq={event.seq}>
      <Descriptions column={{ xs: 1, sm: 2, md: 2, lg: 2, xl: 2, xxl: 2 }} size="small" bordered
                    styles={{ label: { width: 110, whiteSpace: "nowrap" } }}>
        <Descriptions.Item label={t("column.at")}>{fmt.dateTime(event.at)}</Descriptions.Item>
        <Descriptions.Item label={t("column.actor")}>
          {event.actor ?? t("system")}{event.actor_id !== null && ` (#${event.actor_id})`}
        </Descriptions.Item>
        <Descriptions.Item label={t("column.action")} span={2}>
          {actionLabel(t, event.action)} <Typography.Text code>{event.action}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("column.object")}>{auditObjectLabel(t, event.object, i18n.language)}</Descriptions.Item>
        <Descriptions.Item label={t("column.record")}>
          {event.record_id ? (recordLink ? <Link to={recordLink}>#{event.record_id}</Link> : `#${event.record_id}`) : "—"}
        </Descriptions.Item>
        <Descriptions.Item label={t("column.reason")} span={2}>
          {event.reason ?? <Typography.Text type="secondary">{t("detail.noReason")}</Typography.Text>}
        </Descriptions.Item>
        <Descriptions.Item label={t("detail.ip")}>{event.ip ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={t("detail.requestId")}>
          {event.request_id ? <Typography.Text code copyable>{event.request_id}</Typography.Text> : "—"}
        </Descriptions.Item>
        <Descriptions.Item label={t("detail.userAgent")} span={2}>{event.user_agent ?? "—"}</Descriptions.Item>
      </Descriptions>

      <Typography.Title level={5} style={{ marginTop: 24 }}>{t("detail.change")}</Typography.Title>
      {hasChange ? <DiffTable object={event.object} before={event.before} after={event.after} />
        : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("detail.noChange")} />}

      {event.details && Object.keys(event.details).length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 24 }}>{t("detail.details")}</Typography.Title>
          <pre data-testid="audit-details" style={{ margin: 0, fontSize: 12, whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
            {JSON.stringify(event.details, null, 2)}
          </pre>
        </>
      )}

      <Typography.Title level={5} style={{ marginTop: 24 }}>{t("detail.chain")}</Typography.Title>
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t("detail.prevHash")}>
          <Typography.Text code style={{ fontSize: 12 }}>{event.prev_hash}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("detail.hash")}>
          <Typography.Text code style={{ fontSize: 12 }}>{event.hash}</Typography.Text>
        </Descriptions.Item>
      </Descriptions>
    </div>
  );
}
