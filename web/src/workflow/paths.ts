// Addresses of the workflow screens, for links from elsewhere in the console (the header,
// notifications, "My access", the administration screens).

export const NEW_REQUEST_PATH = "/requests/new";
export const MY_REQUESTS_PATH = "/requests/mine";
export const APPROVALS_PATH = "/requests/approvals";
export const WORKFLOW_ADMIN_PATH = "/admin/workflow";
/** The reviews screens (another folder's): the items waiting for my decision. */
export const MY_REVIEWS_PATH = "/reviews/mine";
/** "My access", scrolled to what ends soon. */
export const ENDING_SOON_HREF = "/my-access#ending-soon";

export function requestPath(id: number): string {
  return `/requests/${id}`;
}

/** The new-request form, pre-filled: a role, or access to one record. */
export function newRequestHref(q: { role?: number; object?: string; record?: number;
                                      access?: "read" | "read_write" } = {}): string {
  const p = new URLSearchParams();
  if (q.role) p.set("role", String(q.role));
  if (q.object) p.set("object", q.object);
  if (q.record) p.set("record", String(q.record));
  if (q.access) p.set("access", q.access);
  const qs = p.toString();
  return qs ? `${NEW_REQUEST_PATH}?${qs}` : NEW_REQUEST_PATH;
}
