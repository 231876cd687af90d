/** Every role: what it is for, how much it grants, and how many people hold it. */

import "./i18n";
import { PlusOutlined } from "@ant-design/icons";
import { Button, Card, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router-dom";

import { useMe } from "../auth/AuthContext";
import { adminApi } from "./api";
import { LoadFailed } from "./LoadFailed";
import { roleName } from "./names";
import { adminRights } from "./rights";
import type { RoleDocument, RoleSummary } from "./types";
import { useLoad } from "./useLoad";

function isDocument(r: RoleSummary | RoleDocument): r is RoleDocument {
  return "grants" in r;
}

export default function RolesPage() {
  const { t, i18n } = useTranslation("admin");
  const navigate = useNavigate();
  const rights = adminRights(useMe());
  const roles = useLoad(() => adminApi.roles(), []);

  const columns: TableColumnsType<RoleSummary | RoleDocument> = [
    {
      key: "name", title: t("roles.name"),
      sorter: (a, b) => roleName(a, i18n.language).localeCompare(roleName(b, i18n.language), i18n.language),
      render: (_v, r) => (
        <Space direction="vertical" size={0}>
          <Link to={`/admin/roles/${r.id}`} data-testid={`role-link-${r.key}`}>{roleName(r, i18n.language)}</Link>
          <Typography.Text type="secondary" code>{r.key}</Typography.Text>
        </Space>
      ),
    },
    { key: "description", title: t("roles.description"), dataIndex: "description", ellipsis: true,
      render: (v: string | null) => v ?? "—" },
    {
      key: "grants", title: t("roles.grantCount"), width: 110, align: "right",
      render: (_v, r) => (isDocument(r) ? r.grants.filter((g) => g.scope !== "none").length : "—"),
    },
    {
      key: "permissions", title: t("roles.permissions"),
      render: (_v, r) => (isDocument(r) && r.permissions.length ? (
        <Space size={[4, 4]} wrap>
          {r.permissions.map((p) => <Tag key={p}>{t(`common:permissions.${p}`)}</Tag>)}
        </Space>
      ) : "—"),
    },
    {
      key: "delegable", title: t("roles.delegable"), width: 100,
      render: (_v, r) => (isDocument(r) && r.delegable
        ? <Tooltip title={t("roles.delegableHint")}><Tag color="blue">{t("roles.delegableTag")}</Tag></Tooltip> : "—"),
    },
    {
      key: "holders", title: t("roles.holders"), width: 100, align: "right",
      render: (_v, r) => (isDocument(r) ? r.active_assignments ?? 0 : "—"),
    },
  ];

  if (roles.error && !roles.data) return <LoadFailed error={roles.error} retry={() => void roles.reload()} />;
  return (
    <div data-testid="roles-page">
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>{t("roles.title")}</Typography.Title>
        {rights.manageRoles && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("/admin/roles/new")}
                  data-testid="new-role">
            {t("roles.new")}
          </Button>
        )}
      </Space>
      <Typography.Paragraph type="secondary">{t("roles.intro")}</Typography.Paragraph>
      <Card>
        <Table<RoleSummary | RoleDocument>
          rowKey="id"
          loading={roles.loading}
          columns={columns}
          dataSource={roles.data ?? []}
          pagination={false}
          onRow={(r) => ({ "data-role": r.key }) as never}
          locale={{ emptyText: t("roles.empty") }}
        />
      </Card>
    </div>
  );
}
