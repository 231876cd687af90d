// Shapes of the API answers the shell itself reads. Feature folders declare their own.

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
