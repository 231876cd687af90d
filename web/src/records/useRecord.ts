/** One record as the API shows it to this user, with reload. */

import { useCallback, useEffect, useState } from "react";

import { api } from "../api/client";
import { apiPath } from "./fields";
import type { CatalogObject, RecordItem } from "./types";

export function useRecord(obj: CatalogObject, id: number) {
  const [record, setRecord] = useState<RecordItem | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    setLoading(true);
    api.get<RecordItem>(apiPath(obj, id)).then(
      (r) => {
        if (!live) return;
        setRecord(r);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setRecord(null);
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [obj, id, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { record, setRecord, loading, error, reload };
}
