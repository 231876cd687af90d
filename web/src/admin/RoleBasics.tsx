/** A role's name (both languages), key (chosen once, at creation), description, whether
 * delegated administrators may assign it, and the departments whose members may hold it. */

import { Alert, Form, Input, Switch, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { DepartmentSelect } from "./pickers";
import type { RoleDraft } from "./roleDraft";
import type { Department } from "./types";

interface Props {
  draft: RoleDraft;
  creating: boolean;
  departments: Department[];
  readOnly: boolean;
  /** The field the server refused, with its message. */
  refused: { field: string; message: string } | null;
  onChange: (patch: Partial<RoleDraft>) => void;
}

export default function RoleBasics({ draft, creating, departments, readOnly, refused, onChange }: Props) {
  const { t } = useTranslation("admin");
  const problem = (field: string) => (refused?.field === field
    ? { validateStatus: "error" as const, help: refused.message } : {});
  return (
    <Form layout="vertical" style={{ maxWidth: 640 }} disabled={readOnly} data-testid="role-basics">
      <Form.Item label={t("roles.key")} required={creating} {...problem("key")}
                 extra={creating ? t("roles.keyHint") : t("roles.keyFixed")}>
        <Input value={draft.key} maxLength={64} disabled={!creating} data-testid="role-key"
               onChange={(e) => onChange({ key: e.target.value })} />
      </Form.Item>
      <Form.Item label={t("roles.name")} required {...problem("name")}>
        <Input value={draft.name} maxLength={100} data-testid="role-name"
               onChange={(e) => onChange({ name: e.target.value })} />
      </Form.Item>
      <Form.Item label={t("roles.nameEn")} {...problem("name_en")}>
        <Input value={draft.name_en} maxLength={100} data-testid="role-name-en"
               onChange={(e) => onChange({ name_en: e.target.value })} />
      </Form.Item>
      <Form.Item label={t("roles.description")} {...problem("description")}>
        <Input.TextArea value={draft.description} maxLength={4000} rows={3} data-testid="role-description"
                        onChange={(e) => onChange({ description: e.target.value })} />
      </Form.Item>
      <Form.Item label={t("roles.delegable")} {...problem("delegable")}
                 extra={t("roles.delegableHint")}>
        <Switch checked={draft.delegable} onChange={(v) => onChange({ delegable: v })}
                data-testid="role-delegable" />
      </Form.Item>
      {draft.delegable && draft.permissions.length > 0 && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }}
               message={t("roles.delegableWithPermissions")} />
      )}
      <Form.Item label={t("roles.departments")} {...problem("departments")}
                 extra={<Typography.Text type="secondary">{t("roles.departmentsHint")}</Typography.Text>}>
        <DepartmentSelect<true> multiple departments={departments} value={draft.departments}
                                onChange={(v) => onChange({ departments: v })}
                                placeholder={t("roles.anyDepartment")} testId="role-departments" />
      </Form.Item>
    </Form>
  );
}
