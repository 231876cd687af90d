// `/my-access`: one's own effective permissions (GET /me/access), for everyone, with what
// ends soon, a way to ask why one can or cannot do something, and "report a problem" on
// any row (a request to the administrators with the context attached).

import { FlagOutlined, QuestionCircleOutlined, ReloadOutlined } from "@ant-design/icons";
import { Button, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";

import EndingSoonCard from "../workflow/EndingSoonCard";
import ProblemDialog from "../workflow/ProblemDialog";
import type { ProblemAbout } from "../workflow/ProblemDialog";
import { MatrixBody } from "./EffectivePermissionsPage";
import "./i18n";
import { explainHref } from "./paths";

export default function MyAccessPage() {
  const { t } = useTranslation("access");
  const { t: tw } = useTranslation("workflow");
  const [round, setRound] = useState(0);
  const [report, setReport] = useState<ProblemAbout | null>(null);
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="my-access-page">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{t("matrix.myTitle")}</Typography.Title>
        <Space wrap>
          <Link to={explainHref({})}><QuestionCircleOutlined /> {t("matrix.askWhy")}</Link>
          <Button icon={<FlagOutlined />} onClick={() => setReport({})} data-testid="report-problem">
            {tw("problem.report")}
          </Button>
          <Button icon={<ReloadOutlined />} onClick={() => setRound((r) => r + 1)} aria-label={t("common.refresh")} />
        </Space>
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t("matrix.myIntro")}</Typography.Paragraph>
      <EndingSoonCard key={`ending-${round}`} />
      <MatrixBody key={round} path="/me/access" user={null} onReport={setReport} />
      {report && <ProblemDialog about={report} onClose={() => setReport(null)} />}
    </Space>
  );
}
