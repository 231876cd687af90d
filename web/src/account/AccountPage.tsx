// My account: who I am (department, roles with their end dates, system permissions), the
// sessions signed in as me (end any of them), and my personal API tokens (create, shown
// once; revoke).

import { CopyOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert, App, Button, Card, DatePicker, Descriptions, Empty, Form, Input, Modal, Popconfirm,
  Space, Table, Tag, Typography,
} from "antd";
import type { Dayjs } from "dayjs";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, describeError } from "../api/client";
import { useMe } from "../auth/AuthContext";
import { useFormat } from "../i18n/format";

interface SessionRow {
  id: number;
  kind: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

interface TokenRow {
  id: number;
  name: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

interface Items<T> {
  items: T[];
}

/** A list from the API with its loading and error states. */
function useItems<T>(path: string) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setItems((await api.get<Items<T>>(path)).items);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [path]);
  useEffect(() => { void load(); }, [load]);
  return { items, error, load };
}

function Profile() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const fmt = useFormat();
  const chinese = i18n.language === "zh-CN";
  return (
    <Card title={t("account.profile")}>
      <Descriptions column={{ xs: 1, md: 2 }} size="middle">
        <Descriptions.Item label={t("account.displayName")}>{me.display_name}</Descriptions.Item>
        <Descriptions.Item label={t("account.username")}>{me.username}</Descriptions.Item>
        <Descriptions.Item label={t("account.email")}>{me.email ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={t("account.department")}>
          {chinese ? me.department.name : me.department.name_en ?? me.department.name}
        </Descriptions.Item>
        <Descriptions.Item label={t("account.roles")} span={2}>
          {me.roles.length === 0 ? t("account.noRoles") : (
            <Space size={[4, 4]} wrap>
              {me.roles.map((r) => (
                <Tag key={r.id} color="blue">
                  {r.name}
                  {r.expires_at && ` · ${t("account.roleUntil", { date: fmt.date(r.expires_at) })}`}
                </Tag>
              ))}
            </Space>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("account.permissions")} span={2}>
          {me.permissions.length === 0 ? t("account.noPermissions") : (
            <Space size={[4, 4]} wrap>
              {me.permissions.map((p) => (
                <Tag key={p}>{t(`permissions.${p}`, { defaultValue: p })}</Tag>
              ))}
            </Space>
          )}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function Sessions() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const { items, error, load } = useItems<SessionRow>("/me/sessions");

  const end = async (row: SessionRow) => {
    try {
      await api.del(`/me/sessions/${row.id}`);
      message.success(t("account.sessionEnded"));
      await load();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };

  return (
    <Card title={t("account.sessions")}>
      <Typography.Paragraph type="secondary">{t("account.sessionsHint")}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon message={describeError(error, t)} /> : null}
      <Table<SessionRow>
        rowKey="id" size="middle" loading={items === null && !error} dataSource={items ?? []}
        pagination={false} scroll={{ x: 760 }}
        locale={{ emptyText: <Empty description={t("account.empty")} /> }}
        columns={[
          { title: t("account.sessionKind"), dataIndex: "kind",
            render: (kind: string, row) => (
              <Space>
                {t(`account.kinds.${kind}`, { defaultValue: kind })}
                {row.current && <Tag color="green">{t("account.current")}</Tag>}
              </Space>
            ) },
          { title: t("account.createdAt"), dataIndex: "created_at", render: fmt.dateTime },
          { title: t("account.lastSeenAt"), dataIndex: "last_seen_at", render: fmt.relative },
          { title: t("account.expiresAt"), dataIndex: "expires_at", render: fmt.dateTime },
          { title: t("account.ip"), dataIndex: "ip", render: (ip: string | null) => ip ?? "—" },
          { title: t("account.userAgent"), dataIndex: "user_agent", ellipsis: true,
            render: (ua: string | null) => ua ?? "—" },
          { title: "", key: "end", width: 120, align: "right",
            render: (_: unknown, row) => !row.current && (
              <Popconfirm title={t("account.endSessionConfirm")} onConfirm={() => end(row)}>
                <Button size="small" danger>{t("account.endSession")}</Button>
              </Popconfirm>
            ) },
        ]}
      />
    </Card>
  );
}

interface NewTokenValues {
  name: string;
  expires?: Dayjs | null;
}

function Tokens() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const { items, error, load } = useItems<TokenRow>("/me/tokens");
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm<NewTokenValues>();

  const create = async (values: NewTokenValues) => {
    setBusy(true);
    setFormError(null);
    try {
      const body: { name: string; expires_at?: string } = { name: values.name.trim() };
      if (values.expires) body.expires_at = values.expires.endOf("day").toISOString();
      const made = await api.post<TokenRow & { token: string }>("/me/tokens", body);
      setCreating(false);
      form.resetFields();
      setSecret(made.token);
      await load();
    } catch (e) {
      setFormError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (row: TokenRow) => {
    try {
      await api.del(`/me/tokens/${row.id}`);
      message.success(t("account.tokenRevoked"));
      await load();
    } catch (e) {
      message.error(describeError(e, t));
    }
  };

  const copy = async () => {
    if (!secret) return;
    await navigator.clipboard.writeText(secret);
    message.success(t("account.copied"));
  };

  return (
    <Card title={t("account.tokens")}
          extra={<Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t("account.newToken")}</Button>}>
      <Typography.Paragraph type="secondary">{t("account.tokensHint")}</Typography.Paragraph>
      {error ? <Alert type="error" showIcon message={describeError(error, t)} /> : null}
      <Table<TokenRow>
        rowKey="id" size="middle" loading={items === null && !error} dataSource={items ?? []}
        pagination={false} scroll={{ x: 640 }}
        locale={{ emptyText: <Empty description={t("account.empty")} /> }}
        columns={[
          { title: t("account.tokenName"), dataIndex: "name" },
          { title: t("account.tokenPrefix"), dataIndex: "prefix",
            render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
          { title: t("account.tokenCreatedAt"), dataIndex: "created_at", render: fmt.dateTime },
          { title: t("account.expiresAt"), dataIndex: "expires_at",
            render: (v: string | null) => (v ? fmt.dateTime(v) : t("account.noExpiry")) },
          { title: t("account.lastUsedAt"), dataIndex: "last_used_at",
            render: (v: string | null) => (v ? fmt.relative(v) : t("account.never")) },
          { title: "", key: "revoke", width: 100, align: "right",
            render: (_: unknown, row) => (
              <Popconfirm title={t("account.revokeConfirm", { name: row.name })}
                          onConfirm={() => revoke(row)}>
                <Button size="small" danger>{t("account.revoke")}</Button>
              </Popconfirm>
            ) },
        ]}
      />
      <Modal open={creating} title={t("account.newToken")} okText={t("account.create")}
             cancelText={t("account.cancel")} confirmLoading={busy} destroyOnHidden
             onCancel={() => { setCreating(false); setFormError(null); }}
             onOk={() => form.submit()}>
        {formError && <Alert type="error" showIcon message={formError}
                             style={{ marginBottom: 16 }} />}
        <Form<NewTokenValues> form={form} layout="vertical" onFinish={create}>
          <Form.Item name="name" label={t("account.tokenName")}
                     rules={[{ required: true, whitespace: true,
                               message: t("account.tokenNameRequired") }, { max: 100 }]}>
            <Input autoFocus maxLength={100} />
          </Form.Item>
          <Form.Item name="expires" label={t("account.tokenExpires")}
                     extra={t("account.tokenExpiresHint")}>
            <DatePicker style={{ width: "100%" }}
                        disabledDate={(d) => d.isBefore(new Date(), "day")} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={secret !== null} title={t("account.newToken")} closable={false}
             maskClosable={false}
             footer={[
               <Button key="copy" icon={<CopyOutlined />} onClick={() => void copy()}>
                 {t("account.copy")}</Button>,
               <Button key="close" type="primary" onClick={() => setSecret(null)}>
                 {t("account.close")}</Button>,
             ]}>
        <Typography.Paragraph>{t("account.tokenCreated")}</Typography.Paragraph>
        <Typography.Paragraph code copyable={false} style={{ wordBreak: "break-all" }}
                              data-testid="new-token">{secret}</Typography.Paragraph>
      </Modal>
    </Card>
  );
}

export default function AccountPage() {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t("account.title")}</Typography.Title>
      <Profile />
      <Sessions />
      <Tokens />
    </Space>
  );
}
