/** Role assignments (of one role, of one user, or all): who holds what until when, with
 * the "ends soon" ones marked; add, change the end, remove. */

import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { Alert, Button, Space, Switch, Table, Tag, Tooltip, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { useFormat } from "../i18n/format";
import { adminApi } from "./api";
import { AddAssignmentDialog, ExpiryDialog, RemoveAssignmentDialog } from "./AssignmentDialogs";
import { adminError } from "./errors";
import { roleName } from "./names";
import type { AdminUser, Assignment, RoleSummary } from "./types";
import { useLoad } from "./useLoad";

/** Within this many days of its end an assignment "ends soon". */
export const ENDS_SOON_DAYS = 7;
const DAY_MS = 86_400_000;

export function endsSoon(a: Assignment, now = Date.now()): boolean {
  if (!a.active || !a.expires_at) return false;
  return new Date(a.expires_at).getTime() - now <= ENDS_SOON_DAYS * DAY_MS;
}

interface Props {
  roleId?: number;
  userId?: number;
  users: AdminUser[];
  roles: RoleSummary[];
  canManage: boolean;
  /** After any change (a role's holder count, a user's roles). */
  onChanged?: () => void;
}

type Dialog = { kind: "add" } | { kind: "expiry" | "remove"; assignment: Assignment } | null;

export default function AssignmentsTable({ roleId, userId, users, roles, canManage, onChanged
}: Props) {
  const { t, i18n } = useTranslation("admin");
  const fmt = useFormat();
  const [showEnded, setShowEnded] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const list = useLoad(() => adminApi.assignments({
    role: roleId, user: userId, active: showEnded ? undefined : true,
  }), [roleId, userId, showEnded]);

  const changed = () => {
    setDialog(null);
    void list.reload();
    onChanged?.();
  };
  const userOf = (id: number) => users.find((u) => u.id === id);
  const roleOf = (id: number) => roles.find((r) => r.id === id);
  const describe = (a: Assignment) => {
    const u = userOf(a.user_id);
    const r = roleOf(a.role_id);
    return {
      user: u ? u.display_name : a.username ?? `#${a.user_id}`,
      role: r ? roleName(r, i18n.language) : a.role_name ?? `#${a.role_id}`,
    };
  };

  const columns: TableColumnsType<Assignment> = [];
  if (userId === undefined) {
    columns.push({
      key: "user", title: t("assignments.user"),
      render: (_v, a) => {
        const u = userOf(a.user_id);
        return (
          <Space size={4} direction="vertical">
            <span>{u?.display_name ?? a.username}</span>
            <Typography.Text type="secondary">{a.username}</Typography.Text>
          </Space>
        );
      },
    });
  }
  if (roleId === undefined) {
    columns.push({ key: "role", title: t("assignments.role"), render: (_v, a) => describe(a).role });
  }
  columns.push(
    {
      key: "granted", title: t("assignments.grantedAt"),
      render: (_v, a) => {
        const by = a.granted_by ? userOf(a.granted_by) : undefined;
        return (
          <Space size={4} direction="vertical">
            <span>{fmt.dateTime(a.granted_at)}</span>
            {by && <Typography.Text type="secondary">{t("assignments.by", { name: by.display_name })}</Typography.Text>}
          </Space>
        );
      },
    },
    {
      key: "expires", title: t("assignments.expiresAt"),
      render: (_v, a) => (
        <Space size={4} wrap>
          <span>{a.expires_at ? fmt.dateTime(a.expires_at) : t("assignments.noExpiry")}</span>
          {!a.active && <Tag>{t("assignments.ended")}</Tag>}
          {endsSoon(a) && (
            <Tooltip title={fmt.relative(a.expires_at)}>
              <Tag color="orange" data-testid="ends-soon">{t("assignments.endsSoon")}</Tag>
            </Tooltip>
          )}
        </Space>
      ),
    },
    {
      key: "reason", title: t("assignments.reason"), dataIndex: "reason", ellipsis: true,
      render: (v: string | null) => v ?? "—",
    },
  );
  if (canManage) {
    columns.push({
      key: "actions", title: t("common.actions"), width: 170,
      render: (_v, a) => (
        <Space size={0}>
          <Button type="link" size="small" disabled={!a.active} data-action="expiry"
                  onClick={() => setDialog({ kind: "expiry", assignment: a })}>
            {t("assignments.changeExpiry")}
          </Button>
          <Button type="link" size="small" danger data-action="remove"
                  onClick={() => setDialog({ kind: "remove", assignment: a })}>
            {t("assignments.remove")}
          </Button>
        </Space>
      ),
    });
  }

  return (
    <div data-testid="assignments">
      <Space style={{ marginBottom: 12, width: "100%", justifyContent: "space-between" }} wrap>
        <Space>
          <Switch size="small" checked={showEnded} onChange={setShowEnded}
                  aria-label={t("assignments.showEnded")} />
          <Typography.Text>{t("assignments.showEnded")}</Typography.Text>
          <Button type="text" size="small" icon={<ReloadOutlined />} aria-label={t("common.refresh")}
                  onClick={() => void list.reload()} />
        </Space>
        {canManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: "add" })}
                  data-testid="add-assignment">
            {t("assignments.add")}
          </Button>
        )}
      </Space>
      {list.error ? <Alert type="error" showIcon message={adminError(list.error, t)} /> : null}
      <Table<Assignment>
        rowKey="id"
        size="middle"
        loading={list.loading}
        columns={columns}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        rowClassName={(a) => (a.active ? "" : "vouch-row-ended")}
        onRow={(a) => ({ "data-username": a.username ?? "", "data-role": a.role_key ?? "" }) as never}
        locale={{ emptyText: t("assignments.empty") }}
      />
      {dialog?.kind === "add" && (
        <AddAssignmentDialog open users={users} roles={roles} userId={userId} roleId={roleId}
                             onClose={() => setDialog(null)} onDone={changed} />
      )}
      {dialog?.kind === "expiry" && (
        <ExpiryDialog open assignment={dialog.assignment}
                      title={t("assignments.expiryTitle", describe(dialog.assignment))}
                      onClose={() => setDialog(null)} onDone={changed} />
      )}
      {dialog?.kind === "remove" && (
        <RemoveAssignmentDialog open assignment={dialog.assignment}
                                title={t("assignments.removeTitle", describe(dialog.assignment))}
                                onClose={() => setDialog(null)} onDone={changed} />
      )}
    </div>
  );
}
