/** Objects × actions: one scope per cell (create and import: granted or not). A scope on
 * an action other than view reaches only records the role lets one view; such a cell is
 * marked when its object has no view. */

import { Select, Table, Tooltip, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";

import type { CatalogObject } from "../api/types";
import { label } from "../catalog/labels";
import { ACTIONS, OBJECT_SCOPES, SCOPES, cell, isObjectAction } from "./roleDraft";
import styles from "./RoleEditor.module.css";
import type { Scope } from "./types";

interface Props {
  objects: CatalogObject[];
  grants: Record<string, Scope>;
  base: Record<string, Scope>;
  refused: string | null;
  readOnly: boolean;
  onChange: (key: string, scope: Scope) => void;
}

export function scopeOf(grants: Record<string, Scope>, key: string): Scope {
  return grants[key] ?? "none";
}

export default function GrantMatrix({ objects, grants, base, refused, readOnly, onChange }: Props) {
  const { t, i18n } = useTranslation("admin");

  const scopeCell = (o: CatalogObject, action: string) => {
    const key = cell(o.name, action);
    const scope = scopeOf(grants, key);
    const objectAction = isObjectAction(action);
    const options = (objectAction ? OBJECT_SCOPES : SCOPES).map((s) => ({
      value: s,
      label: objectAction ? t(`objectScope.${s}`) : t(`scope.${s}`),
      short: objectAction ? t(`objectScope.${s}`) : t(`scopeShort.${s}`),
    }));
    const noView = !objectAction && action !== "view" && scope !== "none"
      && scopeOf(grants, cell(o.name, "view")) === "none";
    const classes = [styles.cell, styles[scope],
      scope !== scopeOf(base, key) ? styles.changed : "", refused === key ? styles.refused : ""];
    const select = (
      <Select<Scope>
        size="small"
        className={classes.join(" ")}
        value={scope}
        disabled={readOnly}
        status={refused === key ? "error" : noView ? "warning" : undefined}
        popupMatchSelectWidth={false}
        suffixIcon={null}
        options={options}
        labelRender={(p) => options.find((x) => x.value === p.value)?.short ?? String(p.value)}
        onChange={(s) => onChange(key, s)}
        aria-label={t("grants.cellLabel", { object: label(o, i18n.language), action: t(`action.${action}`) })}
        data-testid={`grant-${o.name}-${action}`}
        data-scope={scope}
      />
    );
    return noView ? <Tooltip title={t("grants.needsView")}>{select}</Tooltip> : select;
  };

  const columns: TableColumnsType<CatalogObject> = [
    {
      key: "object", title: t("grants.object"), fixed: "left", width: 104,
      render: (_v, o) => <Typography.Text strong>{label(o, i18n.language)}</Typography.Text>,
    },
    ...ACTIONS.map((action) => ({
      key: action,
      title: (
        <Tooltip title={t(`actionHint.${action}`)}>
          <span>{t(`action.${action}`)}</span>
        </Tooltip>
      ),
      render: (_v: unknown, o: CatalogObject) => scopeCell(o, action),
    })),
  ];

  return (
    <div data-testid="grant-matrix">
      <Table<CatalogObject>
        className={styles.matrix}
        rowKey="name"
        size="small"
        bordered
        pagination={false}
        columns={columns}
        dataSource={objects}
        scroll={{ x: 960 }}
      />
      <div className={styles.legend}>
        {SCOPES.map((s) => (
          <span key={s}>
            <span className={`${styles.swatch}`} style={{ background: SWATCH[s] }} />
            <b>{t(`scopeShort.${s}`)}</b> — {t(`scopeHint.${s}`)}
          </span>
        ))}
      </div>
    </div>
  );
}

const SWATCH: Record<Scope, string> = {
  none: "#fafafa", own: "#e6f4ff", reports: "#f0f5ff", department: "#d6e4ff",
  department_tree: "#bae0ff", all: "#91caff",
};
