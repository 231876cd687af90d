// Said wherever the API left a sum out because the viewer cannot read the field: the
// figures shown are counts, and no amount is shown as zero.

import { EyeInvisibleOutlined } from "@ant-design/icons";
import { Alert } from "antd";
import { useTranslation } from "react-i18next";

import { fieldLabel, objectLabel } from "../catalog/labels";
import "./i18n";
import type { Withheld } from "./reports";

export default function WithheldNote({ object, withheld }: { object: string; withheld: Withheld[] }) {
  const { t, i18n } = useTranslation("home");
  const first = withheld[0];
  if (!first) return null;
  const lang = i18n.language;
  const objectName = objectLabel(object, lang, { lower: true });
  const field = fieldLabel(object, first.field, lang);
  // "the contract's “Contract amount”" says the object twice: the field's name suffices
  const named = field.toLowerCase().includes(objectName.toLowerCase());
  const message = named ? t("withheldField", { field })
                        : t("withheld", { object: objectName, field });
  return (
    <Alert type="info" showIcon icon={<EyeInvisibleOutlined />} data-testid="amounts-withheld"
           data-field={first.field}
           message={message} />
  );
}
