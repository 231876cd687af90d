/** One field value as the viewer may see it: references as links or "restricted",
 * masked values as returned with a tooltip, amounts and dates per language. */

import { LockOutlined } from "@ant-design/icons";
import { Tooltip, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { isReference, recordPath } from "./fields";
import { choiceLabel, formatAmount, formatDate, formatDateTime, formatInteger } from "./format";
import type { CatalogField, FieldValueData } from "./types";

interface Props {
  objectName: string;
  field: CatalogField;
  value: FieldValueData | boolean;
  /** Lists clip long text to one line. */
  compact?: boolean;
}

export default function FieldValue({ objectName, field, value, compact = false }: Props) {
  const { t, i18n } = useTranslation("records");
  const lang = i18n.language;
  if (value === null || value === undefined || value === "") {
    return <Typography.Text type="secondary">—</Typography.Text>;
  }
  if (field.level === "masked" && !isReference(value)) {
    return (
      <Tooltip title={t("value.maskedTip")}>
        <span className="vouch-masked" data-masked="true">
          {String(value)} <LockOutlined aria-label={t("value.masked")} />
        </span>
      </Tooltip>
    );
  }
  if (isReference(value)) {
    if (value.restricted || !field.ref) {
      return (
        <Tooltip title={t("value.restrictedTip")}>
          <Typography.Text type="secondary" data-restricted="true">
            {t("value.restricted", { id: value.id })}
          </Typography.Text>
        </Tooltip>
      );
    }
    return <Link to={recordPath(field.ref, value.id)}>{value.name ?? `#${value.id}`}</Link>;
  }
  const text = String(value);
  switch (field.type) {
    case "decimal":
      return <span className="vouch-amount">{formatAmount(text, lang)}</span>;
    case "integer":
      return <span>{formatInteger(text, lang)}</span>;
    case "date":
      return <span>{formatDate(text, lang)}</span>;
    case "datetime":
      return <span>{formatDateTime(text, lang)}</span>;
    case "enum":
      return <span>{choiceLabel(t, objectName, field.name, text)}</span>;
    case "email":
      return <a href={`mailto:${text}`}>{text}</a>;
    case "phone":
      return <a href={`tel:${text}`}>{text}</a>;
    case "text":
      return compact ? (
        <Typography.Text ellipsis={{ tooltip: text }} style={{ maxWidth: 240 }}>
          {text}
        </Typography.Text>
      ) : (
        <Typography.Paragraph style={{ whiteSpace: "pre-wrap", marginBottom: 0 }}>
          {text}
        </Typography.Paragraph>
      );
    default:
      return <span>{text}</span>;
  }
}
