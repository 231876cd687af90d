/** Picks a record of the referenced object by searching its list (`q`); only records the
 * viewer can view are offered, named by their title field. */

import { Select } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { api, describeError } from "../api/client";
import { apiPath, isReadable, titleField } from "./fields";
import type { CatalogObject, RecordItem, RecordPage, ReferenceValue } from "./types";
import { useRemoteOptions, type RemoteOption } from "./useRemoteOptions";

interface Props {
  id?: string;
  target: CatalogObject | undefined;
  value?: number | null;
  onChange?: (value: number | null) => void;
  /** The reference as the record had it, to name the current value before any search. */
  initial?: ReferenceValue | null;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  "aria-label"?: string;
}

export default function ReferencePicker({
  id,
  target,
  value,
  onChange,
  initial,
  placeholder,
  allowClear = true,
  style,
  ...rest
}: Props) {
  const { t } = useTranslation("records");
  const title = target ? titleField(target) : undefined;
  const usable = !!target && target.actions.includes("view") && !!title && isReadable(title);
  const { options, loading, failed, onSearch, load } = useRemoteOptions(async (q) => {
    if (!target || !title) return [];
    const params: Record<string, string | number> = { limit: 20, sort: title.name };
    if (q.trim()) params.q = q.trim();
    const page = await api.get<RecordPage>(apiPath(target), params);
    return page.items.map((r) => ({ value: r.id, label: String(r[title.name] ?? `#${r.id}`) }));
  });

  useEffect(() => {
    if (usable) load("");
  }, [usable, load]);

  // a value set from outside (a link's filter) is named by reading that record
  const [named, setNamed] = useState<RemoteOption | null>(null);
  useEffect(() => {
    if (!usable || !target || !title || !value || initial?.id === value) return;
    if (named?.value === value || options.some((o) => o.value === value)) return;
    let live = true;
    api.get<RecordItem>(apiPath(target, value)).then(
      (r) => live && setNamed({ value, label: String(r[title.name] ?? `#${value}`) }),
      () => live && setNamed({ value, label: t("value.restricted", { id: value }) }),
    );
    return () => {
      live = false;
    };
  }, [usable, target, title, value, initial, named, options, t]);

  const shown = useMemo(() => {
    const out: RemoteOption[] = [...options];
    if (named && named.value === value && !out.some((o) => o.value === named.value)) out.unshift(named);
    if (initial && value === initial.id && !out.some((o) => o.value === initial.id)) {
      out.unshift({
        value: initial.id,
        label: initial.restricted
          ? t("value.restricted", { id: initial.id })
          : (initial.name ?? `#${initial.id}`),
      });
    }
    return out;
  }, [options, initial, named, value, t]);

  return (
    <Select<number>
      id={id}
      aria-label={rest["aria-label"]}
      showSearch
      allowClear={allowClear}
      disabled={!usable}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      onSearch={onSearch}
      filterOption={false}
      loading={loading}
      options={shown}
      style={style}
      placeholder={usable ? (placeholder ?? t("picker.searchRecords")) : t("picker.noAccess")}
      notFoundContent={failed ? describeError(failed, t) : t("picker.noMatch")}
    />
  );
}
