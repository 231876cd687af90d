// The reasons the API gives for refusing a condition (src/vouch/access/engine/condition.py,
// access/admin/rules.py), in the user's language when we know them; null otherwise.

import type { TFunction } from "i18next";

const KNOWN: [RegExp, string][] = [
  [/takes a decimal number$/, "decimal"],
  [/takes an integer( between .*)?$/, "integer"],
  [/takes a number below /, "tooLarge"],
  [/ is out of range$/, "tooLarge"],
  [/takes a date YYYY-MM-DD$/, "date"],
  [/takes an ISO date-time with a time zone$/, "datetime"],
  [/ is not one of /, "choice"],
  [/^no department with id /, "department"],
  [/cannot contain a NUL character$/, "nul"],
  [/takes a list of 1 to \d+ values$/, "list"],
  [/^contains takes a non-empty string$/, "text"],
  [/^unknown field /, "field"],
];

export function conditionMessage(message: string, t: TFunction): string | null {
  for (const [pattern, key] of KNOWN) {
    if (pattern.test(message)) return t(`access:builder.server.${key}`);
  }
  return null;
}
