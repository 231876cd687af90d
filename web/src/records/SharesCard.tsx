/** A record's manual shares, with Share and Remove (shown only with the share action). */

import { DeleteOutlined, ShareAltOutlined } from "@ant-design/icons";
import { App, Alert, Button, Card, Empty, Popconfirm, Table, Tag, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, describeError } from "../api/client";
import { apiPath } from "./fields";
import { formatDateTime } from "./format";
import { DepartmentName, RoleName, UserName } from "./names";
import ShareDialog from "./ShareDialog";
import type { CatalogObject, ItemsPage, RecordItem, Share } from "./types";

interface Props {
  obj: CatalogObject;
  record: RecordItem;
}

function Principal({ share }: { share: Share }) {
  const { t } = useTranslation("records");
  const name =
    share.principal_kind === "user" ? (
      <UserName id={share.principal_id} />
    ) : share.principal_kind === "role" ? (
      <RoleName id={share.principal_id} />
    ) : (
      <DepartmentName id={share.principal_id} />
    );
  return (
    <span>
      <Tag>{t(`share.kind.${share.principal_kind}`)}</Tag>
      {name}
    </span>
  );
}

export default function SharesCard({ obj, record }: Props) {
  const { message } = App.useApp();
  const { t, i18n } = useTranslation("records");
  const [shares, setShares] = useState<Share[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [sharing, setSharing] = useState(false);

  const load = useCallback(() => {
    setLoading(true);
    api.get<ItemsPage<Share>>(apiPath(obj, record.id, "shares")).then(
      (page) => {
        setShares(page.items);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        setError(err);
        setLoading(false);
      },
    );
  }, [obj, record.id]);

  useEffect(load, [load]);

  const remove = async (share: Share) => {
    try {
      await api.del(apiPath(obj, record.id, `shares/${share.id}`));
      void message.success(t("share.removed"));
      load();
    } catch (err) {
      void message.error(describeError(err, t, { object: obj.name }));
    }
  };

  const now = Date.now();
  return (
    <Card
      title={t("share.cardTitle")}
      size="small"
      extra={
        <Button icon={<ShareAltOutlined />} onClick={() => setSharing(true)} data-action="share">
          {t("share.button")}
        </Button>
      }
    >
      {error !== null && (
        <Alert
          type="error"
          showIcon
          message={describeError(error, t, { object: obj.name })}
          style={{ marginBottom: 12 }}
        />
      )}
      <Table<Share>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={shares}
        pagination={false}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("share.none")} /> }}
        columns={[
          { title: t("share.principal"), key: "p", render: (_, s) => <Principal share={s} /> },
          {
            title: t("share.access"),
            dataIndex: "access",
            render: (a: string) => (a === "read_write" ? t("share.accessReadWrite") : t("share.accessRead")),
          },
          {
            title: t("share.expires"),
            dataIndex: "expires_at",
            render: (e: string | null) =>
              e === null ? (
                <Typography.Text type="secondary">{t("share.noExpiry")}</Typography.Text>
              ) : (
                <span>
                  {formatDateTime(e, i18n.language)}{" "}
                  {new Date(e).getTime() <= now && <Tag color="default">{t("share.expired")}</Tag>}
                </span>
              ),
          },
          {
            title: t("share.sharedBy"),
            dataIndex: "shared_by",
            render: (id: number | null) => <UserName id={id} />,
          },
          {
            title: t("share.reason"),
            dataIndex: "reason",
            render: (r: string | null) => r ?? <Typography.Text type="secondary">—</Typography.Text>,
          },
          {
            title: t("list.actions"),
            key: "x",
            render: (_, s) => (
              <Popconfirm
                title={t("share.removeConfirm")}
                okText={t("share.remove")}
                cancelText={t("action.cancel")}
                onConfirm={() => remove(s)}
              >
                <Button type="link" danger size="small" icon={<DeleteOutlined />}>
                  {t("share.remove")}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <ShareDialog
        obj={obj}
        record={record}
        open={sharing}
        onClose={() => setSharing(false)}
        onShared={() => {
          setSharing(false);
          void message.success(t("share.done"));
          load();
        }}
      />
    </Card>
  );
}
