// Before and after of an audit event, key by key, and a line diff for long values (a role's
// grants): what was removed on the left, what was added on the right.

export interface DiffRow {
  key: string;
  before: unknown;
  after: unknown;
  inBefore: boolean;
  inAfter: boolean;
  changed: boolean;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every key of either side, in the order they were written (before's first). */
export function diffRows(before: Record<string, unknown> | null, after: Record<string, unknown> | null): DiffRow[] {
  const b = before ?? {};
  const a = after ?? {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys.map((key) => {
    const inBefore = before !== null && key in b;
    const inAfter = after !== null && key in a;
    return { key, before: b[key], after: a[key], inBefore, inAfter,
             changed: inBefore !== inAfter || !same(b[key], a[key]) };
  });
}

/** A value as lines of text: JSON for lists and objects, as it is otherwise. */
export function valueLines(value: unknown): string[] {
  if (value === undefined) return [];
  if (typeof value === "string") return value.split("\n");
  if (value !== null && typeof value === "object") return JSON.stringify(value, null, 2).split("\n");
  return [String(value)];
}

export type LineKind = "same" | "removed" | "added";

export interface Line {
  text: string;
  kind: LineKind;
}

const MAX_CELLS = 4_000_000;

/** The lines of each side marked as kept or changed (longest common subsequence; for very
 * long values, a line counts as kept when the other side has it anywhere). */
export function lineDiff(left: string[], right: string[]): { left: Line[]; right: Line[] } {
  const n = left.length;
  const m = right.length;
  if (n * m > MAX_CELLS) {
    const l = new Set(left);
    const r = new Set(right);
    return {
      left: left.map((text) => ({ text, kind: r.has(text) ? "same" : "removed" })),
      right: right.map((text) => ({ text, kind: l.has(text) ? "same" : "added" })),
    };
  }
  // lcs[i][j]: the longest common subsequence of left[i..] and right[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i]!;
    const below = lcs[i + 1]!;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = left[i] === right[j] ? below[j + 1]! + 1 : Math.max(below[j]!, row[j + 1]!);
    }
  }
  const outLeft: Line[] = [];
  const outRight: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (left[i] === right[j]) {
      outLeft.push({ text: left[i]!, kind: "same" });
      outRight.push({ text: right[j]!, kind: "same" });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      outLeft.push({ text: left[i++]!, kind: "removed" });
    } else {
      outRight.push({ text: right[j++]!, kind: "added" });
    }
  }
  while (i < n) outLeft.push({ text: left[i++]!, kind: "removed" });
  while (j < m) outRight.push({ text: right[j++]!, kind: "added" });
  return { left: outLeft, right: outRight };
}
