// The workflow calls the screens make (src/vouch/workflow/*_api.py).

import { api } from "../api/client";
import type {
  AccessRequest, ApprovalPolicy, Approvals, Counts, EndingSoon, NotificationPage, PolicyList,
  PolicyStep, RequestCheck, RequestDetail, RequestInput, RequestPage, RoleConflict, Training,
  TrainingList, WorkflowSettings,
} from "./types";

export interface PolicyValues {
  role_id?: number | null;
  steps: PolicyStep[];
  step_deadline_hours: number;
  on_deadline: "escalate" | "expire";
  required_courses: string[];
  probation_days: number | null;
  max_days: number | null;
  description: string | null;
}

export interface ProblemInput {
  object?: string | null;
  action?: string | null;
  field?: string | null;
  record_id?: number | null;
  message: string;
}

export const workflowApi = {
  check: (body: RequestInput) => api.post<RequestCheck>("/requests/check", body),
  create: (body: RequestInput & { reason: string }) => api.post<RequestDetail>("/requests", body),
  request: (id: number) => api.get<RequestDetail>(`/requests/${id}`),
  myRequests: (status?: string, cursor?: string | null) =>
    api.get<RequestPage>("/me/requests", { status, cursor, limit: 50 }),
  allRequests: (params: { status?: string; kind?: string; cursor?: string | null }) =>
    api.get<RequestPage>("/requests", { ...params, limit: 50 }),
  approvals: () => api.get<Approvals>("/approvals"),
  approve: (r: AccessRequest, reason?: string) =>
    api.post<RequestDetail>(`/requests/${r.id}/approve`, { version: r.version, reason: reason || null }),
  reject: (r: AccessRequest, reason: string) =>
    api.post<RequestDetail>(`/requests/${r.id}/reject`, { version: r.version, reason }),
  requestChanges: (r: AccessRequest, reason: string) =>
    api.post<RequestDetail>(`/requests/${r.id}/request-changes`, { version: r.version, reason }),
  withdraw: (r: AccessRequest, reason?: string) =>
    api.post<RequestDetail>(`/requests/${r.id}/withdraw`, { version: r.version, reason: reason || null }),
  resubmit: (r: AccessRequest, body: { reason: string; days?: number | null; ends_at?: string | null }) =>
    api.post<RequestDetail>(`/requests/${r.id}/resubmit`, { version: r.version, ...body }),
  reportProblem: (body: ProblemInput) => api.post<RequestDetail>("/me/access/problems", body),

  counts: () => api.get<Counts>("/me/counts"),
  /** Only the number of review items waiting for me (the reviews screens list them). */
  reviewsPending: () => api.get<{ pending: number }>("/me/reviews", { limit: 1 }).then((r) => r.pending),
  notifications: (cursor?: string | null, unread = false) =>
    api.get<NotificationPage>("/me/notifications", { limit: 20, cursor, unread: unread || undefined }),
  readNotification: (id: number) => api.post(`/me/notifications/${id}/read`),
  readAll: () => api.post<{ marked: number }>("/me/notifications/read-all"),
  endingSoon: () => api.get<EndingSoon>("/me/ending-soon"),

  settings: () => api.get<WorkflowSettings>("/settings/workflow"),
  saveSettings: (body: Partial<Pick<WorkflowSettings, "two_person_rule" | "expiry_notice_days">>
                 & { version: number; reason: string }) =>
    api.patch<WorkflowSettings>("/settings/workflow", body),
  policies: () => api.get<PolicyList>("/approval-policies"),
  createPolicy: (body: PolicyValues & { reason: string }) =>
    api.post<ApprovalPolicy>("/approval-policies", body),
  updatePolicy: (p: ApprovalPolicy, body: Omit<PolicyValues, "role_id"> & { reason: string }) =>
    api.patch<ApprovalPolicy>(`/approval-policies/${p.id}`, { ...body, version: p.version }),
  deletePolicy: (p: ApprovalPolicy, reason: string) =>
    api.del(`/approval-policies/${p.id}`, { reason, version: p.version }),
  conflicts: () => api.get<{ items: RoleConflict[] }>("/role-conflicts").then((r) => r.items),
  createConflict: (body: { role_a_id: number; role_b_id: number; reason: string }) =>
    api.post<RoleConflict>("/role-conflicts", body),
  deleteConflict: (c: RoleConflict, reason: string) => api.del(`/role-conflicts/${c.id}`, { reason }),
  trainings: (userId: number) => api.get<TrainingList>(`/users/${userId}/trainings`).then((r) => r.items),
  recordTraining: (userId: number, body: { course: string; completed_at: string | null; reason: string }) =>
    api.post<Training>(`/users/${userId}/trainings`, body),
};

/** Screens that change what the header counts say it (the header listens and asks again). */
export const COUNTS_CHANGED = "vouch:workflow-counts-changed";

export function countsChanged(): void {
  window.dispatchEvent(new Event(COUNTS_CHANGED));
}
