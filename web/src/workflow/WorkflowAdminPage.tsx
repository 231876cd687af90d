// `/admin/workflow`: the approval workflow's administration — settings (two-person rule,
// notice days), approval policies and conflicting role pairs. Settings are read by anyone
// who opens the page; the policies and pairs with manage_roles or view_audit.

import { Tabs, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";

import { readsAccessConfig } from "../access/constants";
import Gate from "../access/Gate";
import { useMe } from "../auth/AuthContext";
import ConflictsPanel from "./ConflictsPanel";
import "./i18n";
import { WORKFLOW_ADMIN_READERS } from "./menu";
import PoliciesPanel from "./PoliciesPanel";
import SettingsPanel from "./SettingsPanel";

export default function WorkflowAdminPage() {
  return <Gate anyOf={WORKFLOW_ADMIN_READERS}><WorkflowAdmin /></Gate>;
}

function WorkflowAdmin() {
  const { t } = useTranslation("workflow");
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const config = readsAccessConfig(me.permissions);
  const tabs = [
    { key: "settings", label: t("admin.settings"), children: <SettingsPanel /> },
    ...(config ? [
      { key: "policies", label: t("admin.policies"), children: <PoliciesPanel /> },
      { key: "conflicts", label: t("admin.conflicts"), children: <ConflictsPanel /> },
    ] : []),
  ];
  const asked = params.get("tab");
  const active = tabs.some((x) => x.key === asked) ? asked! : "settings";
  return (
    <div data-testid="workflow-admin-page">
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t("admin.title")}</Typography.Title>
      <Tabs activeKey={active} onChange={(k) => setParams({ tab: k }, { replace: true })} items={tabs}
            destroyOnHidden />
    </div>
  );
}
