// Shapes of the workflow API answers (src/vouch/workflow/schemas.py): requests and their
// steps and history, preconditions, notifications, counts, settings, approval policies,
// conflicting role pairs and training records.

export interface UserBrief {
  id: number;
  username: string;
  display_name: string;
}

export interface RoleBrief {
  id: number;
  key: string;
  name: string;
  name_en: string | null;
}

export type RequestKind = "role" | "record" | "problem" | "grant";
export type RequestStatus =
  | "pending" | "changes_requested" | "approved" | "rejected" | "withdrawn" | "expired";
export type ApproverKind = "manager" | "department_head" | "permission" | "role" | "record_sharer";
export type ShareAccess = "read" | "read_write";

/** One precondition as checked now: its stable code and parameters say it in words. */
export interface Precondition {
  check: string;
  passed: boolean;
  code: string;
  message: string;
  params: Record<string, unknown>;
}

export interface RequestStep {
  index: number;
  approver: ApproverKind | null;
  permission: string | null;
  role: RoleBrief | null;
  user: UserBrief | null;
  via: string | null;
  escalated: boolean;
  state: "done" | "current" | "waiting";
  decided_by: UserBrief | null;
  decided_at: string | null;
}

export type Decision =
  | "approved" | "rejected" | "changes_requested" | "withdrawn" | "resubmitted" | "escalated"
  | "expired";

export interface HistoryEntry {
  step: number;
  decision: Decision;
  reason: string | null;
  at: string | null;
  actor: UserBrief | null;
}

/** What a problem report carries: the permission it is about (and, for those who handle
 * it, the engine's explanation). */
export interface ProblemContext {
  object?: string | null;
  action?: string | null;
  field?: string | null;
  record_id?: number | null;
  explanation?: unknown;
  two_person_rule?: boolean;
  days?: number | null;
}

export interface AccessRequest {
  id: number;
  kind: RequestKind;
  status: RequestStatus;
  requester: UserBrief | null;
  beneficiary: UserBrief | null;
  role: RoleBrief | null;
  object: string | null;
  record_id: number | null;
  record_name: string | null;
  access: ShareAccess | null;
  ends_at: string | null;
  days: number | null;
  reason: string;
  context: ProblemContext;
  steps: RequestStep[];
  current_step: number;
  step_due_at: string | null;
  created_at: string | null;
  updated_at: string | null;
  decided_at: string | null;
  version: number;
  can: { approve: boolean; reject: boolean; request_changes: boolean; withdraw: boolean;
         resubmit: boolean };
  /** Why the viewer may not decide it (own_request, beneficiary, …), pending requests. */
  refusal: string | null;
}

export interface RequestDetail extends AccessRequest {
  history: HistoryEntry[];
  current_approvers: UserBrief[];
  current_approver_count: number;
  preconditions?: Precondition[] | null;
}

export interface RequestPage {
  items: AccessRequest[];
  next_cursor: string | null;
}

export interface Approvals {
  items: AccessRequest[];
  counts: Record<RequestKind | "total", number>;
}

export interface EffectivePolicy {
  source: "role" | "default" | "builtin";
  policy_id: number | null;
  steps: PolicyStep[];
  step_deadline_hours: number;
  on_deadline: "escalate" | "expire";
  required_courses: string[];
  probation_days: number | null;
  max_days: number | null;
}

export interface CheckStep {
  approver: ApproverKind | null;
  permission: string | null;
  role: RoleBrief | null;
  user: UserBrief | null;
}

export interface RequestCheck {
  ok: boolean;
  kind: RequestKind;
  role: RoleBrief | null;
  object: string | null;
  record_id: number | null;
  access: ShareAccess | null;
  preconditions: Precondition[];
  already_held: boolean;
  assignment_id: number | null;
  open_request_id: number | null;
  ends_at: string | null;
  days: number | null;
  policy: EffectivePolicy | null;
  steps: CheckStep[];
}

/** The body of POST /requests/check (and, with a reason, POST /requests). */
export interface RequestInput {
  kind: "role" | "record";
  role_id?: number | null;
  days?: number | null;
  ends_at?: string | null;
  object?: string | null;
  record_id?: number | null;
  access?: ShareAccess | null;
}

export type NotificationKind =
  | "request.to_approve" | "problem.reported" | "request.step_approved" | "request.approved"
  | "request.rejected" | "request.changes_requested" | "request.expired" | "access.ending_soon"
  | "review.assigned";

export interface NotificationPayload {
  request_id?: number;
  request_kind?: RequestKind;
  requester?: UserBrief | null;
  beneficiary?: UserBrief | null;
  role?: RoleBrief | null;
  role_id?: number | null;
  object?: string | null;
  record_id?: number | null;
  reason?: string;
  escalated?: boolean;
  /** review.assigned */
  campaign_id?: number;
  campaign_name?: string;
  items?: number;
  deadline?: string | null;
  /** access.ending_soon */
  kind?: "assignment" | "share";
  expires_at?: string | null;
  days_left?: number;
}

export interface Notification {
  id: number;
  kind: NotificationKind | string;
  payload: NotificationPayload;
  created_at: string | null;
  read_at: string | null;
  emailed_at: string | null;
}

export interface NotificationPage {
  items: Notification[];
  next_cursor: string | null;
  unread: number;
}

export interface Counts {
  my_pending_requests: number;
  to_approve: number;
  unread_notifications: number;
  ending_soon: number;
}

export interface EndingItem {
  kind: "assignment" | "share";
  id: number;
  expires_at: string | null;
  days_left: number;
  request_id: number | null;
  role?: RoleBrief | null;
  object?: string;
  record_id?: number;
  access?: ShareAccess;
  record_name?: string | null;
}

export interface EndingSoon {
  days: number;
  items: EndingItem[];
}

export interface WorkflowSettings {
  two_person_rule: boolean;
  expiry_notice_days: number;
  version: number;
  updated_at: string | null;
  updated_by: number | null;
}

export interface PolicyStep {
  approver: ApproverKind | null;
  permission?: string | null;
  role_id?: number | null;
}

export interface ApprovalPolicy {
  id: number;
  role_id: number | null;
  role: RoleBrief | null;
  steps: PolicyStep[];
  step_deadline_hours: number;
  on_deadline: "escalate" | "expire";
  required_courses: string[];
  probation_days: number | null;
  max_days: number | null;
  description: string | null;
  version: number;
}

export interface PolicyList {
  items: ApprovalPolicy[];
  default: EffectivePolicy;
}

export interface RoleConflict {
  id: number;
  role_a: RoleBrief | null;
  role_b: RoleBrief | null;
  reason: string | null;
  created_at: string | null;
  created_by: number | null;
  holders_of_both: UserBrief[];
}

export interface Training {
  id: number;
  user_id: number;
  course: string;
  completed_at: string | null;
}

export interface TrainingList {
  user_id: number;
  items: Training[];
}
