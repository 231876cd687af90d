// "/": the start page. A greeting, then the cards this user's permissions allow: their
// open tasks, recently changed records, the sales pipeline and sales by month. A card
// whose object the user cannot view is left out, not shown empty.

import { Col, Empty, Row, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { useMe } from "../auth/AuthContext";
import { useCatalog } from "../catalog/CatalogContext";
import { useFormat } from "../i18n/format";
import { viewableObjects } from "../routes";
import "./i18n";
import MyTasksCard from "./MyTasksCard";
import PipelineCard from "./PipelineCard";
import RecentRecordsCard from "./RecentRecordsCard";
import SalesByMonthCard from "./SalesByMonthCard";

function greetingKey(now: Date): "morning" | "afternoon" | "evening" {
  const hour = now.getHours();
  if (hour < 12) return "morning";
  return hour < 18 ? "afternoon" : "evening";
}

export default function HomePage() {
  const { t } = useTranslation("home");
  const me = useMe();
  const { objects } = useCatalog();
  const format = useFormat();
  const now = new Date();
  const viewable = viewableObjects(objects);
  const find = (name: string) => viewable.find((o) => o.name === name);
  const task = find("task");
  const cards = [
    task && <MyTasksCard key="tasks" task={task} me={me} />,
    viewable.length > 0 && <RecentRecordsCard key="recent" objects={viewable} />,
    find("opportunity") && <PipelineCard key="pipeline" />,
    find("contract") && <SalesByMonthCard key="sales" />,
  ].filter(Boolean);

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="home">
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t(`greeting.${greetingKey(now)}`, { name: me.display_name || me.username })}
        </Typography.Title>
        <Typography.Text type="secondary">{t("today", { date: format.date(now) })}</Typography.Text>
      </div>
      {cards.length ? (
        <Row gutter={[16, 16]}>
          {cards.map((card, i) => (
            <Col key={i} xs={24} xl={12}>{card}</Col>
          ))}
        </Row>
      ) : (
        <Empty description={t("nothingToShow")} />
      )}
    </Space>
  );
}
