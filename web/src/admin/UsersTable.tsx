/** The users of a department (or found by a search), with what an administrator may do
 * to each: edit, move, see and change their roles, deactivate or reactivate. */

import { Button, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";

import { departmentName } from "./names";
import type { AdminUser, Department } from "./types";

export type UserAction = "edit" | "move" | "roles" | "deactivate" | "reactivate";

interface Props {
  rows: AdminUser[];
  users: AdminUser[];
  departments: Department[];
  /** Show each user's department (a search across departments). */
  showDepartment: boolean;
  canManage: boolean;
  loading: boolean;
  onAction: (action: UserAction, user: AdminUser) => void;
}

export default function UsersTable({ rows, users, departments, showDepartment, canManage, loading,
                                     onAction }: Props) {
  const { t, i18n } = useTranslation("admin");
  const byId = new Map(users.map((u) => [u.id, u]));
  const deptName = (id: number) => {
    const d = departments.find((x) => x.id === id);
    return d ? departmentName(d, i18n.language) : `#${id}`;
  };

  const columns: TableColumnsType<AdminUser> = [
    {
      key: "name", title: t("users.displayName"),
      sorter: (a, b) => a.display_name.localeCompare(b.display_name, i18n.language),
      render: (_v, u) => (
        <Space size={0} direction="vertical">
          <Button type="link" size="small" style={{ padding: 0, height: "auto" }}
                  data-action="open" onClick={() => onAction("roles", u)}>{u.display_name}</Button>
          <Typography.Text type="secondary">{u.username}</Typography.Text>
        </Space>
      ),
    },
    ...(showDepartment ? [{
      key: "department", title: t("users.department"),
      render: (_v: unknown, u: AdminUser) => deptName(u.department_id),
    }] : []),
    { key: "email", title: t("users.email"), dataIndex: "email", ellipsis: true,
      render: (v: string | null) => v ?? "—" },
    { key: "phone", title: t("users.phone"), dataIndex: "phone", render: (v: string | null) => v ?? "—" },
    {
      key: "manager", title: t("users.manager"),
      render: (_v, u) => (u.manager_id ? byId.get(u.manager_id)?.display_name ?? `#${u.manager_id}` : "—"),
    },
    {
      key: "state", title: t("users.state"),
      render: (_v, u) => (u.active ? <Tag color="green">{t("users.active")}</Tag>
        : <Tag>{t("users.inactive")}</Tag>),
    },
  ];
  if (canManage) {
    columns.push({
      key: "actions", title: t("common.actions"), width: 230,
      render: (_v, u) => (
        <Space size={0} wrap>
          <Button type="link" size="small" data-action="edit" onClick={() => onAction("edit", u)}>{t("common.edit")}</Button>
          {u.active && (
            <Button type="link" size="small" data-action="move" onClick={() => onAction("move", u)}>{t("users.move")}</Button>
          )}
          {u.active ? (
            <Button type="link" size="small" danger data-action="deactivate"
                    onClick={() => onAction("deactivate", u)}>
              {t("users.deactivate")}
            </Button>
          ) : (
            <Button type="link" size="small" data-action="reactivate"
                    onClick={() => onAction("reactivate", u)}>
              {t("users.reactivate")}
            </Button>
          )}
        </Space>
      ),
    });
  }

  return (
    <Table<AdminUser>
      rowKey="id"
      size="middle"
      loading={loading}
      columns={columns}
      dataSource={rows}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      onRow={(u) => ({ "data-username": u.username }) as never}
      locale={{ emptyText: t("users.empty") }}
      data-testid="users-table"
    />
  );
}
