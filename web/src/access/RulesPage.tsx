// `/access/rules?kind=sharing|restriction&object=…`: the sharing and restriction rules of
// one object (or all), each with its condition in words, its principals and whether it is
// active; those with manage_roles create, change, switch off and delete them, each change
// with a reason.

import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import {
  Alert, App, Button, Card, Empty, Select, Space, Switch, Table, Tabs, Tag, Tooltip, Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";

import { api, describeError } from "../api/client";
import { useMe } from "../auth/AuthContext";
import { useCatalog } from "../catalog/CatalogContext";
import ConditionText from "./condition/ConditionText";
import { CONFIG_READERS } from "./constants";
import Gate from "./Gate";
import "./i18n";
import { PrincipalTag } from "./names";
import ReasonDialog from "./ReasonDialog";
import RuleEditor, { rulePath } from "./RuleEditor";
import type { ItemsPage, Rule, RuleKind } from "./types";

type Pending = { rule: Rule; change: "delete" | "activate" | "deactivate" };

export default function RulesPage() {
  return <Gate anyOf={CONFIG_READERS}><RulesScreen /></Gate>;
}

function RulesScreen() {
  const { t } = useTranslation("access");
  const { message } = App.useApp();
  const me = useMe();
  const catalog = useCatalog();
  const [params, setParams] = useSearchParams();
  const kind: RuleKind = params.get("kind") === "sharing" ? "sharing" : "restriction";
  const object = catalog.object(params.get("object") ?? undefined)?.name;
  const mayChange = me.permissions.includes("manage_roles");
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [editing, setEditing] = useState<Rule | "new" | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const page = await api.get<ItemsPage<Rule>>(rulePath(kind), { object });
      setRules(page.items);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [kind, object]);
  useEffect(() => { setRules(null); void load(); }, [load]);

  const setQuery = (next: { kind?: RuleKind; object?: string | null }) => {
    const p = new URLSearchParams(params);
    if (next.kind) p.set("kind", next.kind);
    if (next.object !== undefined) {
      if (next.object) p.set("object", next.object); else p.delete("object");
    }
    setParams(p);
  };

  const confirm = async (reason: string) => {
    if (!pending) return;
    const { rule, change } = pending;
    if (change === "delete") {
      await api.del(rulePath(kind, rule.id), { reason, version: rule.version });
      void message.success(t("rules.deleted", { name: rule.name }));
    } else {
      await api.patch<Rule>(rulePath(kind, rule.id), {
        active: change === "activate", reason, version: rule.version,
      });
      void message.success(t(change === "activate" ? "rules.activated" : "rules.deactivated", { name: rule.name }));
    }
    setPending(null);
    await load();
  };

  const columns: ColumnsType<Rule> = [
    {
      key: "name", title: t("rules.name"), width: 220,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong data-rule-name={r.name}>{r.name}</Typography.Text>
          {r.description && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.description}</Typography.Text>}
        </Space>
      ),
    },
    ...(object ? [] : [{
      key: "object", title: t("rules.object"), width: 100,
      render: (_: unknown, r: Rule) => { const o = catalog.object(r.object); return o ? catalog.label(o) : r.object; },
    }]),
    {
      key: "condition", title: t(`rules.conditionLabel.${kind}`),
      render: (_, r) => <ConditionText obj={catalog.object(r.object)} condition={r.condition} />,
    },
    {
      key: "principals", title: t(`rules.principalsLabel.${kind}`), width: 220,
      render: (_, r) => (
        <Space size={[0, 4]} wrap>
          {r.principals.map((p, i) => <PrincipalTag key={i} principal={p} />)}
        </Space>
      ),
    },
    ...(kind === "sharing" ? [{
      key: "access", title: t("rules.access"), width: 90,
      render: (_: unknown, r: Rule) => (
        <Tag color={r.access === "read_write" ? "orange" : "green"}>
          {t(r.access === "read_write" ? "rules.accessReadWrite" : "rules.accessRead")}
        </Tag>
      ),
    }] : []),
    {
      key: "active", title: t("rules.active"), width: 90,
      render: (_, r) => mayChange ? (
        <Switch size="small" checked={r.active} aria-label={t("rules.toggleActive", { name: r.name })}
                onChange={(on) => setPending({ rule: r, change: on ? "activate" : "deactivate" })} />
      ) : <Tag color={r.active ? "green" : "default"}>{t(r.active ? "rules.on" : "rules.off")}</Tag>,
    },
    ...(mayChange ? [{
      key: "actions", title: t("common.actions"), width: 96,
      render: (_: unknown, r: Rule) => (
        <Space size={0}>
          <Tooltip title={t("common.edit")}>
            <Button type="text" icon={<EditOutlined />} aria-label={t("rules.editNamed", { name: r.name })}
                    onClick={() => setEditing(r)} />
          </Tooltip>
          <Tooltip title={t("common.delete")}>
            <Button type="text" danger icon={<DeleteOutlined />} aria-label={t("rules.deleteNamed", { name: r.name })}
                    onClick={() => setPending({ rule: r, change: "delete" })} />
          </Tooltip>
        </Space>
      ),
    }] : []),
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="rules-page" data-kind={kind}>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>{t("rules.title")}</Typography.Title>
        <Space wrap>
          <Select<string>
            aria-label={t("rules.object")}
            allowClear
            style={{ width: 180 }}
            placeholder={t("rules.allObjects")}
            value={object}
            onChange={(o) => setQuery({ object: o ?? null })}
            options={catalog.objects.map((o) => ({ value: o.name, label: catalog.label(o) }))}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void load()} aria-label={t("common.refresh")} />
          {mayChange && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing("new")} data-action="new-rule">
              {t(`rules.new.${kind}`)}
            </Button>
          )}
        </Space>
      </Space>
      <Tabs
        activeKey={kind}
        onChange={(k) => setQuery({ kind: k as RuleKind })}
        items={(["restriction", "sharing"] as RuleKind[]).map((k) => ({
          key: k, label: t(`rules.tab.${k}`),
        }))}
        style={{ marginBottom: -16 }}
      />
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t(`rules.intro.${kind}`)}</Typography.Paragraph>
      {error !== null && (
        <Alert type="error" showIcon message={describeError(error, t)}
               action={<Button size="small" onClick={() => void load()}>{t("common.retry")}</Button>} />
      )}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <Table<Rule>
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={rules ?? []}
          pagination={false}
          scroll={{ x: 900 }}
          onRow={(r) => ({ "data-rule": r.id, style: r.active ? undefined : { opacity: 0.6 } } as object)}
          locale={{ emptyText: <Empty description={t(`rules.empty.${kind}`)} /> }}
        />
      </Card>
      <RuleEditor
        kind={kind}
        rule={editing === "new" ? null : editing}
        defaultObject={object}
        open={editing !== null}
        onClose={() => setEditing(null)}
        onSaved={(saved) => {
          setEditing(null);
          void message.success(t("rules.saved", { name: saved.name }));
          if (object && saved.object !== object) setQuery({ object: saved.object });
          void load();
        }}
      />
      <ReasonDialog
        open={pending !== null}
        danger={pending?.change === "delete"}
        title={pending ? t(`rules.confirm.${pending.change}`, { name: pending.rule.name }) : ""}
        description={pending ? t(`rules.confirmText.${pending.change}.${kind}`) : undefined}
        okText={pending ? t(`rules.ok.${pending.change}`) : undefined}
        onCancel={() => setPending(null)}
        onConfirm={confirm}
      />
    </Space>
  );
}
