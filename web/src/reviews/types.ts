// Shapes of the access-review and dormant-permission answers
// (src/vouch/workflow/reviews/schemas.py).

export interface Person {
  id: number;
  username: string;
  display_name: string | null;
  active?: boolean | null;
}

export type Outcome =
  | "certified" | "revoked" | "gone" | "kept_at_deadline" | "revoked_at_deadline"
  | "kept_at_close" | "revoked_at_close";

export const OUTCOMES: readonly Outcome[] = [
  "certified", "revoked", "gone", "kept_at_deadline", "revoked_at_deadline", "kept_at_close",
  "revoked_at_close",
];

export type OnDeadline = "keep" | "revoke";
export type ScopeKind = "all" | "department" | "roles";

export interface Progress {
  total: number;
  pending: number;
  certified: number;
  revoked: number;
  outcomes: Record<Outcome, number>;
}

export interface ReviewerProgress extends Progress {
  reviewer: Person | null;
}

export interface Campaign {
  id: number;
  name: string;
  scope: { kind: ScopeKind; department_id: number | null; role_ids: number[] };
  deadline: string | null;
  on_deadline: OnDeadline;
  status: "open" | "closed";
  reason: string;
  created_by: Person | null;
  created_at: string | null;
  closed_at: string | null;
  closed_early: boolean;
  version: number;
  progress: Progress;
}

export interface CampaignDetail extends Campaign {
  by_reviewer: ReviewerProgress[];
}

/** The grant as it was when the campaign started: an assignment (role_*) or a share
 * (object, record). `record_name` is the reader's own view of the record now. */
export interface Grant {
  assignment_id?: number | null;
  role_id?: number | null;
  role_key?: string | null;
  role_name?: string | null;
  role_name_en?: string | null;
  granted_at?: string | null;
  share_id?: number | null;
  object?: string | null;
  record_id?: number | null;
  record_name?: string | null;
  access?: string | null;
  created_at?: string | null;
  share_reason?: string | null;
  expires_at?: string | null;
  request_id?: number | null;
}

export interface Item {
  id: number;
  campaign_id: number;
  kind: "assignment" | "share";
  user: Person | null;
  reviewer: Person | null;
  assignment_id: number | null;
  share_id: number | null;
  grant: Grant;
  decision: "certify" | "revoke" | null;
  decided_by: Person | null;
  decided_at: string | null;
  reason: string | null;
  outcome: Outcome | null;
  pending: boolean;
  version: number;
  campaign?: { id: number; name: string; deadline: string | null; on_deadline: OnDeadline;
               status: "open" | "closed" } | null;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface MyReviews extends Page<Item> {
  pending: number;
  campaigns: { id: number; name: string; deadline: string | null; on_deadline: OnDeadline;
               pending: number }[];
}

export interface RoleProgress extends Progress {
  role: { id: number; key: string | null; name: string | null; name_en: string | null };
}

export interface Report {
  campaign: Campaign;
  by_reviewer: ReviewerProgress[];
  by_role: RoleProgress[];
  shares: Progress;
  revocations: Item[];
}

export interface DormantGrant {
  object: string;
  action: string;
  scope: string;
  last_exercised: string | null;
  dormant: boolean;
  evidence: "audited" | "partial";
}

export interface DormantAssignment {
  assignment_id: number;
  role: { id: number; key: string; name: string; name_en: string | null };
  granted_at: string | null;
  expires_at: string | null;
  grants: DormantGrant[];
  total: number;
  dormant: number;
}

export interface DormantUser {
  user: Person;
  roles: DormantAssignment[];
  dormant: number;
}

export interface DormantReport {
  days: number;
  as_of: string | null;
  cutoff: string | null;
  note: string;
  users: DormantUser[];
  summary: { users: number; assignments: number; grants: number; dormant: number };
  next_cursor: string | null;
}
