// A user's effective permissions (GET /access/matrix or /me/access): their roles and end
// dates, system permissions, every object × action with its scopes and the roles they come
// from, and every field's level with where it comes from.

import { ClockCircleOutlined, FlagOutlined, ShareAltOutlined, StopOutlined } from "@ant-design/icons";
import { Button, Card, Descriptions, Empty, Space, Table, Tabs, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useTranslation } from "react-i18next";

import { useCatalog } from "../catalog/CatalogContext";
import { fieldLabel, objectLabel } from "../catalog/labels";
import { useFormat } from "../i18n/format";
import { ACTIONS } from "./constants";
import { sayReason } from "./explainText";
import "./i18n";
import { useRoleLabel } from "./names";
import type { AccessMatrix, ActionAccess, FieldAccess } from "./types";

const SCOPE_COLORS: Record<string, string> = {
  own: "blue", reports: "cyan", department: "geekblue", department_tree: "purple", all: "green",
};

const LEVEL_COLORS: Record<string, string> = { hidden: "default", masked: "orange", read: "blue", edit: "green" };

function ActionCell({ access }: { access: ActionAccess | undefined }) {
  const { t, i18n } = useTranslation("access");
  const fmt = useFormat();
  const role = useRoleLabel();
  if (!access?.granted) return <Typography.Text type="secondary" data-granted="false">—</Typography.Text>;
  const scopes = access.scopes.length ? access.scopes : ["none"];
  return (
    <Space direction="vertical" size={2} data-granted="true" data-scopes={access.scopes.join(",")}>
      <Space size={[0, 2]} wrap>
        {scopes.map((s) => <Tag key={s} color={SCOPE_COLORS[s]} style={{ marginInlineEnd: 4 }}>{t(`scope.${s}`)}</Tag>)}
        {access.also_via.length > 0 && (
          <Tooltip title={access.also_via.map((v) => sayReason(v, t, i18n.language).text).join(t("listSeparator"))}>
            <ShareAltOutlined aria-label={t("matrix.alsoVia")} style={{ color: "#8c8c8c" }} />
          </Tooltip>
        )}
        {access.restricted_by.length > 0 && (
          <Tooltip title={t("matrix.restrictedBy", { rules: access.restricted_by.join(t("listSeparator")) })}>
            <StopOutlined aria-label={t("matrix.restricted")} style={{ color: "#fa541c" }} />
          </Tooltip>
        )}
      </Space>
      {access.sources.map((s, i) => (
        <Typography.Text key={i} type="secondary" style={{ fontSize: 12, lineHeight: 1.3 }}>
          {role(s.role, s.role_name)}
          {access.scopes.length > 1 && ` · ${t(`scope.${s.scope}`)}`}
          {s.expires_at && (
            <Tooltip title={t("matrix.until", { date: fmt.dateTime(s.expires_at) })}>
              {" "}<ClockCircleOutlined /> {fmt.date(s.expires_at)}
            </Tooltip>
          )}
        </Typography.Text>
      ))}
    </Space>
  );
}

interface ObjectRow {
  name: string;
  actions: Record<string, ActionAccess>;
}

/** What a "report a problem" button of a row is about (My access only). */
export type ReportAbout = { object?: string; field?: string; action?: string };
type Report = ((about: ReportAbout) => void) | undefined;

function ReportButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Tooltip title={label}>
      <Button type="text" size="small" icon={<FlagOutlined />} aria-label={label} data-action="report-problem"
              onClick={onClick} />
    </Tooltip>
  );
}

function ActionsTable({ matrix, onReport }: { matrix: AccessMatrix; onReport: Report }) {
  const { t, i18n } = useTranslation("access");
  const rows: ObjectRow[] = Object.entries(matrix.objects).map(([name, o]) => ({ name, actions: o.actions }));
  const columns: ColumnsType<ObjectRow> = [
    {
      key: "object", title: t("matrix.object"), fixed: "left", width: 110,
      render: (_, r) => <Typography.Text strong>{objectLabel(r.name, i18n.language)}</Typography.Text>,
    },
    ...ACTIONS.map((a) => ({
      key: a, title: t(`common:actions.${a}`), width: 112,
      onCell: (r: ObjectRow) => ({ "data-cell": `${r.name}.${a}` } as object),
      render: (_: unknown, r: ObjectRow) => <ActionCell access={r.actions[a]} />,
    })),
  ];
  if (onReport) {
    columns.push({
      key: "report", width: 48, fixed: "right",
      render: (_, r) => <ReportButton label={t("matrix.report")} onClick={() => onReport({ object: r.name })} />,
    });
  }
  return (
    <Table<ObjectRow> rowKey="name" size="small" columns={columns} dataSource={rows} pagination={false}
                      scroll={{ x: 1000 }} data-testid="matrix-actions" bordered />
  );
}

interface FieldRow {
  name: string;
  access: FieldAccess;
}

function FieldsTable({ object, fields, onReport }: { object: string; fields: Record<string, FieldAccess>;
                                                     onReport: Report }) {
  const { t, i18n } = useTranslation("access");
  const role = useRoleLabel();
  const catalog = useCatalog();
  const sensitivity = (name: string) => catalog.object(object)?.fields.find((f) => f.name === name)?.sensitivity;
  const rows: FieldRow[] = Object.entries(fields).map(([name, access]) => ({ name, access }));
  const columns: ColumnsType<FieldRow> = [
    { key: "field", title: t("matrix.field"), width: 160,
      render: (_, r) => fieldLabel(object, r.name, i18n.language) },
    { key: "sensitivity", title: t("matrix.sensitivity"), width: 120,
      render: (_, r) => { const s = sensitivity(r.name); return s ? t(`sensitivity.${s}`, { defaultValue: s }) : "—"; } },
    { key: "level", title: t("matrix.level"), width: 110,
      onCell: (r) => ({ "data-field-level": `${object}.${r.name}` } as object),
      render: (_, r) => <Tag color={LEVEL_COLORS[r.access.level]}>{t(`common:levels.${r.access.level}`)}</Tag> },
    { key: "sources", title: t("matrix.source"),
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          {r.access.sources.map((s, i) => (
            <Typography.Text key={i} type="secondary">{sayReason(s, t, i18n.language, role).text}</Typography.Text>
          ))}
        </Space>
      ) },
  ];
  if (onReport) {
    columns.push({
      key: "report", width: 48,
      render: (_, r) => <ReportButton label={t("matrix.report")} onClick={() => onReport({ object, field: r.name })} />,
    });
  }
  return <Table<FieldRow> rowKey="name" size="small" columns={columns} dataSource={rows} pagination={false} />;
}

/** `onReport`: each row (object, field, system permission) offers to report a problem. */
export default function AccessMatrixView({ matrix, onReport }: { matrix: AccessMatrix; onReport?: Report }) {
  const { t, i18n } = useTranslation("access");
  const fmt = useFormat();
  const role = useRoleLabel();
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="access-matrix"
           data-user={matrix.username}>
      <Card title={t("matrix.summary")}>
        <Descriptions column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }} size="small">
          <Descriptions.Item label={t("matrix.user")}>
            {matrix.display_name} ({matrix.username})
            {!matrix.active && <Tag color="red" style={{ marginInlineStart: 8 }}>{t("matrix.deactivated")}</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label={t("matrix.validUntil")}>
            {matrix.valid_until ? fmt.dateTime(matrix.valid_until) : t("matrix.noChangeDue")}
          </Descriptions.Item>
          <Descriptions.Item label={t("matrix.roles")} span={2}>
            {matrix.roles.length === 0 ? t("matrix.noRoles") : (
              <Space size={[4, 4]} wrap>
                {matrix.roles.map((r) => (
                  <Tag key={r.key} color="blue" data-role={r.key}>
                    {role(r.key, r.name)}
                    {r.expires_at ? ` · ${t("matrix.until", { date: fmt.date(r.expires_at) })}` : ` · ${t("matrix.noEnd")}`}
                  </Tag>
                ))}
              </Space>
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t("matrix.systemPermissions")} span={2}>
            {matrix.system_permissions.length === 0 ? t("matrix.noPermissions") : (
              <Space size={[4, 4]} wrap>
                {matrix.system_permissions.map((p) => (
                  <Tag key={p} color="purple" data-permission={p}>
                    {t(`common:permissions.${p}`, { defaultValue: p })}
                    {onReport && (
                      <FlagOutlined role="button" tabIndex={0} aria-label={t("matrix.report")} data-action="report-problem"
                                    style={{ marginInlineStart: 6, cursor: "pointer" }}
                                    onClick={() => onReport({ action: p })}
                                    onKeyDown={(e) => { if (e.key === "Enter" || e.key === " ") onReport({ action: p }); }} />
                    )}
                  </Tag>
                ))}
              </Space>
            )}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t("matrix.actions")} extra={<Typography.Text type="secondary">{t("matrix.actionsHint")}</Typography.Text>}
            styles={{ body: { padding: 0 } }}>
        <ActionsTable matrix={matrix} onReport={onReport} />
      </Card>
      <Card title={t("matrix.fields")}>
        {Object.keys(matrix.objects).length === 0 ? <Empty /> : (
          <Tabs items={Object.entries(matrix.objects).map(([name, o]) => ({
            key: name, label: objectLabel(name, i18n.language),
            children: <FieldsTable object={name} fields={o.fields} onReport={onReport} />,
          }))} />
        )}
      </Card>
    </Space>
  );
}
