// Who a rule applies to: a list of users, roles, departments (alone or with the
// departments below them), or everyone.

import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Select, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { DepartmentSelect, RoleSelect, UserSelect } from "./pickers";
import type { Principal, PrincipalKind } from "./types";

export const PRINCIPAL_KINDS: PrincipalKind[] = ["user", "role", "department", "department_tree", "all"];

interface Props {
  id?: string;
  value?: Principal[];
  onChange?: (value: Principal[]) => void;
  /** Problems by row (from the API's `principals[2].id`). */
  problems?: Map<number, string>;
}

export default function PrincipalsEditor({ id, value = [], onChange, problems }: Props) {
  const { t } = useTranslation("access");
  const set = (i: number, p: Principal) => onChange?.(value.map((x, j) => (j === i ? p : x)));
  const remove = (i: number) => onChange?.(value.filter((_, j) => j !== i));

  return (
    <Space id={id} direction="vertical" size={6} style={{ width: "100%" }} data-testid="principals">
      {value.map((p, i) => {
        const problem = problems?.get(i);
        const status = problem ? "error" as const : undefined;
        const label = t(`principal.pick.${p.kind}`);
        const one = typeof p.id === "number" ? p.id : null;
        const pick = (pid: number | null) => set(i, { kind: p.kind, id: pid });
        return (
          <div key={i} data-principal-row={i}>
            <div style={{ display: "flex", flexWrap: "wrap", gap: 8 }}>
              <Select<PrincipalKind>
                aria-label={t("principal.kindLabel")}
                style={{ width: 170 }}
                value={p.kind}
                options={PRINCIPAL_KINDS.map((k) => ({ value: k, label: t(`principal.kind.${k}`) }))}
                onChange={(kind) => set(i, kind === "all" ? { kind } : { kind, id: null })}
              />
              <div style={{ flex: "1 1 220px" }}>
                {p.kind === "user" && <UserSelect<number | null> aria-label={label} status={status}
                                                                 style={{ width: "100%" }} value={one} onChange={pick} />}
                {p.kind === "role" && <RoleSelect<number | null> aria-label={label} status={status}
                                                                 style={{ width: "100%" }} value={one} onChange={pick} />}
                {(p.kind === "department" || p.kind === "department_tree") && (
                  <DepartmentSelect<number | null> aria-label={label} status={status}
                                                   style={{ width: "100%" }} value={one} onChange={pick} />
                )}
                {p.kind === "all" && (
                  <Typography.Text type="secondary" style={{ lineHeight: "32px" }}>
                    {t("principal.allHint")}
                  </Typography.Text>
                )}
              </div>
              <Button type="text" danger icon={<DeleteOutlined />} aria-label={t("principal.remove")}
                      title={t("principal.remove")} onClick={() => remove(i)} />
            </div>
            {problem && <Typography.Text type="danger" role="alert">{problem}</Typography.Text>}
          </div>
        );
      })}
      <Button size="small" icon={<PlusOutlined />} data-action="add-principal"
              onClick={() => onChange?.([...value, { kind: "role", id: null }])}>
        {t("principal.add")}
      </Button>
    </Space>
  );
}
