// Before and after side by side, one row per key: changed rows highlighted, removed lines
// red on the left, added lines green on the right.

import { Switch, Table, Typography, theme } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { fieldLabel } from "../catalog/labels";
import { diffRows, lineDiff, valueLines } from "./diff";
import type { DiffRow, Line } from "./diff";

function Lines({ lines, present }: { lines: Line[]; present: boolean }) {
  const { t } = useTranslation("audit");
  const { token } = theme.useToken();
  if (!present) return <Typography.Text type="secondary" italic>{t("detail.absent")}</Typography.Text>;
  if (lines.length === 1 && lines[0]?.text === "null") {
    return <Typography.Text type="secondary">{t("detail.empty")}</Typography.Text>;
  }
  return (
    <pre style={{ margin: 0, whiteSpace: "pre-wrap", wordBreak: "break-word", fontSize: 12, fontFamily: token.fontFamilyCode }}>
      {lines.map((l, i) => (
        <div key={i} data-line={l.kind} style={{
          background: l.kind === "removed" ? token.colorErrorBg : l.kind === "added" ? token.colorSuccessBg : undefined,
          textDecoration: l.kind === "removed" ? "line-through" : undefined,
        }}>
          {l.text || " "}
        </div>
      ))}
    </pre>
  );
}

function Sides({ row, side }: { row: DiffRow; side: "before" | "after" }) {
  const diff = useMemo(() => {
    const left = row.inBefore ? valueLines(row.before) : [];
    const right = row.inAfter ? valueLines(row.after) : [];
    return row.changed ? lineDiff(left, right) : {
      left: left.map((text) => ({ text, kind: "same" as const })),
      right: right.map((text) => ({ text, kind: "same" as const })),
    };
  }, [row]);
  return side === "before"
    ? <Lines lines={diff.left} present={row.inBefore} />
    : <Lines lines={diff.right} present={row.inAfter} />;
}

export default function DiffTable({ object, before, after }: {
  object: string | null; before: Record<string, unknown> | null; after: Record<string, unknown> | null;
}) {
  const { t, i18n } = useTranslation("audit");
  const { token } = theme.useToken();
  const rows = useMemo(() => diffRows(before, after), [before, after]);
  const [onlyChanged, setOnlyChanged] = useState(true);
  const shown = onlyChanged && before && after ? rows.filter((r) => r.changed) : rows;
  const columns: ColumnsType<DiffRow> = [
    { key: "key", title: t("detail.field"), width: 150,
      render: (_, r) => <Typography.Text strong={r.changed}>{fieldLabel(object ?? undefined, r.key, i18n.language)}</Typography.Text> },
    { key: "before", title: t("detail.before"), render: (_, r) => <Sides row={r} side="before" /> },
    { key: "after", title: t("detail.after"), render: (_, r) => <Sides row={r} side="after" /> },
  ];
  return (
    <div data-testid="audit-diff">
      {before && after && (
        <div style={{ marginBottom: 8 }}>
          <Switch size="small" checked={onlyChanged} onChange={setOnlyChanged} id="only-changed" />{" "}
          <label htmlFor="only-changed">{t("detail.onlyChanged")}</label>
        </div>
      )}
      <Table<DiffRow>
        rowKey="key"
        size="small"
        columns={columns}
        dataSource={shown}
        pagination={false}
        bordered
        onRow={(r) => ({ "data-changed": String(r.changed),
                         style: r.changed && before && after ? { background: token.colorWarningBg } : undefined } as object)}
      />
    </div>
  );
}
