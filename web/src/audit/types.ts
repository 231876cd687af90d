// Shapes of the audit API answers (src/vouch/audit/api.py, verify.py).

export interface AuditEvent {
  seq: number;
  at: string;
  actor_id: number | null;
  actor: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  action: string;
  object: string | null;
  record_id: string | null;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

export interface AuditPage {
  items: AuditEvent[];
  next_before_seq: number | null;
}

export interface Verdict {
  ok: boolean;
  events: number;
  head_seq: number;
  head_hash: string;
  broken_seq: number | null;
  problem: "edited" | "missing" | "reordered" | "truncated" | null;
  message: string;
  details: Record<string, unknown>;
}

/** The filters of the log and of its export (the API's query parameters). */
export interface AuditFilters {
  actor?: number;
  /** An action, or a family ending in "." (record.). */
  action?: string;
  object?: string;
  record?: string;
  /** ISO instants. */
  from?: string;
  to?: string;
}
