/** Options of a searchable select, fetched as the user types (debounced, latest wins). */

import { useCallback, useEffect, useRef, useState } from "react";

export interface RemoteOption {
  value: number;
  label: string;
}

export function useRemoteOptions(search: (q: string) => Promise<RemoteOption[]>, delayMs = 250) {
  const [options, setOptions] = useState<RemoteOption[]>([]);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const latest = useRef(0);
  const searchRef = useRef(search);
  searchRef.current = search;

  const run = useCallback((q: string) => {
    const ticket = ++latest.current;
    setLoading(true);
    searchRef.current(q).then(
      (found) => {
        if (ticket !== latest.current) return;
        setOptions(found);
        setFailed(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (ticket !== latest.current) return;
        setOptions([]);
        setFailed(err);
        setLoading(false);
      },
    );
  }, []);

  const onSearch = useCallback(
    (q: string) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => run(q), delayMs);
    },
    [run, delayMs],
  );

  useEffect(() => () => clearTimeout(timer.current), []);

  return { options, loading, failed, onSearch, load: run };
}
