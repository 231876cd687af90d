// A condition as words: 客户等级 等于 D 且 (区域 属于 华东、华南) · Level is D and (…).

import { Typography } from "antd";
import { Fragment } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import type { CatalogObject } from "../../api/types";
import { choiceLabel } from "../../records/format";
import "../../records/i18n";
import { DepartmentName, UserName } from "../names";
import { conditionFieldLabel, opLabel } from "./fieldLabels";
import { conditionFields, findField, parseNode } from "./model";
import type { ConditionField, ConditionNode, Scalar } from "./model";

interface Props {
  obj: CatalogObject | undefined;
  condition: unknown;
}

export default function ConditionText({ obj, condition }: Props) {
  const node = parseNode(condition);
  if (!node) {
    return <Typography.Text code>{JSON.stringify(condition)}</Typography.Text>;
  }
  return (
    <span data-testid="condition-text">
      <NodeText obj={obj} fields={conditionFields(obj)} node={node} top />
    </span>
  );
}

function ValueText({ obj, field, value }: { obj: CatalogObject | undefined; field: ConditionField; value: Scalar }) {
  const { t: tr } = useTranslation("records");
  if (field.type === "reference" && typeof value === "number") {
    if (field.ref === "user") return <UserName id={value} />;
    if (field.ref === "department") return <DepartmentName id={value} />;
    return <>#{value}</>;
  }
  if (field.type === "enum" && typeof value === "string") {
    return <>{choiceLabel(tr, obj?.name ?? "", field.name, value)}</>;
  }
  return <>“{String(value)}”</>;
}

function NodeText({ obj, fields, node, top = false }: {
  obj: CatalogObject | undefined; fields: ConditionField[]; node: ConditionNode; top?: boolean;
}) {
  const { t, i18n } = useTranslation("access");
  let body: ReactNode;
  if (node.kind === "group") {
    const word = t(`builder.joinWord.${node.join}`);
    const parts = node.children.map((c, i) => (
      <Fragment key={c.id}>
        {i > 0 && <Typography.Text strong>{` ${word} `}</Typography.Text>}
        <NodeText obj={obj} fields={fields} node={c} />
      </Fragment>
    ));
    body = top && !node.negated || node.children.length === 1 ? <>{parts}</> : <>({parts})</>;
  } else if (node.kind === "relation") {
    body = (
      <>
        {t(`builder.relationText.${node.relation}`)}{" "}
        {node.department !== null ? <DepartmentName id={node.department} /> : "?"}
        {node.subtree && t("builder.withSubtree")}
      </>
    );
  } else {
    const field = findField(fields, node.field);
    const values = Array.isArray(node.value) ? node.value : node.value === null ? [] : [node.value];
    body = (
      <>
        {conditionFieldLabel(t, field, i18n.language)} {node.op ? opLabel(t, node.op) : "?"}
        {field && values.length > 0 && " "}
        {field && values.map((v, i) => (
          <Fragment key={i}>
            {i > 0 && t("builder.listSeparator")}
            <ValueText obj={obj} field={field} value={v} />
          </Fragment>
        ))}
      </>
    );
  }
  return node.negated ? <>{t("builder.notWord")}({body})</> : <>{body}</>;
}
