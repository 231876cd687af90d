// The console's screens and its side menu, in one place. Each screen is loaded lazily
// (its own chunk), so a user downloads only the screens they open.
//
// Conventions for feature folders:
// - record screens: /records/:object (list), /records/:object/:id (detail) and
//   /records/:object/:id/edit (detail with its edit form open), where :object is the
//   catalog object's name (customer, contract, …);
// - a screen enters the menu here, with the condition under which the user sees it; a
//   menu entry is only added together with a real screen.

import {
  AimOutlined, CalendarOutlined, CarryOutOutlined, CustomerServiceOutlined, FileTextOutlined,
  FundOutlined, HomeOutlined, PayCircleOutlined, TeamOutlined, UserOutlined, IdcardOutlined,
} from "@ant-design/icons";
import type { MenuProps } from "antd";
import type { TFunction } from "i18next";
import { lazy } from "react";
import type { ReactNode } from "react";
import type { RouteObject } from "react-router-dom";

import { accessMenuEntries, myAccessMenuEntry } from "./access/menu";
import { adminMenuEntries } from "./admin/menu";
import type { CatalogObject, Me } from "./api/types";
import { auditMenuEntries } from "./audit/menu";
import { pluralLabel } from "./catalog/labels";
import { CONFIG_PATH, configMenuEntries } from "./configcode/menu";
import { Lazy } from "./layout/Lazy";
import NotFoundPage from "./layout/NotFoundPage";
import { myReviewsMenuEntry, reviewsMenuEntries } from "./reviews/menu";
import { requestsMenuGroup, workflowAdminMenuEntries } from "./workflow/menu";

export const ACCOUNT_PATH = "/account";

const AccountPage = lazy(() => import("./account/AccountPage"));
const HomePage = lazy(() => import("./home/HomePage"));
const RecordListPage = lazy(() => import("./records/RecordListPage"));
const RecordDetailPage = lazy(() => import("./records/RecordDetailPage"));
const OrgPage = lazy(() => import("./admin/OrgPage"));
const RolesPage = lazy(() => import("./admin/RolesPage"));
const RoleEditorPage = lazy(() => import("./admin/RoleEditorPage"));
const AssignmentsPage = lazy(() => import("./admin/AssignmentsPage"));
const RulesPage = lazy(() => import("./access/RulesPage"));
const ExplainPage = lazy(() => import("./access/ExplainPage"));
const EffectivePermissionsPage = lazy(() => import("./access/EffectivePermissionsPage"));
const MyAccessPage = lazy(() => import("./access/MyAccessPage"));
const AuditPage = lazy(() => import("./audit/AuditPage"));
const Gate = lazy(() => import("./access/Gate"));
const CampaignsPage = lazy(() => import("./reviews/CampaignsPage"));
const CampaignPage = lazy(() => import("./reviews/CampaignPage"));
const MyReviewsPage = lazy(() => import("./reviews/MyReviewsPage"));
const DormantPage = lazy(() => import("./reviews/DormantPage"));
const ConfigPage = lazy(() => import("./configcode/ConfigPage"));
const NewRequestPage = lazy(() => import("./workflow/NewRequestPage"));
const MyRequestsPage = lazy(() => import("./workflow/MyRequestsPage"));
const ApprovalsPage = lazy(() => import("./workflow/ApprovalsPage"));
const RequestDetailPage = lazy(() => import("./workflow/RequestDetailPage"));
const WorkflowAdminPage = lazy(() => import("./workflow/WorkflowAdminPage"));

// Who may open the administration screens (as the side menu offers them, admin/rights.ts):
// anyone else who follows a link there is told which permission the page needs.
const USER_READERS = ["manage_users", "view_audit"];
const ROLE_READERS = ["manage_roles", "view_audit"];

/** Each object's icon in the menu (an object added later gets the generic one). */
const OBJECT_ICONS: Record<string, ReactNode> = {
  customer: <TeamOutlined />,
  contact: <IdcardOutlined />,
  opportunity: <AimOutlined />,
  contract: <FileTextOutlined />,
  payment: <PayCircleOutlined />,
  service_record: <CustomerServiceOutlined />,
  activity: <CalendarOutlined />,
  task: <CarryOutOutlined />,
  sales_plan: <FundOutlined />,
};

/** Routes inside the signed-in shell (relative to `/`). */
export const shellRoutes: RouteObject[] = [
  { index: true, element: <Lazy><HomePage /></Lazy> },
  { path: "records/:object", element: <Lazy><RecordListPage /></Lazy> },
  // one route with and without /edit: opening the form does not reload the record
  { path: "records/:object/:id/edit?", element: <Lazy><RecordDetailPage /></Lazy> },
  { path: ACCOUNT_PATH.slice(1), element: <Lazy><AccountPage /></Lazy> },
  { path: "admin/org", element: <Lazy><Gate anyOf={USER_READERS}><OrgPage /></Gate></Lazy> },
  { path: "admin/roles", element: <Lazy><Gate anyOf={ROLE_READERS}><RolesPage /></Gate></Lazy> },
  { path: "admin/roles/:id", element: <Lazy><Gate anyOf={ROLE_READERS}><RoleEditorPage /></Gate></Lazy> },
  { path: "admin/assignments", element: <Lazy><Gate anyOf={ROLE_READERS}><AssignmentsPage /></Gate></Lazy> },
  { path: "access/rules", element: <Lazy><RulesPage /></Lazy> },
  { path: "access/explain", element: <Lazy><ExplainPage /></Lazy> },
  { path: "access/permissions", element: <Lazy><EffectivePermissionsPage /></Lazy> },
  { path: "my-access", element: <Lazy><MyAccessPage /></Lazy> },
  { path: "audit", element: <Lazy><AuditPage /></Lazy> },
  { path: "requests/new", element: <Lazy><NewRequestPage /></Lazy> },
  { path: "requests/mine", element: <Lazy><MyRequestsPage /></Lazy> },
  { path: "requests/approvals", element: <Lazy><ApprovalsPage /></Lazy> },
  { path: "requests/:id", element: <Lazy><RequestDetailPage /></Lazy> },
  { path: "admin/workflow", element: <Lazy><WorkflowAdminPage /></Lazy> },
  { path: "reviews", element: <Lazy><CampaignsPage /></Lazy> },
  { path: "reviews/mine", element: <Lazy><MyReviewsPage /></Lazy> },
  { path: "reviews/dormant", element: <Lazy><DormantPage /></Lazy> },
  { path: "reviews/:id", element: <Lazy><CampaignPage /></Lazy> },
  { path: CONFIG_PATH.slice(1), element: <Lazy><ConfigPage /></Lazy> },
  { path: "*", element: <NotFoundPage /> },
];

export type MenuItem = Required<MenuProps>["items"][number];

export interface NavigationInput {
  me: Me;
  objects: CatalogObject[];
  language: string;
  t: TFunction;
}

/** Record screens the user can open: every object whose view action they hold. */
export function viewableObjects(objects: CatalogObject[]): CatalogObject[] {
  return objects.filter((o) => o.actions.includes("view"));
}

export function recordListPath(object: string): string {
  return `/records/${object}`;
}

/** The side menu for this user: keys are paths. */
export function navigation({ me, objects, language, t }: NavigationInput): MenuItem[] {
  const items: MenuItem[] = [{ key: "/", icon: <HomeOutlined />, label: t("menu.home") }];
  const records = viewableObjects(objects).map((o) => ({
    key: recordListPath(o.name), label: pluralLabel(o, language), icon: OBJECT_ICONS[o.name] ?? <FileTextOutlined />,
  }));
  if (records.length) {
    items.push({ key: "records", type: "group", label: t("menu.records"), children: records });
  }
  items.push(requestsMenuGroup(t));
  // Administration: each feature folder adds the entries its user may open.
  const administration: MenuItem[] = [
    ...adminMenuEntries(me, t), ...workflowAdminMenuEntries(me, t), ...accessMenuEntries(me, t),
    ...auditMenuEntries(me, t),
    ...reviewsMenuEntries(me, t), ...configMenuEntries(me, t),
  ];
  if (administration.length) {
    items.push({ key: "administration", type: "group", label: t("menu.administration"),
                 children: administration });
  }
  items.push(myAccessMenuEntry(t));
  items.push(myReviewsMenuEntry(t));
  items.push({ key: ACCOUNT_PATH, icon: <UserOutlined />, label: t("menu.account") });
  return items;
}
