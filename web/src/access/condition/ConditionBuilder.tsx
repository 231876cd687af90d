// The condition builder: groups whose members must all hold (AND) or any hold (OR), each
// member a comparison, a department relation or another group, any of them negated (NOT).
// Problems (found here or named by the API's 422 path) show on their own row.

import {
  ApartmentOutlined, BranchesOutlined, DeleteOutlined, PlusOutlined,
} from "@ant-design/icons";
import { Button, Checkbox, Segmented, Space, Tag, Typography, theme } from "antd";
import { useMemo } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import type { CatalogObject } from "../../api/types";
import ConditionRow from "./ConditionRow";
import { conditionFields, newGroup, newLeaf, newRelation, replaceNode } from "./model";
import type {
  ConditionField, ConditionNode, GroupNode, Join, Problem, Problems,
} from "./model";
import RelationRow from "./RelationRow";

interface Props {
  obj: CatalogObject | undefined;
  value: GroupNode;
  onChange: (root: GroupNode) => void;
  problems: Problems;
  disabled?: boolean;
}

export default function ConditionBuilder({ obj, value, onChange, problems, disabled }: Props) {
  const fields = useMemo(() => conditionFields(obj), [obj]);
  const ctx: Ctx = {
    obj, fields, problems, disabled,
    change: (node) => onChange(replaceNode(value, node.id, node) as GroupNode),
    remove: (id) => onChange(replaceNode(value, id, null) as GroupNode),
  };
  return (
    <div data-testid="condition-builder">
      <GroupBox node={value} ctx={ctx} depth={0} path="0" />
    </div>
  );
}

interface Ctx {
  obj: CatalogObject | undefined;
  fields: ConditionField[];
  problems: Problems;
  disabled?: boolean;
  change: (node: ConditionNode) => void;
  remove: (id: string) => void;
}

function ProblemText({ problem }: { problem: Problem | undefined }) {
  const { t } = useTranslation("access");
  if (!problem) return null;
  const text = problem.key ? t(`builder.problem.${problem.key}`) : t("builder.problem.server", { message: problem.message });
  return (
    <Typography.Text type="danger" role="alert" data-testid="condition-problem" style={{ fontSize: 13 }}
                     title={problem.original}>
      {text}
    </Typography.Text>
  );
}

function NotToggle({ node, ctx }: { node: ConditionNode; ctx: Ctx }) {
  const { t } = useTranslation("access");
  return (
    <Checkbox checked={node.negated} disabled={ctx.disabled} data-part="not"
              onChange={(e) => ctx.change({ ...node, negated: e.target.checked })}>
      <Typography.Text strong={node.negated} type={node.negated ? "danger" : undefined}>
        {t("builder.not")}
      </Typography.Text>
    </Checkbox>
  );
}

function RemoveButton({ id, ctx, label }: { id: string; ctx: Ctx; label: string }) {
  return (
    <Button type="text" danger icon={<DeleteOutlined />} aria-label={label} title={label}
            disabled={ctx.disabled} onClick={() => ctx.remove(id)} />
  );
}

/** A comparison or relation, on one line that wraps on a narrow window. */
function MemberRow({ node, ctx, path }: { node: ConditionNode; ctx: Ctx; path: string }) {
  const { t } = useTranslation("access");
  const { token } = theme.useToken();
  const problem = ctx.problems.get(node.id);
  let body: ReactNode = null;
  if (node.kind === "leaf") {
    body = <ConditionRow obj={ctx.obj} fields={ctx.fields} node={node} problem={problem}
                         disabled={ctx.disabled} onChange={ctx.change} />;
  } else if (node.kind === "relation") {
    body = <RelationRow node={node} problem={problem} disabled={ctx.disabled} onChange={ctx.change} />;
  }
  return (
    <div data-condition-row={path} data-kind={node.kind} data-error={problem ? problem.part : undefined}
         style={{
           padding: "8px 8px 8px 12px", borderRadius: token.borderRadius,
           background: problem ? token.colorErrorBg : token.colorFillQuaternary,
           border: `1px solid ${problem ? token.colorErrorBorder : "transparent"}`,
         }}>
      <div style={{ display: "flex", flexWrap: "wrap", alignItems: "center", gap: 8 }}>
        <NotToggle node={node} ctx={ctx} />
        {body}
        <div style={{ marginLeft: "auto" }}>
          <RemoveButton id={node.id} ctx={ctx} label={t("builder.removeCondition")} />
        </div>
      </div>
      <ProblemText problem={problem} />
    </div>
  );
}

function GroupBox({ node, ctx, depth, path }: { node: GroupNode; ctx: Ctx; depth: number; path: string }) {
  const { t } = useTranslation("access");
  const { token } = theme.useToken();
  const problem = ctx.problems.get(node.id);
  const add = (member: ConditionNode) => ctx.change({ ...node, children: [...node.children, member] });
  const joinWord = t(`builder.joinWord.${node.join}`);
  return (
    <div data-condition-group={path} data-join={node.join} data-error={problem ? problem.part : undefined}
         style={{
           border: `1px ${depth ? "dashed" : "solid"} ${problem ? token.colorError : token.colorBorder}`,
           borderLeft: `3px solid ${node.join === "and" ? token.colorPrimary : token.colorWarning}`,
           borderRadius: token.borderRadiusLG, padding: 12,
           background: depth % 2 ? token.colorBgLayout : token.colorBgContainer,
         }}>
      <div style={{ display: "flex", flexWrap: "wrap", alignItems: "center", gap: 8, marginBottom: 8 }}>
        {depth > 0 && <NotToggle node={node} ctx={ctx} />}
        <Segmented<Join>
          aria-label={t("builder.join")}
          disabled={ctx.disabled}
          value={node.join}
          onChange={(join) => ctx.change({ ...node, join })}
          options={[
            { value: "and", label: t("builder.all") },
            { value: "or", label: t("builder.any") },
          ]}
        />
        {depth > 0 && (
          <div style={{ marginLeft: "auto" }}>
            <RemoveButton id={node.id} ctx={ctx} label={t("builder.removeGroup")} />
          </div>
        )}
      </div>
      <Space direction="vertical" size={6} style={{ width: "100%" }}>
        {node.children.map((child, i) => (
          <div key={child.id}>
            {i > 0 && (
              <Tag bordered={false} color={node.join === "and" ? "blue" : "orange"}
                   style={{ marginBottom: 6 }}>
                {joinWord}
              </Tag>
            )}
            {child.kind === "group"
              ? <GroupBox node={child} ctx={ctx} depth={depth + 1} path={`${path}.${i}`} />
              : <MemberRow node={child} ctx={ctx} path={`${path}.${i}`} />}
          </div>
        ))}
        {node.children.length === 0 && (
          <Typography.Text type="secondary">{t("builder.emptyGroup")}</Typography.Text>
        )}
        <ProblemText problem={problem} />
        <Space wrap size={4}>
          <Button size="small" icon={<PlusOutlined />} disabled={ctx.disabled}
                  data-action="add-condition" onClick={() => add(newLeaf())}>
            {t("builder.addCondition")}
          </Button>
          <Button size="small" icon={<ApartmentOutlined />} disabled={ctx.disabled}
                  data-action="add-relation" onClick={() => add(newRelation())}>
            {t("builder.addRelation")}
          </Button>
          {depth < 4 && (
            <Button size="small" icon={<BranchesOutlined />} disabled={ctx.disabled}
                    data-action="add-group"
                    onClick={() => add(newGroup(node.join === "and" ? "or" : "and"))}>
              {t("builder.addGroup")}
            </Button>
          )}
        </Space>
      </Space>
    </div>
  );
}
