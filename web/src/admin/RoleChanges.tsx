/** What saving will change, line by line: each matrix or grid cell from → to, and the
 * other parts by name. */

import { List, Typography } from "antd";
import { useTranslation } from "react-i18next";

import type { CatalogObject } from "../api/types";
import { label } from "../catalog/labels";
import { cellChanges, changedParts, defaultLevel, isObjectAction } from "./roleDraft";
import type { CellChange, RoleDraft } from "./roleDraft";

interface Props {
  objects: CatalogObject[];
  base: RoleDraft;
  draft: RoleDraft;
  creating: boolean;
}

export default function RoleChanges({ objects, base, draft, creating }: Props) {
  const { t, i18n } = useTranslation("admin");
  const objectName = (o: string) => {
    const found = objects.find((x) => x.name === o);
    return found ? label(found, i18n.language) : o;
  };
  const fieldName = (o: string, f: string) => {
    const found = objects.find((x) => x.name === o)?.fields.find((x) => x.name === f);
    return found ? label(found, i18n.language) : f;
  };
  const value = (c: CellChange, v: string | undefined): string => {
    if (c.kind === "grant") {
      const scope = v ?? "none";
      return isObjectAction(c.part) ? t(`objectScope.${scope}`) : t(`scope.${scope}`);
    }
    if (v) return t(`level.${v}`);
    if (c.kind === "class") return t("fields.default", { level: t(`level.${defaultLevel(c.part)}`) });
    return t("fields.inheritShort");
  };
  const what = (c: CellChange): string => {
    if (c.kind === "grant") return `${objectName(c.object)} · ${t(`action.${c.part}`)}`;
    if (c.kind === "class") return `${objectName(c.object)} · ${t(`sensitivity.${c.part}`)}`;
    return `${objectName(c.object)} · ${fieldName(c.object, c.part)}`;
  };

  const lines: string[] = cellChanges(base, draft).map((c) => t("changes.cell", {
    what: what(c), before: value(c, c.before), after: value(c, c.after),
  }));
  const parts = changedParts(base, draft);
  if (!creating && parts.includes("basics")) lines.unshift(t("changes.basics"));
  if (parts.includes("permissions")) {
    const added = draft.permissions.filter((p) => !base.permissions.includes(p));
    const removed = base.permissions.filter((p) => !draft.permissions.includes(p));
    for (const p of added) lines.push(t("changes.permissionAdded", { name: t(`common:permissions.${p}`) }));
    for (const p of removed) lines.push(t("changes.permissionRemoved", { name: t(`common:permissions.${p}`) }));
  }
  if (parts.includes("departments")) lines.push(t("changes.departments"));

  if (!lines.length) return <Typography.Text type="secondary">{t("changes.none")}</Typography.Text>;
  return (
    <List size="small" bordered dataSource={lines} data-testid="role-changes"
          header={<Typography.Text strong>{t("changes.title", { count: lines.length })}</Typography.Text>}
          style={{ maxHeight: 260, overflow: "auto" }}
          renderItem={(line) => <List.Item>{line}</List.Item>} />
  );
}
