// `/my-access`: one's own effective permissions (GET /me/access), for everyone, with a way
// to ask why one can or cannot do something.

import { QuestionCircleOutlined, ReloadOutlined } from "@ant-design/icons";
import { Button, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import { MatrixBody } from "./EffectivePermissionsPage";
import "./i18n";
import { explainHref } from "./paths";

export default function MyAccessPage() {
  const { t } = useTranslation("access");
  const [round, setRound] = useState(0);
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="my-access-page">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{t("matrix.myTitle")}</Typography.Title>
        <Space wrap>
          <Link to={explainHref({})}><QuestionCircleOutlined /> {t("matrix.askWhy")}</Link>
          <Button icon={<ReloadOutlined />} onClick={() => setRound((r) => r + 1)} aria-label={t("common.refresh")} />
        </Space>
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t("matrix.myIntro")}</Typography.Paragraph>
      <MatrixBody key={round} path="/me/access" user={null} />
    </Space>
  );
}

