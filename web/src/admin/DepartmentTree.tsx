/** The organisation as a tree; each department shows how many active users it has. */

import { ApartmentOutlined } from "@ant-design/icons";
import { Badge, Tree, Typography } from "antd";
import type { TreeDataNode } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { departmentForest, departmentName } from "./names";
import type { DepartmentNode } from "./names";
import type { AdminUser, Department } from "./types";

interface Props {
  departments: Department[];
  users: AdminUser[];
  selected: number | null;
  onSelect: (id: number) => void;
}

export default function DepartmentTree({ departments, users, selected, onSelect }: Props) {
  const { i18n } = useTranslation("admin");
  const counts = useMemo(() => {
    const out = new Map<number, number>();
    for (const u of users) if (u.active) out.set(u.department_id, (out.get(u.department_id) ?? 0) + 1);
    return out;
  }, [users]);

  const data = useMemo(() => {
    const toNode = (n: DepartmentNode): TreeDataNode => ({
      key: n.department.id,
      title: (
        <span data-testid={`dept-node-${n.department.id}`} data-name={n.department.name}>
          <Typography.Text>{departmentName(n.department, i18n.language)}</Typography.Text>
          <Badge count={counts.get(n.department.id) ?? 0} showZero color="#bfbfbf"
                 size="small" style={{ marginInlineStart: 8 }} />
        </span>
      ),
      icon: <ApartmentOutlined />,
      children: n.children.map(toNode),
    });
    return departmentForest(departments).map(toNode);
  }, [departments, counts, i18n.language]);

  const keys = useMemo(() => departments.map((d) => d.id), [departments]);
  return (
    <Tree
      key={departments.length}
      blockNode
      showIcon
      showLine
      defaultExpandedKeys={keys}
      selectedKeys={selected === null ? [] : [selected]}
      onSelect={(k) => k[0] !== undefined && onSelect(Number(k[0]))}
      treeData={data}
      data-testid="department-tree"
    />
  );
}
