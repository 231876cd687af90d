// Ids shown as names: users, departments and roles, and a rule's principals.

import { Tag } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { departmentName, fetchUser, roleName, userName } from "./directory";
import type { RoleLabel } from "./explainText";
import "./i18n";
import { useDepartments, useRoles } from "./pickers";
import type { Principal, UserSummary } from "./types";

export function UserName({ id }: { id: number }) {
  const [user, setUser] = useState<UserSummary | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void fetchUser(id).then((u) => { if (live) setUser(u); });
    return () => { live = false; };
  }, [id]);
  return <>{user ? userName(user) : `#${id}`}</>;
}

export function DepartmentName({ id }: { id: number }) {
  const { i18n } = useTranslation();
  const { items } = useDepartments();
  const d = items.find((x) => x.id === id);
  return <>{d ? departmentName(d, i18n.language) : `#${id}`}</>;
}

export function RoleName({ id }: { id: number }) {
  const { i18n } = useTranslation();
  const { items } = useRoles();
  const r = items.find((x) => x.id === id);
  return <>{r ? roleName(r, i18n.language) : `#${id}`}</>;
}

/** A role's name in the current language from its key (the engine names roles by key);
 * the fallback (or the key) until the roles have arrived. */
export function useRoleLabel(): RoleLabel {
  const { i18n } = useTranslation();
  const { items } = useRoles();
  return useCallback((key: string, fallback?: string) => {
    const r = items.find((x) => x.key === key);
    return r ? roleName(r, i18n.language) : fallback ?? key;
  }, [items, i18n.language]);
}

const KIND_COLORS: Record<string, string> = {
  user: "blue", role: "purple", department: "cyan", department_tree: "geekblue", all: "gold",
};

export function PrincipalTag({ principal }: { principal: Principal }) {
  const { t } = useTranslation("access");
  const { kind, id } = principal;
  let name = null;
  if (kind !== "all" && typeof id === "number") {
    name = kind === "user" ? <UserName id={id} /> : kind === "role" ? <RoleName id={id} />
      : <DepartmentName id={id} />;
  }
  return (
    <Tag color={KIND_COLORS[kind]} data-principal={kind}>
      {t(`principal.kind.${kind}`)}
      {name && <>{t("principal.separator")}{name}</>}
    </Tag>
  );
}
