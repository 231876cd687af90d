import { DownOutlined, TranslationOutlined } from "@ant-design/icons";
import { Button, Dropdown } from "antd";
import { useTranslation } from "react-i18next";

import { LANGUAGE_NAMES, LANGUAGES, currentLanguage, isLanguage, setLanguage } from "../i18n";

/** The header's language menu: 简体中文 / English, remembered in this browser. */
export function LanguageSwitch({ type = "text" }: { type?: "text" | "default" }) {
  const { t, i18n } = useTranslation();
  const lang = isLanguage(i18n.language) ? i18n.language : currentLanguage();
  return (
    <Dropdown
      trigger={["click"]}
      menu={{
        selectable: true,
        selectedKeys: [lang],
        items: LANGUAGES.map((l) => ({ key: l, label: LANGUAGE_NAMES[l], lang: l })),
        onClick: ({ key }) => { if (isLanguage(key)) void setLanguage(key); },
      }}
    >
      <Button type={type} icon={<TranslationOutlined />} aria-label={t("header.language")}
              data-testid="language-switch">
        {LANGUAGE_NAMES[lang]} <DownOutlined style={{ fontSize: 10 }} />
      </Button>
    </Dropdown>
  );
}
