/** Field security of a role: a level per sensitivity class of each object, and a level per
 * field that overrides its class. Empty cells follow the default (sensitive classes are
 * hidden until a role opens them; normal fields are editable). */

import { Segmented, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import type { CatalogField, CatalogObject } from "../api/types";
import { label } from "../catalog/labels";
import { CLASSES, LEVELS, cell, defaultLevel } from "./roleDraft";
import styles from "./RoleEditor.module.css";
import type { Level } from "./types";

const INHERIT = "inherit";
type Choice = Level | typeof INHERIT;

interface Props {
  objects: CatalogObject[];
  classRules: Record<string, Level>;
  fieldRules: Record<string, Level>;
  baseClassRules: Record<string, Level>;
  baseFieldRules: Record<string, Level>;
  refused: string | null;
  readOnly: boolean;
  onClassChange: (key: string, level: Level | null) => void;
  onFieldChange: (key: string, level: Level | null) => void;
}

const LEVEL_COLOR: Record<Level, string> = {
  hidden: "red", masked: "orange", read: "blue", edit: "green",
};

const SENSITIVITY_COLOR: Record<string, string> = {
  personal: "purple", financial: "gold", contract: "cyan", normal: "default",
};

export default function FieldLevelGrid(props: Props) {
  const { objects, classRules, fieldRules, baseClassRules, baseFieldRules, refused, readOnly,
          onClassChange, onFieldChange } = props;
  const { t, i18n } = useTranslation("admin");
  const [objectName, setObjectName] = useState(objects[0]?.name ?? "");
  const obj = objects.find((o) => o.name === objectName) ?? objects[0];

  const levelSelect = (key: string, value: Choice, inheritLabel: string, base: Choice,
                       onPick: (v: Choice) => void, testId: string, aria: string) => {
    const options = [
      { value: INHERIT, label: inheritLabel },
      ...LEVELS.map((l) => ({ value: l, label: t(`level.${l}`) })),
    ];
    const classes = [styles.cell, styles[value],
      value !== base ? styles.changed : "", refused === key ? styles.refused : ""];
    return (
      <Select<Choice>
        size="small"
        className={classes.join(" ")}
        value={value}
        disabled={readOnly}
        status={refused === key ? "error" : undefined}
        popupMatchSelectWidth={false}
        options={options}
        onChange={onPick}
        aria-label={aria}
        data-testid={testId}
        data-level={value}
      />
    );
  };

  const classLevel = (o: string, c: string): Level => classRules[cell(o, c)] ?? defaultLevel(c);
  const fieldsOf = (o: CatalogObject, c: string) => o.fields.filter((f) => f.sensitivity === c);

  const classColumns: TableColumnsType<CatalogObject> = [
    {
      key: "object", title: t("fields.object"), width: 110,
      render: (_v, o) => <Typography.Text strong>{label(o, i18n.language)}</Typography.Text>,
    },
    ...CLASSES.map((c) => ({
      key: c,
      title: <Tooltip title={t(`sensitivityHint.${c}`)}><span>{t(`sensitivity.${c}`)}</span></Tooltip>,
      render: (_v: unknown, o: CatalogObject) => {
        const key = cell(o.name, c);
        const fields = fieldsOf(o, c);
        if (!fields.length && classRules[key] === undefined) {
          return <Typography.Text type="secondary">{t("fields.noneOfClass")}</Typography.Text>;
        }
        return (
          <Space size={6}>
            {levelSelect(key, classRules[key] ?? INHERIT,
                         t("fields.default", { level: t(`level.${defaultLevel(c)}`) }),
                         baseClassRules[key] ?? INHERIT,
                         (v) => onClassChange(key, v === INHERIT ? null : v),
                         `class-${o.name}-${c}`,
                         t("fields.classCell", { object: label(o, i18n.language), class: t(`sensitivity.${c}`) }))}
            <Tooltip title={fields.map((f) => label(f, i18n.language)).join("、")}>
              <Typography.Text type="secondary" style={{ whiteSpace: "nowrap" }}>
                {t("fields.count", { count: fields.length })}
              </Typography.Text>
            </Tooltip>
          </Space>
        );
      },
    })),
  ];

  const fieldColumns: TableColumnsType<CatalogField> = obj ? [
    {
      key: "field", title: t("fields.field"),
      render: (_v, f) => (
        <Space size={4} direction="vertical">
          <span>{label(f, i18n.language)}</span>
          <Typography.Text type="secondary" code>{f.name}</Typography.Text>
        </Space>
      ),
    },
    {
      key: "class", title: t("fields.class"), width: 110,
      render: (_v, f) => <Tag color={SENSITIVITY_COLOR[f.sensitivity]}>{t(`sensitivity.${f.sensitivity}`)}</Tag>,
    },
    {
      key: "rule", title: t("fields.rule"), width: 200,
      render: (_v, f) => {
        const key = cell(obj.name, f.name);
        const fromClass = f.sensitivity === "normal" ? defaultLevel("normal") : classLevel(obj.name, f.sensitivity);
        return levelSelect(key, fieldRules[key] ?? INHERIT,
                           t("fields.inherit", { level: t(`level.${fromClass}`) }),
                           baseFieldRules[key] ?? INHERIT,
                           (v) => onFieldChange(key, v === INHERIT ? null : v),
                           `field-${obj.name}-${f.name}`,
                           t("fields.fieldCell", { object: label(obj, i18n.language), field: label(f, i18n.language) }));
      },
    },
    {
      key: "effective", title: t("fields.effective"), width: 160,
      render: (_v, f) => {
        const own = fieldRules[cell(obj.name, f.name)];
        const level = own ?? (f.sensitivity === "normal"
          ? classRules[cell(obj.name, "normal")] ?? "edit" : classLevel(obj.name, f.sensitivity));
        const source = own ? t("fields.fromField") : classRules[cell(obj.name, f.sensitivity)]
          ? t("fields.fromClass") : t("fields.fromDefault");
        return (
          <Space size={4}>
            <Tag color={LEVEL_COLOR[level]} data-testid={`effective-${obj.name}-${f.name}`}>{t(`level.${level}`)}</Tag>
            <Typography.Text type="secondary">{source}</Typography.Text>
          </Space>
        );
      },
    },
  ] : [];

  return (
    <div data-testid="field-grid">
      <Typography.Title level={5}>{t("fields.byClass")}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("fields.byClassHint")}</Typography.Paragraph>
      <Table<CatalogObject> className={styles.matrix} rowKey="name" size="small" bordered
                            pagination={false} columns={classColumns} dataSource={objects} />
      <Typography.Title level={5} style={{ marginTop: 24 }}>{t("fields.byField")}</Typography.Title>
      <Typography.Paragraph type="secondary">{t("fields.byFieldHint")}</Typography.Paragraph>
      <Segmented
        value={obj?.name}
        onChange={(v) => setObjectName(String(v))}
        options={objects.map((o) => ({ value: o.name, label: label(o, i18n.language) }))}
        style={{ marginBottom: 12, flexWrap: "wrap" }}
        data-testid="field-object"
      />
      {obj && (
        <Table<CatalogField> className={styles.matrix} rowKey="name" size="small" bordered
                             pagination={false} columns={fieldColumns} dataSource={obj.fields} />
      )}
    </div>
  );
}
