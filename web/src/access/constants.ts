// The vocabulary of the access engine (src/vouch/catalog.py), in the order screens list it.

export const RECORD_ACTIONS = ["view", "edit", "delete", "export", "transfer", "share"] as const;
export const OBJECT_ACTIONS = ["create", "import"] as const;
export const ACTIONS = [...RECORD_ACTIONS, ...OBJECT_ACTIONS] as const;

export const SCOPES = ["none", "own", "reports", "department", "department_tree", "all"] as const;

export const SYSTEM_PERMISSIONS = [
  "manage_users", "manage_roles", "manage_settings", "view_audit", "manage_enforcement",
  "approve_requests", "run_reviews", "manage_backups", "delegate_admin",
] as const;

export const LAYERS = ["identity", "function", "record", "restriction", "field"] as const;

/** Who may read access configuration and others' access (CONFIG_READERS). */
export const CONFIG_READERS = ["manage_roles", "view_audit"] as const;

export function isRecordAction(action: string): boolean {
  return (RECORD_ACTIONS as readonly string[]).includes(action);
}

export function isSystemPermission(action: string): boolean {
  return (SYSTEM_PERMISSIONS as readonly string[]).includes(action);
}

export function readsAccessConfig(permissions: readonly string[]): boolean {
  return CONFIG_READERS.some((p) => permissions.includes(p));
}
