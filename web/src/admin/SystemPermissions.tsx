/** The system permissions a role grants, each with what it allows. A delegable role
 * grants none (PERMISSIONS.md): then only removing is offered. */

import { Alert, Checkbox, List, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { SYSTEM_PERMISSIONS } from "./roleDraft";

interface Props {
  permissions: string[];
  base: string[];
  delegable: boolean;
  readOnly: boolean;
  onChange: (permissions: string[]) => void;
}

export default function SystemPermissions({ permissions, base, delegable, readOnly, onChange }: Props) {
  const { t } = useTranslation("admin");
  const toggle = (p: string, on: boolean) =>
    onChange(on ? [...permissions, p].sort() : permissions.filter((x) => x !== p));
  return (
    <div data-testid="system-permissions">
      {delegable && (
        <Alert type="info" showIcon message={t("permissions.delegableNone")} style={{ marginBottom: 12 }} />
      )}
      <List
        bordered
        dataSource={[...SYSTEM_PERMISSIONS]}
        renderItem={(p) => {
          const on = permissions.includes(p);
          const changed = on !== base.includes(p);
          return (
            <List.Item style={changed ? { background: "#fffbe6" } : undefined}>
              <Checkbox checked={on} disabled={readOnly || (delegable && !on)}
                        onChange={(e) => toggle(p, e.target.checked)} data-testid={`permission-${p}`}>
                <Typography.Text strong>{t(`common:permissions.${p}`)}</Typography.Text>
                <Typography.Text type="secondary" code style={{ marginInlineStart: 8 }}>{p}</Typography.Text>
                <div><Typography.Text type="secondary">{t(`permissionHint.${p}`)}</Typography.Text></div>
              </Checkbox>
            </List.Item>
          );
        }}
      />
    </div>
  );
}
