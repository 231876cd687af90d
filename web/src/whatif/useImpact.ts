// The state of a what-if preview: the change asked about, its answer (one page of users)
// and paging through the affected users. The first answer's refusal is thrown to the
// caller, which shows it where saving would show it (the same 403, 404, 409 or 422).

import { useCallback, useRef, useState } from "react";

import { whatIf } from "./api";
import type { WhatIfAnswer, WhatIfChange } from "./types";

export interface Impact {
  answer: WhatIfAnswer | null;
  loading: boolean;
  /** Why a later page of users could not be read. */
  pageError: unknown;
  /** Asks about a change; throws the API's refusal. */
  run: (change: WhatIfChange) => Promise<void>;
  /** Another page of the same change's users. */
  page: (offset: number) => void;
  /** Forgets the answer (the change was edited since). */
  clear: () => void;
}

export function useImpact(): Impact {
  const [answer, setAnswer] = useState<WhatIfAnswer | null>(null);
  const [loading, setLoading] = useState(false);
  const [pageError, setPageError] = useState<unknown>(null);
  const asked = useRef<WhatIfChange | null>(null);
  const ticket = useRef(0);

  const fetchPage = useCallback(async (change: WhatIfChange, offset: number) => {
    const mine = ++ticket.current;
    setLoading(true);
    setPageError(null);
    try {
      const found = await whatIf(change, offset);
      if (mine === ticket.current) setAnswer(found);
    } finally {
      if (mine === ticket.current) setLoading(false);
    }
  }, []);

  const run = useCallback(async (change: WhatIfChange) => {
    asked.current = change;
    setAnswer(null);
    await fetchPage(change, 0);
  }, [fetchPage]);

  const page = useCallback((offset: number) => {
    if (!asked.current) return;
    fetchPage(asked.current, offset).catch((err: unknown) => setPageError(err));
  }, [fetchPage]);

  const clear = useCallback(() => {
    ticket.current++;
    asked.current = null;
    setAnswer(null);
    setLoading(false);
    setPageError(null);
  }, []);

  return { answer, loading, pageError, run, page, clear };
}
