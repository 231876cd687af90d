// The header's counts (GET /me/counts, plus the review items waiting in GET /me/reviews),
// asked again on every change of page, when the tab comes back into view, when a screen
// says it changed something (countsChanged), and every minute.

import { useCallback, useEffect, useRef, useState } from "react";
import { useLocation } from "react-router-dom";

import { COUNTS_CHANGED, workflowApi } from "./api";
import type { Counts } from "./types";

const EVERY_MS = 60_000;

export interface HeaderCounts extends Counts {
  reviews: number;
}

export function useCounts(): { counts: HeaderCounts | null; refresh: () => void } {
  const [counts, setCounts] = useState<HeaderCounts | null>(null);
  const { pathname } = useLocation();
  const inFlight = useRef(false);

  const refresh = useCallback(() => {
    if (inFlight.current) return;
    inFlight.current = true;
    Promise.all([workflowApi.counts(), workflowApi.reviewsPending().catch(() => 0)]).then(
      ([c, reviews]) => setCounts({ ...c, reviews }),
      () => undefined, // the header keeps what it had; a 401 already returned to sign-in
    ).finally(() => { inFlight.current = false; });
  }, []);

  useEffect(() => { refresh(); }, [pathname, refresh]);

  useEffect(() => {
    const visible = () => { if (document.visibilityState === "visible") refresh(); };
    window.addEventListener(COUNTS_CHANGED, refresh);
    document.addEventListener("visibilitychange", visible);
    const timer = window.setInterval(visible, EVERY_MS);
    return () => {
      window.removeEventListener(COUNTS_CHANGED, refresh);
      document.removeEventListener("visibilitychange", visible);
      window.clearInterval(timer);
    };
  }, [refresh]);

  return { counts, refresh };
}
