/** The role editor: objects × actions with a scope per cell, field levels by class and by
 * field, system permissions, the role's basics and its holders. Everything edited is
 * saved at once — one request, with a reason — or discarded. */

import "./i18n";
import { ArrowLeftOutlined, DeleteOutlined, SaveOutlined, UndoOutlined } from "@ant-design/icons";
import { Alert, App, Badge, Button, Card, Form, Space, Tabs, Tag, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router-dom";

import { ApiError, api } from "../api/client";
import { useMe } from "../auth/AuthContext";
import { useCatalog } from "../catalog/CatalogContext";
import { adminApi } from "./api";
import AssignmentsTable from "./AssignmentsTable";
import ChangeDialog from "./ChangeDialog";
import type { ReasonValues } from "./ChangeDialog";
import { invalidField, invalidText } from "./errors";
import FieldLevelGrid from "./FieldLevelGrid";
import GrantMatrix from "./GrantMatrix";
import { LoadFailed } from "./LoadFailed";
import { roleName } from "./names";
import { adminRights } from "./rights";
import RoleBasics from "./RoleBasics";
import RoleChanges from "./RoleChanges";
import {
  changedParts, createBody, draftOf, emptyDraft, errorTarget, updateBody,
} from "./roleDraft";
import type { ErrorTarget, Part, RoleDraft } from "./roleDraft";
import SystemPermissions from "./SystemPermissions";
import type { Level, RoleDocument, Scope } from "./types";
import { useLoad } from "./useLoad";

type Tab = Part | "holders";
const TAB_OF_PART: Record<Part, Tab> = {
  basics: "basics", departments: "basics", grants: "grants", fields: "fields", permissions: "permissions",
};

function withLevel(map: Record<string, Level>, key: string, level: Level | null): Record<string, Level> {
  const next = { ...map };
  if (level === null) delete next[key];
  else next[key] = level;
  return next;
}

export default function RoleEditorPage() {
  const { id } = useParams();
  const creating = id === "new";
  const roleId = creating ? null : Number(id);
  const { t, i18n } = useTranslation("admin");
  const { message } = App.useApp();
  const navigate = useNavigate();
  const catalog = useCatalog();
  const rights = adminRights(useMe());
  const readOnly = !rights.manageRoles;
  const objects = catalog.objects;
  const order = useMemo(() => objects.map((o) => o.name), [objects]);

  const loaded = useLoad(async () => {
    const [role, departments, users, roles] = await Promise.all([
      roleId ? adminApi.role(roleId) : Promise.resolve(null),
      adminApi.departments(), adminApi.users(), adminApi.roles(),
    ]);
    return { role, departments, users, roles };
  }, [roleId]);
  const role = loaded.data?.role ?? null;

  const [base, setBase] = useState<RoleDraft>(emptyDraft);
  const [draft, setDraft] = useState<RoleDraft>(emptyDraft);
  const [tab, setTab] = useState<Tab>(creating ? "basics" : "grants");
  const [refused, setRefused] = useState<(ErrorTarget & { field: string; message: string }) | null>(null);
  const [dialog, setDialog] = useState<"save" | "delete" | null>(null);
  const [saveForm] = Form.useForm<ReasonValues>();
  const [deleteForm] = Form.useForm<ReasonValues>();

  useEffect(() => {
    const fresh = role ? draftOf(role) : emptyDraft();
    setBase(fresh);
    setDraft(fresh);
    setRefused(null);
  }, [role]);

  const parts = changedParts(base, draft);
  const dirty = parts.length > 0;
  useEffect(() => {
    if (!dirty) return undefined;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const edit = (patch: Partial<RoleDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setRefused(null);
  };

  // What saving sends; "Preview impact" asks the what-if about exactly this body.
  const bodyOf = (reason: string): Record<string, unknown> => (creating
    ? { ...createBody(draft, order), reason }
    : { ...updateBody(base, draft, order), reason, version: role?.version });

  const save = async ({ reason }: ReasonValues) => {
    const body = bodyOf(reason);
    try {
      if (creating) {
        const made = await api.post<RoleDocument>("/roles", body);
        message.success(t("roles.created", { name: roleName(made, i18n.language) }));
        navigate(`/admin/roles/${made.id}`, { replace: true });
      } else {
        await api.patch<RoleDocument>(`/roles/${roleId}`, body);
        message.success(t("roles.saved"));
        await loaded.reload();
      }
    } catch (err) {
      const path = invalidField(err);
      if (path && err instanceof ApiError) {
        const target = errorTarget(path, body);
        setRefused({ ...target, field: path, message: invalidText(err, path, t) });
        setTab(TAB_OF_PART[target.part]);
      }
      throw err;
    }
  };

  const remove = async ({ reason }: ReasonValues) => {
    await api.del(`/roles/${roleId}`, { reason, version: role?.version });
    message.success(t("roles.deleted", { name: role ? roleName(role, i18n.language) : "" }));
    navigate("/admin/roles");
  };

  if (loaded.error && !loaded.data) return <LoadFailed error={loaded.error} retry={() => void loaded.reload()} />;
  if (!loaded.data) return <Card loading />;
  const departments = loaded.data.departments;
  const refusedCell = refused?.cell ?? null;
  const title = creating ? t("roles.newTitle") : role ? roleName(role, i18n.language) : "";

  const badge = (part: Part, text: string) => (
    <Badge dot={parts.includes(part) || (part === "basics" && parts.includes("departments"))}
           offset={[6, 0]}>{text}</Badge>
  );
  const tabs = [
    {
      key: "grants", label: badge("grants", t("roles.tabGrants")),
      children: (
        <>
          <Typography.Paragraph type="secondary">{t("grants.intro")}</Typography.Paragraph>
          <GrantMatrix objects={objects} grants={draft.grants} base={base.grants} refused={refusedCell}
                       readOnly={readOnly}
                       onChange={(key, scope: Scope) => edit({ grants: { ...draft.grants, [key]: scope } })} />
        </>
      ),
    },
    {
      key: "fields", label: badge("fields", t("roles.tabFields")),
      children: (
        <FieldLevelGrid objects={objects} classRules={draft.classRules} fieldRules={draft.fieldRules}
                        baseClassRules={base.classRules} baseFieldRules={base.fieldRules}
                        refused={refusedCell} readOnly={readOnly}
                        onClassChange={(key, level) => edit({ classRules: withLevel(draft.classRules, key, level) })}
                        onFieldChange={(key, level) => edit({ fieldRules: withLevel(draft.fieldRules, key, level) })} />
      ),
    },
    {
      key: "permissions", label: badge("permissions", t("roles.tabPermissions")),
      children: (
        <SystemPermissions permissions={draft.permissions} base={base.permissions} delegable={draft.delegable}
                           readOnly={readOnly} onChange={(permissions) => edit({ permissions })} />
      ),
    },
    {
      key: "basics", label: badge("basics", t("roles.tabBasics")),
      children: (
        <RoleBasics draft={draft} creating={creating} departments={departments} readOnly={readOnly}
                    refused={refused && (refused.part === "basics" || refused.part === "departments")
                      ? { field: refused.field.replace(/\[\d+\].*$/, ""), message: refused.message } : null}
                    onChange={edit} />
      ),
    },
    ...(role ? [{
      key: "holders",
      label: <span>{t("roles.tabHolders")} <Tag style={{ marginInlineStart: 4 }}>{role.active_assignments ?? 0}</Tag></span>,
      children: (
        <AssignmentsTable roleId={role.id} users={loaded.data.users} roles={loaded.data.roles}
                          canManage={rights.manageRoles} onChanged={() => void loaded.reload()} />
      ),
    }] : []),
  ];

  return (
    <div data-testid="role-editor" data-version={role?.version}>
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 12 }} wrap>
        <Space align="center" wrap>
          <Link to="/admin/roles" aria-label={t("roles.back")}><ArrowLeftOutlined /></Link>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="role-title">{title}</Typography.Title>
          {role && <Tag>{role.key}</Tag>}
          {role && <Typography.Text type="secondary">{t("roles.version", { version: role.version })}</Typography.Text>}
          {draft.delegable && <Tag color="blue">{t("roles.delegableTag")}</Tag>}
          {readOnly && <Tag>{t("common.readOnly")}</Tag>}
        </Space>
        {!readOnly && (
          <Space>
            {dirty && !creating && (
              <Button icon={<UndoOutlined />} onClick={() => { setDraft(base); setRefused(null); }}>
                {t("roles.discard")}
              </Button>
            )}
            {role && (
              <Button danger icon={<DeleteOutlined />} onClick={() => setDialog("delete")} data-testid="delete-role">
                {t("common.delete")}
              </Button>
            )}
            <Button type="primary" icon={<SaveOutlined />} disabled={!dirty} data-testid="save-role"
                    onClick={() => setDialog("save")}>
              {creating ? t("roles.createRole") : dirty ? t("roles.saveCount", { count: parts.length }) : t("common.save")}
            </Button>
          </Space>
        )}
      </Space>
      {refused && (
        <Alert type="error" showIcon closable onClose={() => setRefused(null)} style={{ marginBottom: 12 }}
               message={t("roles.refused")} description={refused.message} data-testid="role-refused" />
      )}
      {role?.description && <Typography.Paragraph type="secondary">{role.description}</Typography.Paragraph>}
      <Card>
        <Tabs activeKey={tab} onChange={(k) => setTab(k as Tab)} items={tabs} />
      </Card>

      {dialog === "save" && (
        <ChangeDialog<ReasonValues>
          open form={saveForm} width={620} testId="save-role-dialog"
          title={creating ? t("roles.createTitle") : t("roles.saveTitle", { name: title })}
          okText={creating ? t("common.create") : t("common.save")}
          intro={<RoleChanges objects={objects} base={base} draft={draft} creating={creating} />}
          impact={({ reason }) => ({
            kind: "role", op: creating ? "create" : "update", id: roleId, body: bodyOf(reason),
          })}
          submit={save}
          onClose={() => setDialog(null)}
          onReload={() => void loaded.reload()}
        />
      )}
      {dialog === "delete" && role && (
        <ChangeDialog<ReasonValues>
          open danger form={deleteForm} testId="delete-role-dialog"
          title={t("roles.deleteTitle", { name: title })}
          okText={t("common.delete")}
          intro={<Typography.Paragraph>{t("roles.deleteIntro", { count: role.active_assignments ?? 0 })}</Typography.Paragraph>}
          submit={remove}
          onClose={() => setDialog(null)}
          onReload={() => void loaded.reload()}
        />
      )}
    </div>
  );
}
