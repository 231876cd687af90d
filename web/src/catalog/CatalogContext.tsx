// The /catalog answer for the signed-in user (objects, fields, labels, allowed actions
// and field levels). Permissions change while a user works (an administrator edits a
// role, an assignment expires): at every change of page, and when the tab comes back
// into view, /me is asked again, and the catalog too when the policy version moved or the
// one held is more than a minute old — so the next page shows what the user may do now.

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useLocation } from "react-router-dom";

import { api } from "../api/client";
import type { Catalog, CatalogObject } from "../api/types";
import { useAuth } from "../auth/AuthContext";
import { label, setCatalogLabels } from "./labels";

/** A catalog older than this is asked for again at the next page. */
const MAX_AGE_MS = 60_000;

export interface CatalogState extends Catalog {
  /** The object by name (`customer`) or plural (`customers`). */
  object(name: string | undefined): CatalogObject | undefined;
  /** The label of an object or field in the current language. */
  label(item: { label_zh: string; label_en: string }): string;
  /** Ask the server again (after a change of permissions). */
  reload(): Promise<void>;
}

const CatalogContext = createContext<CatalogState | null>(null);

export function useCatalog(): CatalogState {
  const state = useContext(CatalogContext);
  if (!state) throw new Error("useCatalog() outside <CatalogProvider>");
  return state;
}

interface Props {
  children: ReactNode;
  /** Shown while the first answer is on its way (error null), and when it failed. */
  fallback: (error: unknown, retry: () => void) => ReactNode;
}

export function CatalogProvider({ children, fallback }: Props) {
  const { i18n } = useTranslation();
  const { me, refresh } = useAuth();
  const { pathname } = useLocation();
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [error, setError] = useState<unknown>(null);
  const held = useRef({ at: 0, version: me?.policy_version ?? null });

  const reload = useCallback(async (version?: number) => {
    try {
      const answer = await api.get<Catalog>("/catalog");
      held.current = { at: Date.now(), version: version ?? held.current.version };
      // The same answer keeps the same object: screens keyed on it do not reload.
      setCatalog((prev) => {
        const next = prev && JSON.stringify(prev) === JSON.stringify(answer) ? prev : answer;
        setCatalogLabels(next);
        return next;
      });
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);

  /** /me again; the catalog again if the policy moved or it is old. Failures are left to
   * the next page (a 401 has already sent the user to sign in). */
  const freshen = useCallback(async () => {
    try {
      const now = await refresh();
      if (now.policy_version !== held.current.version
          || Date.now() - held.current.at > MAX_AGE_MS) {
        await reload(now.policy_version);
      }
    } catch {
      // offline for a moment: the page works with what it has
    }
  }, [refresh, reload]);

  useEffect(() => {
    void reload();
    return () => setCatalogLabels(null);
  }, [reload]);

  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    void freshen();
  }, [pathname, freshen]);

  useEffect(() => {
    const visible = () => { if (document.visibilityState === "visible") void freshen(); };
    document.addEventListener("visibilitychange", visible);
    return () => document.removeEventListener("visibilitychange", visible);
  }, [freshen]);

  const lang = i18n.language;
  const state = useMemo<CatalogState | null>(() => catalog && {
    objects: catalog.objects,
    object: (name) => catalog.objects.find((o) => o.name === name || o.plural === name),
    label: (item) => label(item, lang),
    reload: () => reload(),
  }, [catalog, lang, reload]);

  if (!state) return <>{fallback(error, () => { setError(null); void reload(); })}</>;
  return <CatalogContext.Provider value={state}>{children}</CatalogContext.Provider>;
}
