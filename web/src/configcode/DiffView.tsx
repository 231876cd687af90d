// What importing a document would change, section by section and item by item: each
// field before → after (by its path inside the item), what goes with a removal, and the
// problems the current state raises (with where in the document).

import { Alert, Collapse, Empty, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";

import { describeProblem } from "../api/client";
import { useFormat } from "../i18n/format";
import "./i18n";
import { ABSENT } from "./types";
import type { ConfigDiff, FieldChange, ItemChange, ItemChangeKind, Problem } from "./types";

const SECTIONS = ["roles", "sharing_rules", "restriction_rules", "approval_policies", "role_conflicts", "settings"];
const CHANGE_COLORS: Record<ItemChangeKind, string> = { added: "green", changed: "blue", removed: "red" };

/** A value as the document writes it: text as is, anything else as compact JSON. */
export function Value({ value }: { value: unknown }) {
  const { t } = useTranslation("configcode");
  if (value === ABSENT) return <Typography.Text type="secondary" italic>{t("diff.absent")}</Typography.Text>;
  if (value === null || value === undefined) return <Typography.Text code>null</Typography.Text>;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return <Typography.Text code style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>{text}</Typography.Text>;
}

/** A note the server writes in English ("3 ended assignment(s) …"), in the user's words. */
function noteText(note: string, t: TFunction): string {
  const ended = /^(\d+) ended assignment/.exec(note);
  if (ended) return t("diff.noteAssignments", { count: Number(ended[1]) });
  const shares = /^(\d+) manual share/.exec(note);
  if (shares) return t("diff.noteShares", { count: Number(shares[1]) });
  return note;
}

export function ProblemList({ problems, title }: { problems: Problem[]; title: string }) {
  const { t } = useTranslation("configcode");
  return (
    <Alert type="error" showIcon message={title} data-testid="config-problems"
           description={(
             <ul style={{ margin: 0, paddingInlineStart: 18 }}>
               {problems.map((p, i) => (
                 <li key={i} data-path={p.path}>
                   <Typography.Text code>{p.path}</Typography.Text>{" "}
                   {typeof p.details.role === "string" && <Tag>{p.details.role}</Tag>}
                   {describeProblem({ type: p.type, message: p.message, field: p.path, details: p.details }, t)}
                 </li>
               ))}
             </ul>
           )} />
  );
}

function ItemBody({ item }: { item: ItemChange }) {
  const { t } = useTranslation("configcode");
  const columns: ColumnsType<FieldChange> = [
    { key: "path", title: t("diff.path"), width: 240, render: (_, f) => <Typography.Text code>{f.path}</Typography.Text> },
    { key: "before", title: t("diff.before"), render: (_, f) => <Value value={f.before} /> },
    { key: "after", title: t("diff.after"), render: (_, f) => <Value value={f.after} /> },
  ];
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {item.notes.map((n) => <Alert key={n} type="warning" showIcon message={noteText(n, t)} />)}
      <Table<FieldChange> rowKey="path" size="small" pagination={false} columns={columns}
                          dataSource={item.fields} scroll={{ x: 640 }} />
    </Space>
  );
}

export default function DiffView({ diff }: { diff: ConfigDiff }) {
  const { t } = useTranslation("configcode");
  const fmt = useFormat();
  const bySection = SECTIONS.map((s) => [s, diff.changes.filter((c) => c.section === s)] as const)
    .filter(([, items]) => items.length);
  const others = diff.changes.filter((c) => !SECTIONS.includes(c.section));
  if (others.length) bySection.push(["other", others]);
  const expandAll = diff.changes.length <= 8;

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="config-diff"
           data-added={diff.counts.added} data-changed={diff.counts.changed} data-removed={diff.counts.removed}>
      <Space wrap>
        {(["added", "changed", "removed"] as const).map((k) => (
          <Tag key={k} color={CHANGE_COLORS[k]}>{t(`diff.count.${k}`, { n: fmt.number(diff.counts[k]) })}</Tag>
        ))}
        <Typography.Text type="secondary">
          {diff.document_policy_version === null
            ? t("diff.versionUnknown", { live: diff.policy_version })
            : t("diff.versions", { doc: diff.document_policy_version, live: diff.policy_version })}
        </Typography.Text>
      </Space>
      {diff.document_policy_version !== null && diff.document_policy_version !== diff.policy_version && (
        <Alert type="warning" showIcon message={t("diff.moved", {
          doc: diff.document_policy_version, live: diff.policy_version,
        })} data-testid="config-moved" />
      )}
      {diff.problems.length > 0 && <ProblemList problems={diff.problems} title={t("diff.refused")} />}
      {!diff.changed ? (
        <Empty description={t("diff.nothing")} data-testid="config-unchanged" />
      ) : bySection.map(([section, items]) => (
        <div key={section} data-section={section}>
          <Typography.Title level={5}>{t(`section.${section}`, { defaultValue: section })}</Typography.Title>
          <Collapse size="small" defaultActiveKey={expandAll ? items.map((i) => `${i.section}:${i.key}`) : []}
                    items={items.map((item) => ({
                      key: `${item.section}:${item.key}`,
                      label: (
                        <Space wrap data-item-key={item.key} data-change={item.change}>
                          <Tag color={CHANGE_COLORS[item.change]}>{t(`diff.change.${item.change}`)}</Tag>
                          <Typography.Text strong>{item.key === "(default)" ? t("diff.defaultPolicy") : item.key}</Typography.Text>
                          <Typography.Text type="secondary">{t("diff.fields", { n: fmt.number(item.fields.length), count: item.fields.length })}</Typography.Text>
                        </Space>
                      ),
                      children: <ItemBody item={item} />,
                    }))} />
        </div>
      ))}
    </Space>
  );
}
