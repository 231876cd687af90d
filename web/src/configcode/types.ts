// The config-as-code answers (src/vouch/configcode/api.py).

export type ItemChangeKind = "added" | "changed" | "removed";

export interface FieldChange {
  /** Inside the item: `grants.customer.edit`, `name.en`, `principals`, `condition`. */
  path: string;
  /** The live value; the text `(absent)` when there is none. */
  before: unknown;
  after: unknown;
}

export interface ItemChange {
  section: string;
  key: string;
  change: ItemChangeKind;
  fields: FieldChange[];
  notes: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface Problem {
  path: string;
  message: string;
  type: string;
  details: Record<string, unknown>;
}

export interface Counts {
  added: number;
  changed: number;
  removed: number;
}

export interface ConfigDiff {
  policy_version: number;
  document_policy_version: number | null;
  counts: Counts;
  changed: boolean;
  valid: boolean;
  can_apply: boolean;
  changes: ItemChange[];
  problems: Problem[];
}

export interface ConfigApplied {
  policy_version: number;
  policy_version_before: number;
  document_policy_version: number | null;
  applied: boolean;
  counts: Counts;
  changed: boolean;
  valid: boolean;
  changes: ItemChange[];
  problems: Problem[];
}

/** The absent side of a field change, as the API writes it. */
export const ABSENT = "(absent)";
