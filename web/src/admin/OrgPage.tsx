/** Organisation: the department tree on the left; the selected department's users on the
 * right, with every change an administrator makes to departments and users. */

import "./i18n";
import { DeleteOutlined, EditOutlined, PlusOutlined, SearchOutlined } from "@ant-design/icons";
import { App, Breadcrumb, Button, Card, Col, Descriptions, Empty, Input, Row, Space, Switch, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";

import { useMe } from "../auth/AuthContext";
import DeactivationSummary from "../workflow/DeactivationSummary";
import { adminApi } from "./api";
import { DeactivateUserDialog, ReactivateUserDialog } from "./ActivationDialogs";
import type { DeactivateResult } from "./ActivationDialogs";
import { DeleteDepartmentDialog, DepartmentDialog } from "./DepartmentDialogs";
import DepartmentTree from "./DepartmentTree";
import { LoadFailed } from "./LoadFailed";
import MoveUserDialog from "./MoveUserDialog";
import type { MoveResult } from "./MoveUserDialog";
import { departmentName, departmentPath } from "./names";
import { adminRights } from "./rights";
import type { AdminUser, Department, RoleSummary } from "./types";
import UserDialog from "./UserDialog";
import UserDrawer from "./UserDrawer";
import UsersTable from "./UsersTable";
import type { UserAction } from "./UsersTable";
import { useLoad } from "./useLoad";

type Dialog =
  | { kind: "newDepartment" | "editDepartment" | "deleteDepartment" | "newUser" }
  | { kind: UserAction; user: AdminUser }
  | null;

function total(counts: Record<string, number> | undefined): number {
  return Object.values(counts ?? {}).reduce((a, b) => a + b, 0);
}

export default function OrgPage() {
  const { t, i18n } = useTranslation("admin");
  const { message } = App.useApp();
  const rights = adminRights(useMe());
  const [params, setParams] = useSearchParams();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [query, setQuery] = useState("");
  const [showInactive, setShowInactive] = useState(false);
  const [deactivated, setDeactivated] = useState<DeactivateResult | null>(null);

  const org = useLoad(async () => {
    const [departments, users, roles] = await Promise.all([
      adminApi.departments(), adminApi.users(),
      rights.readRoles ? adminApi.roles() : Promise.resolve([] as RoleSummary[]),
    ]);
    return { departments, users, roles };
  }, [rights.readRoles]);

  const departments = org.data?.departments ?? [];
  const users = org.data?.users ?? [];
  const roots = departments.filter((d) => d.parent_id === null);
  const asked = Number(params.get("department"));
  const selectedId = departments.some((d) => d.id === asked) ? asked : roots[0]?.id ?? null;
  const selected = departments.find((d) => d.id === selectedId) ?? null;
  const select = (id: number) => setParams({ department: String(id) }, { replace: true });

  const needle = query.trim().toLowerCase();
  const rows = useMemo(() => users.filter((u) => (showInactive || u.active) && (needle
    ? [u.username, u.display_name, u.email ?? ""].some((s) => s.toLowerCase().includes(needle))
    : u.department_id === selectedId)), [users, needle, selectedId, showInactive]);

  const reload = () => void org.reload();
  const done = (text: string) => {
    setDialog(null);
    message.success(text);
    reload();
  };
  const deptName = (d: Department) => departmentName(d, i18n.language);
  const inSelected = users.filter((u) => u.department_id === selectedId).length;
  const childCount = departments.filter((d) => d.parent_id === selectedId).length;

  if (org.error && !org.data) return <LoadFailed error={org.error} retry={reload} />;
  return (
    <div data-testid="org-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t("org.title")}</Typography.Title>
      <Row gutter={16} wrap={false}>
        <Col flex="300px">
          <Card title={t("org.departments")} size="small" loading={org.loading && !org.data}
                extra={rights.manageUsers && (
                  <Button size="small" icon={<PlusOutlined />} data-testid="new-department"
                          onClick={() => setDialog({ kind: "newDepartment" })}>
                    {t("org.newDepartmentShort")}
                  </Button>
                )}>
            <DepartmentTree departments={departments} users={users} selected={selectedId}
                            onSelect={(id) => { setQuery(""); select(id); }} />
          </Card>
        </Col>
        <Col flex="auto" style={{ minWidth: 0 }}>
          <Card size="small" loading={org.loading && !org.data}
                title={needle ? t("org.searchResults", { query: query.trim() }) : selected && (
                  <Breadcrumb items={departmentPath(departments, selected.id, i18n.language)
                    .map((title) => ({ title }))} />
                )}
                extra={rights.manageUsers && selected && !needle && (
                  <Space>
                    <Button size="small" icon={<EditOutlined />} data-testid="edit-department"
                            onClick={() => setDialog({ kind: "editDepartment" })}>
                      {t("org.editDepartmentShort")}
                    </Button>
                    {selected.parent_id !== null && (
                      <Button size="small" danger icon={<DeleteOutlined />} data-testid="delete-department"
                              onClick={() => setDialog({ kind: "deleteDepartment" })}>
                        {t("common.delete")}
                      </Button>
                    )}
                  </Space>
                )}>
            {selected && !needle && (
              <Descriptions size="small" column={3} style={{ marginBottom: 12 }}>
                <Descriptions.Item label={t("org.head")}>
                  {selected.head_id ? users.find((u) => u.id === selected.head_id)?.display_name ?? `#${selected.head_id}` : "—"}
                </Descriptions.Item>
                <Descriptions.Item label={t("org.parent")}>
                  {(() => {
                    const p = departments.find((d) => d.id === selected.parent_id);
                    return p ? deptName(p) : "—";
                  })()}
                </Descriptions.Item>
                <Descriptions.Item label={t("org.memberCount")}>{inSelected}</Descriptions.Item>
              </Descriptions>
            )}
            <Space style={{ marginBottom: 12, width: "100%", justifyContent: "space-between" }} wrap>
              <Space wrap>
                <Input allowClear prefix={<SearchOutlined />} value={query} style={{ width: 240 }}
                       onChange={(e) => setQuery(e.target.value)} placeholder={t("org.search")}
                       aria-label={t("org.search")} data-testid="user-search" />
                <Switch size="small" checked={showInactive} onChange={setShowInactive}
                        aria-label={t("org.showInactive")} />
                <Typography.Text>{t("org.showInactive")}</Typography.Text>
              </Space>
              {rights.manageUsers && (
                <Button type="primary" icon={<PlusOutlined />} data-testid="new-user"
                        onClick={() => setDialog({ kind: "newUser" })}>
                  {t("users.new")}
                </Button>
              )}
            </Space>
            {rows.length || org.loading ? (
              <UsersTable rows={rows} users={users} departments={departments} showDepartment={!!needle}
                          canManage={rights.manageUsers} loading={org.loading}
                          onAction={(kind, user) => setDialog({ kind, user })} />
            ) : (
              <Empty description={needle ? t("org.noMatch") : t("org.noUsers")} />
            )}
          </Card>
        </Col>
      </Row>

      {(dialog?.kind === "newDepartment" || dialog?.kind === "editDepartment") && (
        <DepartmentDialog open departments={departments} users={users}
                          department={dialog.kind === "editDepartment" ? selected : null}
                          parentId={selectedId}
                          onClose={() => setDialog(null)} onReload={reload}
                          onDone={(d) => { done(t("org.departmentSaved", { name: deptName(d) })); select(d.id); }} />
      )}
      {dialog?.kind === "deleteDepartment" && selected && (
        <DeleteDepartmentDialog open department={selected} users={inSelected} children={childCount}
                                onClose={() => setDialog(null)} onReload={reload}
                                onDone={() => {
                                  done(t("org.departmentDeleted", { name: deptName(selected) }));
                                  if (selected.parent_id !== null) select(selected.parent_id);
                                }} />
      )}
      {(dialog?.kind === "newUser" || dialog?.kind === "edit") && (
        <UserDialog open departments={departments} users={users}
                    user={dialog.kind === "edit" ? dialog.user : null} departmentId={selectedId}
                    onClose={() => setDialog(null)} onReload={reload}
                    onDone={(u) => done(t("users.saved", { name: u.display_name }))} />
      )}
      {dialog?.kind === "move" && (
        <MoveUserDialog open user={dialog.user} departments={departments} users={users}
                        onClose={() => setDialog(null)} onReload={reload}
                        onDone={(r: MoveResult) => done(t("move.done", {
                          name: r.display_name,
                          records: t("move.records_count", { count: total(r.records_moved) }),
                          roles: t("move.roles_count", { count: r.assignments_ended.length }),
                        }))} />
      )}
      {dialog?.kind === "deactivate" && (
        <DeactivateUserDialog open user={dialog.user} users={users}
                              onClose={() => setDialog(null)} onReload={reload}
                              onDone={(r: DeactivateResult) => {
                                done(t("deactivate.done", {
                                  name: r.display_name, successor: r.successor,
                                  records: t("deactivate.records_count", {
                                    count: total(r.records_transferred),
                                  }),
                                  sessions: t("deactivate.sessions_count", {
                                    count: r.sessions_and_tokens_ended,
                                  }),
                                }));
                                setDeactivated(r);
                              }} />
      )}
      {deactivated && <DeactivationSummary result={deactivated} onClose={() => setDeactivated(null)} />}
      {dialog?.kind === "reactivate" && (
        <ReactivateUserDialog open user={dialog.user}
                              onClose={() => setDialog(null)} onReload={reload}
                              onDone={(u) => done(t("reactivate.done", { name: u.display_name }))} />
      )}
      {dialog?.kind === "roles" && (
        <UserDrawer user={users.find((u) => u.id === dialog.user.id) ?? dialog.user} users={users}
                    departments={departments} roles={org.data?.roles ?? []}
                    canReadRoles={rights.readRoles} canManageRoles={rights.manageRoles}
                    onClose={() => setDialog(null)} />
      )}
    </div>
  );
}
