// A department relation: the record's owner (or the record itself) belongs to a
// department, with or without the departments below it.

import { Checkbox, Select } from "antd";
import { useTranslation } from "react-i18next";

import { DepartmentSelect } from "../pickers";
import { RELATIONS } from "./model";
import type { Problem, Relation, RelationNode } from "./model";

interface Props {
  node: RelationNode;
  onChange: (node: RelationNode) => void;
  problem: Problem | undefined;
  disabled?: boolean;
}

export default function RelationRow({ node, onChange, problem, disabled }: Props) {
  const { t } = useTranslation("access");
  return (
    <>
      <Select<Relation>
        aria-label={t("builder.relation")}
        data-part="relation"
        disabled={disabled}
        style={{ width: 200 }}
        popupMatchSelectWidth={false}
        value={node.relation}
        options={RELATIONS.map((r) => ({ value: r, label: t(`builder.relations.${r}`) }))}
        onChange={(relation) => onChange({ ...node, relation })}
      />
      <div data-part="department" style={{ flex: "1 1 200px", minWidth: 180 }}>
        <DepartmentSelect<number | null>
          aria-label={t("builder.department")}
          status={problem?.part === "department" ? "error" : undefined}
          style={{ width: "100%" }}
          value={node.department}
          onChange={(department) => onChange({ ...node, department })}
        />
      </div>
      <Checkbox checked={node.subtree} disabled={disabled}
                onChange={(e) => onChange({ ...node, subtree: e.target.checked })}>
        {t("builder.subtree")}
      </Checkbox>
    </>
  );
}
