// The /catalog answer for the signed-in user (objects, fields, labels, allowed actions
// and field levels), loaded once per sign-in and reloaded on demand (after a permission
// change, a screen calls `reload`).

import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { api } from "../api/client";
import type { Catalog, CatalogObject } from "../api/types";
import { label, setCatalogLabels } from "./labels";

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
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      const answer = await api.get<Catalog>("/catalog");
      setCatalogLabels(answer);
      setCatalog(answer);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    void reload();
    return () => setCatalogLabels(null);
  }, [reload]);

  const lang = i18n.language;
  const state = useMemo<CatalogState | null>(() => catalog && {
    objects: catalog.objects,
    object: (name) => catalog.objects.find((o) => o.name === name || o.plural === name),
    label: (item) => label(item, lang),
    reload,
  }, [catalog, lang, reload]);

  if (!state) return <>{fallback(error, () => { setError(null); void reload(); })}</>;
  return <CatalogContext.Provider value={state}>{children}</CatalogContext.Provider>;
}
