// The impact of a proposed change, one page of affected users at a time.

import { api } from "../api/client";
import type { WhatIfAnswer, WhatIfChange } from "./types";

/** Users listed per page of the answer (the totals always cover everyone). */
export const PAGE_SIZE = 20;

export function whatIf(change: WhatIfChange, offset = 0, signal?: AbortSignal): Promise<WhatIfAnswer> {
  return api.request<WhatIfAnswer>("POST", "/access/what-if", {
    params: { offset, limit: PAGE_SIZE }, body: { change }, signal,
  });
}
