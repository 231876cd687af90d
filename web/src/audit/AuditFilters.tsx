// The audit log's filters: who (actor), what (an action or a whole family), on what
// (object, record), and when (from, to).

import { ClearOutlined, SearchOutlined } from "@ant-design/icons";
import { Button, DatePicker, Form, Input, Select, Space } from "antd";
import dayjs from "dayjs";
import type { Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";

import { UserSelect } from "../access/pickers";
import { useCatalog } from "../catalog/CatalogContext";
import { ACTIONS, FAMILIES, SYSTEM_OBJECTS, actionLabel, familyLabel } from "./actions";
import "./i18n";
import type { AuditFilters as Filters } from "./types";

interface Values {
  actor: number | null;
  action: string | null;
  object: string | null;
  record: string;
  range: [Dayjs | null, Dayjs | null] | null;
}

interface Props {
  value: Filters;
  onChange: (filters: Filters) => void;
}

export default function AuditFilters({ value, onChange }: Props) {
  const { t } = useTranslation("audit");
  const catalog = useCatalog();
  const [form] = Form.useForm<Values>();

  const actionOptions = [
    { label: t("filter.families"), options: FAMILIES.map((f) => ({ value: f, label: familyLabel(t, f) })) },
    ...FAMILIES.map((f) => ({
      label: familyLabel(t, f),
      options: ACTIONS[f].map((a) => ({ value: a, label: `${actionLabel(t, a)} · ${a}` })),
    })),
  ];
  const objectOptions = [
    { label: t("filter.records"), options: catalog.objects.map((o) => ({ value: o.name, label: catalog.label(o) })) },
    { label: t("filter.system"), options: SYSTEM_OBJECTS.map((o) => ({ value: o, label: t(`object.${o}`) })) },
  ];

  const submit = (v: Values) => {
    const [from, to] = v.range ?? [null, null];
    onChange({
      actor: v.actor ?? undefined,
      action: v.action ?? undefined,
      object: v.object ?? undefined,
      record: v.record?.trim() || undefined,
      from: from ? from.toISOString() : undefined,
      to: to ? to.toISOString() : undefined,
    });
  };

  return (
    <Form<Values>
      form={form}
      name="audit-filters"
      layout="inline"
      onFinish={submit}
      initialValues={{
        actor: value.actor ?? null,
        action: value.action ?? null,
        object: value.object ?? null,
        record: value.record ?? "",
        range: value.from || value.to ? [value.from ? dayjs(value.from) : null, value.to ? dayjs(value.to) : null] : null,
      }}
      style={{ rowGap: 8 }}
    >
      <Form.Item name="actor" label={t("filter.actor")}>
        <UserSelect<number | null> id="audit-actor" inactive style={{ width: 200 }} placeholder={t("filter.anyone")} />
      </Form.Item>
      <Form.Item name="action" label={t("filter.action")}>
        <Select id="audit-action" allowClear showSearch optionFilterProp="label" style={{ width: 230 }}
                popupMatchSelectWidth={false} options={actionOptions} placeholder={t("filter.anyAction")} />
      </Form.Item>
      <Form.Item name="object" label={t("filter.object")}>
        <Select id="audit-object" allowClear showSearch optionFilterProp="label" style={{ width: 150 }}
                options={objectOptions} placeholder={t("filter.anyObject")} />
      </Form.Item>
      <Form.Item name="record" label={t("filter.record")}>
        <Input id="audit-record" allowClear style={{ width: 110 }} maxLength={64} placeholder={t("filter.recordId")} />
      </Form.Item>
      <Form.Item name="range" label={t("filter.when")}>
        <DatePicker.RangePicker id={{ start: "audit-from", end: "audit-to" }} showTime={{ format: "HH:mm" }}
                                format="YYYY-MM-DD HH:mm" allowEmpty={[true, true]}
                                placeholder={[t("filter.from"), t("filter.to")]} />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-action="filter">
            {t("filter.apply")}
          </Button>
          <Button icon={<ClearOutlined />} onClick={() => {
            form.setFields((["actor", "action", "object", "range"] as const).map((name) => ({ name, value: null })));
            form.setFieldValue("record", "");
            onChange({});
          }}
                  data-action="clear-filters">
            {t("filter.clear")}
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );
}
