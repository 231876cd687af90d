/** Role assignments across the organisation, narrowed to a role or a user. */

import "./i18n";
import { Card, Form, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";

import { useMe } from "../auth/AuthContext";
import { adminApi } from "./api";
import AssignmentsTable, { ENDS_SOON_DAYS } from "./AssignmentsTable";
import { LoadFailed } from "./LoadFailed";
import { RoleSelect, UserSelect } from "./pickers";
import { adminRights } from "./rights";
import { useLoad } from "./useLoad";

function idParam(value: string | null): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export default function AssignmentsPage() {
  const { t } = useTranslation("admin");
  const rights = adminRights(useMe());
  const [params, setParams] = useSearchParams();
  const [roleId, setRoleId] = useState(idParam(params.get("role")));
  const [userId, setUserId] = useState(idParam(params.get("user")));
  const data = useLoad(async () => {
    const [users, roles] = await Promise.all([adminApi.users(), adminApi.roles()]);
    return { users, roles };
  }, []);

  const choose = (role: number | undefined, user: number | undefined) => {
    setRoleId(role);
    setUserId(user);
    const next = new URLSearchParams();
    if (role) next.set("role", String(role));
    if (user) next.set("user", String(user));
    setParams(next, { replace: true });
  };

  if (data.error) return <LoadFailed error={data.error} retry={data.reload} />;
  return (
    <div data-testid="assignments-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t("assignments.title")}</Typography.Title>
      <Typography.Paragraph type="secondary">
        {t("assignments.intro", { days: ENDS_SOON_DAYS })}
      </Typography.Paragraph>
      <Card>
        <Form layout="inline" style={{ marginBottom: 16 }}>
          <Form.Item label={t("assignments.role")}>
            <div style={{ width: 240 }}>
              <RoleSelect roles={data.data?.roles ?? []} value={roleId ?? null}
                          onChange={(v) => choose(v ?? undefined, userId)}
                          placeholder={t("assignments.anyRole")} testId="filter-role" />
            </div>
          </Form.Item>
          <Form.Item label={t("assignments.user")}>
            <div style={{ width: 240 }}>
              <UserSelect users={data.data?.users ?? []} value={userId ?? null}
                          onChange={(v) => choose(roleId, v ?? undefined)}
                          placeholder={t("assignments.anyUser")} testId="filter-user" />
            </div>
          </Form.Item>
        </Form>
        {data.data && (
          <AssignmentsTable roleId={roleId} userId={userId} users={data.data.users}
                            roles={data.data.roles} canManage={rights.manageRoles} />
        )}
      </Card>
    </div>
  );
}
