/** Previous / Next over keyset pages, the page number, the total and the page size. */

import { LeftOutlined, RightOutlined } from "@ant-design/icons";
import { Button, Select, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { formatInteger } from "./format";

export const PAGE_SIZES = [20, 50, 100];
export const DEFAULT_PAGE_SIZE = 20;

interface Props {
  pageNumber: number;
  total: number | null;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  pageSize: number;
  onPageSize: (size: number) => void;
}

export default function ListPager(p: Props) {
  const { t, i18n } = useTranslation("records");
  return (
    <Space
      wrap
      style={{ justifyContent: "flex-end", width: "100%" }}
      role="navigation"
      aria-label={t("list.paging")}
    >
      {p.total !== null && (
        <Typography.Text type="secondary" data-total={p.total}>
          {t("list.total", { count: p.total, formatted: formatInteger(p.total, i18n.language) })}
        </Typography.Text>
      )}
      <Button icon={<LeftOutlined />} disabled={!p.hasPrevious} onClick={p.onPrevious}>
        {t("list.previous")}
      </Button>
      <Typography.Text>{t("list.page", { page: p.pageNumber })}</Typography.Text>
      <Button disabled={!p.hasNext} onClick={p.onNext}>
        {t("list.next")} <RightOutlined />
      </Button>
      <Select<number>
        aria-label={t("list.pageSize")}
        value={p.pageSize}
        onChange={p.onPageSize}
        options={PAGE_SIZES.map((n) => ({ value: n, label: t("list.perPage", { count: n }) }))}
        style={{ width: 120 }}
      />
    </Space>
  );
}
