/** One user: their details, the roles they hold (with ends and reasons) and the trainings
 * they completed (approval policies require some). */

import { Descriptions, Divider, Drawer, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { useFormat } from "../i18n/format";
import TrainingSection from "../workflow/TrainingSection";
import AssignmentsTable from "./AssignmentsTable";
import { departmentPath } from "./names";
import type { AdminUser, Department, RoleSummary } from "./types";

interface Props {
  user: AdminUser;
  users: AdminUser[];
  departments: Department[];
  roles: RoleSummary[];
  canReadRoles: boolean;
  canManageRoles: boolean;
  onClose: () => void;
}

export default function UserDrawer({ user, users, departments, roles, canReadRoles,
                                     canManageRoles, onClose }: Props) {
  const { t, i18n } = useTranslation("admin");
  const fmt = useFormat();
  const manager = user.manager_id ? users.find((u) => u.id === user.manager_id) : undefined;
  return (
    <Drawer open width={760} onClose={onClose} destroyOnHidden
            title={<span>{user.display_name} <Typography.Text type="secondary">{user.username}</Typography.Text></span>}
            data-testid="user-drawer">
      <Descriptions column={2} size="small" bordered>
        <Descriptions.Item label={t("users.department")} span={2}>
          {departmentPath(departments, user.department_id, i18n.language).join(" / ")}
        </Descriptions.Item>
        <Descriptions.Item label={t("users.manager")}>{manager?.display_name ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={t("users.state")}>
          {user.active ? <Tag color="green">{t("users.active")}</Tag>
            : <Tag>{t("users.inactiveSince", { date: fmt.dateTime(user.deactivated_at) })}</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label={t("users.email")}>{user.email ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={t("users.phone")}>{user.phone ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={t("users.hireDate")}>{fmt.date(user.hire_date)}</Descriptions.Item>
        <Descriptions.Item label={t("users.password")}>
          {user.has_password ? t("users.passwordSet") : t("users.passwordNotSet")}
        </Descriptions.Item>
      </Descriptions>
      {canReadRoles && (
        <>
          <Divider orientation="left">{t("users.roles")}</Divider>
          <AssignmentsTable userId={user.id} users={users} roles={roles}
                            canManage={canManageRoles && user.active} />
        </>
      )}
      <TrainingSection user={user} />
    </Drawer>
  );
}
