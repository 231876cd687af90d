/** One page of a record list: keyset paging with a stack of the cursors that led here
 * (Next pushes, Previous pops), the total count, reloaded when the query changes. */

import { useCallback, useEffect, useMemo, useState } from "react";

import { api } from "../api/client";
import { apiPath } from "./fields";
import { apiParams, type ListQuery } from "./query";
import type { CatalogObject, RecordItem, RecordPage } from "./types";

export interface RecordList {
  items: RecordItem[];
  total: number | null;
  loading: boolean;
  error: unknown;
  pageNumber: number;
  hasNext: boolean;
  hasPrevious: boolean;
  next: () => void;
  previous: () => void;
  reload: () => void;
}

export function useRecordList(obj: CatalogObject, query: ListQuery, pageSize: number): RecordList {
  const [page, setPage] = useState<RecordPage | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const params = useMemo(() => apiParams(query), [query]);
  const key = JSON.stringify([obj.name, params, pageSize]);

  // cursors[i] leads to page i + 2; a stack made for another query is not used, so a new
  // query starts again at page 1 without ever sending a cursor of the old one
  const [stack, setStack] = useState<{ key: string; cursors: string[] }>({ key, cursors: [] });
  const cursors = useMemo(() => (stack.key === key ? stack.cursors : []), [stack, key]);

  const cursor = cursors.length ? cursors[cursors.length - 1] : undefined;
  useEffect(() => {
    let live = true;
    setLoading(true);
    const wantTotal = cursor === undefined;
    api
      .get<RecordPage>(apiPath(obj), {
        ...params,
        limit: pageSize,
        ...(cursor ? { cursor } : {}),
        ...(wantTotal ? { total: true } : {}),
      })
      .then(
        (got) => {
          if (!live) return;
          setPage(got);
          if (wantTotal) setTotal(got.total ?? null);
          setError(null);
          setLoading(false);
        },
        (err: unknown) => {
          if (!live) return;
          setPage(null);
          setError(err);
          setLoading(false);
        },
      );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, cursor, tick]);

  const nextCursor = page?.next_cursor ?? null;
  const next = useCallback(() => {
    if (nextCursor) setStack({ key, cursors: [...cursors, nextCursor] });
  }, [nextCursor, key, cursors]);
  const previous = useCallback(() => setStack({ key, cursors: cursors.slice(0, -1) }), [key, cursors]);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  return {
    items: page?.items ?? [],
    total,
    loading,
    error,
    pageNumber: cursors.length + 1,
    hasNext: !!nextCursor,
    hasPrevious: cursors.length > 0,
    next,
    previous,
    reload,
  };
}
