/** Which columns the list shows (remembered per object in this browser). */

import { SettingOutlined } from "@ant-design/icons";
import { Button, Checkbox, Popover, Space } from "antd";
import { useTranslation } from "react-i18next";

import type { ColumnChoice } from "./columns";

interface Props {
  choices: ColumnChoice[];
  value: string[];
  onChange: (keys: string[]) => void;
  onReset: () => void;
}

export default function ColumnChooser({ choices, value, onChange, onReset }: Props) {
  const { t } = useTranslation("records");
  const content = (
    <Space direction="vertical" size={4} style={{ maxHeight: 360, overflowY: "auto" }}>
      <Checkbox.Group
        value={value}
        onChange={(keys) => {
          // keep the catalog's order whatever order the boxes were ticked in
          const chosen = new Set(keys.map(String));
          const ordered = choices.map((c) => c.key).filter((k) => chosen.has(k));
          if (ordered.length) onChange(ordered);
        }}
      >
        <Space direction="vertical" size={4}>
          {choices.map((c) => (
            <Checkbox key={c.key} value={c.key}>
              {c.label}
            </Checkbox>
          ))}
        </Space>
      </Checkbox.Group>
      <Button type="link" size="small" onClick={onReset} style={{ paddingInline: 0 }}>
        {t("columns.reset")}
      </Button>
    </Space>
  );
  return (
    <Popover content={content} title={t("columns.title")} trigger="click" placement="bottomRight">
      <Button icon={<SettingOutlined />}>{t("columns.button")}</Button>
    </Popover>
  );
}
