// Shapes of the API answers the shell itself reads, and those several feature folders share
// (departments, role summaries, pages, errors). Feature folders declare their own others.

export interface Role {
  id: number;
  key: string;
  name: string;
  expires_at: string | null;
}

export interface Me {
  id: number;
  username: string;
  display_name: string;
  email: string | null;
  department: { id: number; name: string; name_en: string | null };
  manager_id: number | null;
  roles: Role[];
  permissions: string[];
  policy_version: number;
}

export interface LoginResult {
  csrf_token: string;
  expires_at: string;
  idle_timeout_seconds: number;
  user: Me;
}

export type FieldLevel = "hidden" | "masked" | "read" | "edit";

export type FieldType =
  | "string" | "text" | "integer" | "decimal" | "date" | "datetime" | "enum" | "reference"
  | "phone" | "email";

export interface CatalogField {
  name: string;
  type: FieldType;
  label_zh: string;
  label_en: string;
  sensitivity: string;
  required: boolean;
  max_length: number | null;
  choices: string[];
  /** Each choice's label in both languages, by value (enum fields; empty otherwise). */
  choice_labels: Record<string, { label_zh: string; label_en: string }>;
  ref: string | null;
  searchable: boolean;
  level: FieldLevel;
  writable_on_create: boolean;
  filter_ops: string[];
}

export interface CatalogObject {
  name: string;
  plural: string;
  label_zh: string;
  label_en: string;
  title_field: string;
  /** Actions the current user may take on this object (view, edit, …, create, import). */
  actions: string[];
  /** For each allowed record action, the scopes it covers (own, department, …). */
  scopes: Record<string, string[]>;
  system_fields: string[];
  queryable_system_fields: string[];
  fields: CatalogField[];
}

export interface Catalog {
  objects: CatalogObject[];
}

/** A page of a list answered by id order (GET /departments, /roles, /users, /shares…). */
export interface ItemsPage<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Department {
  id: number;
  name: string;
  name_en: string | null;
  parent_id: number | null;
  head_id: number | null;
  version: number;
}

/** A role as every signed-in user may see it (pickers, holders). */
export interface RoleSummary {
  id: number;
  key: string;
  name: string;
  name_en: string | null;
  description: string | null;
}

/** `error.type` of an error body: the precise kind of the error, its parameters in
 * `error.details` (src/vouch/errors.py, ErrorType; the OpenAPI ErrorBody schema). */
export type ErrorType =
  | "bad_request" | "internal" | "too_large" | "method_not_allowed"
  | "auth.required" | "auth.csrf"
  | "forbidden.action" | "forbidden.record_action" | "forbidden.permission"
  | "forbidden.delegation" | "forbidden.field"
  | "not_found"
  | "conflict" | "conflict.stale_version" | "conflict.referenced"
  | "conflict.department_not_empty" | "conflict.department_has_records" | "conflict.taken"
  | "conflict.user_inactive" | "conflict.user_active" | "conflict.self" | "conflict.held"
  | "conflict.already_holds" | "conflict.named_by_rules" | "conflict.holders_outside"
  | "conflict.outside_departments"
  | "validation.invalid" | "validation.required" | "validation.too_long"
  | "validation.too_short" | "validation.length" | "validation.count" | "validation.choice"
  | "validation.format" | "validation.timezone" | "validation.future" | "validation.range"
  | "validation.nul" | "validation.unknown" | "validation.duplicate" | "validation.no_such"
  | "validation.inactive_user" | "validation.cycle" | "validation.order" | "validation.cursor"
  | "validation.condition" | "validation.exactly_one" | "validation.requires"
  | "validation.not_allowed" | "validation.same_user" | "validation.object_action_scope"
  | "validation.delegable_permissions" | "validation.role_departments"
  | "validation.no_search" | "validation.formula" | "validation.file"
  | "validation.import_rows";

/** The body of every error answer. */
export interface ErrorBody {
  error: {
    /** The broad class: invalid, conflict, forbidden, field_forbidden, not_found… */
    code: string;
    type: ErrorType;
    /** English, for people and logs; shown only when no translation fits. */
    message: string;
    details: Record<string, unknown>;
  };
}

/** One problem of a 422 the API could not parse (`details.errors`), or a row problem of an
 * import report: its type and parameters beside the field it concerns. */
export interface ErrorItem {
  field: string | null;
  type?: string;
  message: string;
  [param: string]: unknown;
}
