// The what-if request and answer (POST /access/what-if; src/vouch/access/whatif/schemas.py).

export type ChangeKind = "role" | "assignment" | "sharing_rule" | "restriction_rule";
export type ChangeOp = "create" | "update" | "delete";

/** A proposed change: `body` is exactly what its real endpoint would receive. */
export interface WhatIfChange {
  kind: ChangeKind;
  op: ChangeOp;
  id?: number | null;
  body: Record<string, unknown>;
}

export type NoteCode =
  | "new_role_unassigned" | "role_unassigned" | "rule_not_in_force" | "nobody_covered"
  | "needs_second_approval";

export interface ScopeChange {
  object: string;
  action: string;
  /** Scopes before, narrowest first; empty: not granted. */
  before: string[];
  after: string[];
}

export interface FieldChange {
  object: string;
  field: string;
  before: string;
  after: string;
}

export interface RecordChange {
  object: string;
  visible: number;
  invisible: number;
}

export interface UserChange {
  user_id: number;
  username: string;
  display_name: string;
  department_id: number;
  roles: { added: string[]; removed: string[] };
  permissions: { added: string[]; removed: string[] };
  scopes: ScopeChange[];
  fields: FieldChange[];
  records: RecordChange[];
}

export interface WhatIfAnswer {
  change: { kind: ChangeKind; op: ChangeOp; id: number | null };
  policy_version: number;
  computed_at: string;
  notes: { code: NoteCode; message: string }[];
  totals: {
    users: number;
    changed: number;
    unchanged: number;
    scope_changes: number;
    field_changes: number;
    records: RecordChange[];
  };
  users: UserChange[];
  offset: number;
  limit: number;
  next_offset: number | null;
}
