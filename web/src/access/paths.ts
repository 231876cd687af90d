// Addresses of the access screens, for links from elsewhere in the console.

export const RULES_PATH = "/access/rules";
export const EXPLAIN_PATH = "/access/explain";
export const PERMISSIONS_PATH = "/access/permissions";
export const MY_ACCESS_PATH = "/my-access";

function withQuery(path: string, q: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const qs = p.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The explain tool with its question pre-filled (any part may be left out): user is an id
 * or a username, action a record or object action or a system permission. */
export function explainHref(q: { user?: number | string; object?: string; record?: number; action?: string;
                                  field?: string } = {}): string {
  return withQuery(EXPLAIN_PATH, { user: q.user, action: q.action, object: q.object, record: q.record, field: q.field });
}

/** A user's effective permissions. */
export function permissionsHref(user: number | string): string {
  return withQuery(PERMISSIONS_PATH, { user });
}

/** The rules of one kind, optionally of one object. */
export function rulesHref(kind: "sharing" | "restriction", object?: string): string {
  return withQuery(RULES_PATH, { kind, object });
}
