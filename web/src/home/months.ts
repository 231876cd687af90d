// Calendar months as the sales report names them (YYYY-MM), counted in the browser's
// time zone, and written the way the user's language writes a month.

/** "2026-11" for a date, in local time. */
export function monthKey(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

/** The first day of a "YYYY-MM" month (local midnight), or null for anything else. */
export function monthStart(key: string): Date | null {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, 1) : null;
}

/** The `count` months ending with today's, oldest first. */
export function lastMonths(count: number, today: Date = new Date()): string[] {
  const out: string[] = [];
  for (let back = count - 1; back >= 0; back--) {
    out.push(monthKey(new Date(today.getFullYear(), today.getMonth() - back, 1)));
  }
  return out;
}

/** 2026年11月 · Nov 2026; `short`: 26年11月 · Nov 26 (for an axis). */
export function formatMonth(key: string, language: string, short = false): string {
  const d = monthStart(key);
  if (!d) return key;
  return new Intl.DateTimeFormat(language, {
    year: short ? "2-digit" : "numeric", month: "short",
  }).format(d);
}
