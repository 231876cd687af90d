// Addresses of the review screens, and who may open them (the API checks again).

export const REVIEWS_PATH = "/reviews";
export const MY_REVIEWS_PATH = "/reviews/mine";
export const DORMANT_PATH = "/reviews/dormant";

export function campaignHref(id: number): string {
  return `${REVIEWS_PATH}/${id}`;
}

/** Read campaigns, items, reports and exports. */
export const REVIEW_READERS = ["run_reviews", "view_audit", "manage_roles"] as const;
/** Read the dormant-permissions report. */
export const DORMANT_READERS = ["manage_roles", "view_audit", "run_reviews"] as const;

export function holdsAny(permissions: readonly string[], wanted: readonly string[]): boolean {
  return wanted.some((p) => permissions.includes(p));
}
