/** Shapes of the record API answers the record screens use (see src/vouch/records/). */

export type {
  CatalogField, CatalogObject, Department, FieldLevel, FieldType, ItemsPage, RoleSummary,
} from "../api/types";

/** A reference as the API renders it: named when the viewer can view the target. */
export interface ReferenceValue {
  id: number;
  name?: string | null;
  restricted?: boolean | null;
}

export type FieldValueData = string | number | ReferenceValue | null | undefined;

export interface RecordItem {
  id: number;
  owner_id: number;
  department_id: number;
  created_at: string;
  updated_at: string;
  version: number;
  _editable: boolean;
  [field: string]: FieldValueData | boolean;
}

export interface RecordPage {
  items: RecordItem[];
  next_cursor: string | null;
  total?: number | null;
}

export type PrincipalKind = "user" | "role" | "department" | "department_tree";

export interface Share {
  id: number;
  object: string;
  record_id: number;
  principal_kind: PrincipalKind;
  principal_id: number;
  access: "read" | "read_write";
  shared_by: number | null;
  created_at: string;
  expires_at: string | null;
  reason: string | null;
}

export interface ImportProblem {
  row: number;
  field: string | null;
  code: string;
  /** The machine-readable kind of problem (validation.required, …) and its parameters. */
  type?: string;
  details?: Record<string, unknown>;
  message: string;
}

export interface ImportReport {
  object: string;
  dry_run: boolean;
  rows: number;
  valid: number;
  errors: ImportProblem[];
  error_count: number;
  ignored_columns: string[];
  created?: number[] | null;
}

/** What any signed-in user may see of another (GET /users, GET /users/{id}). */
export interface PublicUser {
  id: number;
  username: string;
  display_name: string;
  department: { id: number; name: string | null; name_en: string | null };
  active: boolean;
}
