// `/access/explain?user=&object=&record=&action=&field=`: why can (or can't) this user do
// this to this record or field? The query string is the question (a link from a user or a
// record pre-fills it); the answer comes from GET /access/explain.
//
// user is an id or a username (oneself when omitted); action a record or object action or
// a system permission; record and field are optional.

import { QuestionCircleOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Form, InputNumber, Select, Space, Spin, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";

import { api, describeError } from "../api/client";
import { useMe } from "../auth/AuthContext";
import { useCatalog } from "../catalog/CatalogContext";
import ReferencePicker from "../records/ReferencePicker";
import { OBJECT_ACTIONS, RECORD_ACTIONS, SYSTEM_PERMISSIONS, isSystemPermission, readsAccessConfig } from "./constants";
import { fetchUser, userName } from "./directory";
import ExplainResult from "./ExplainResult";
import "./i18n";
import { UserSelect } from "./pickers";
import type { Explanation } from "./types";

interface Question {
  user: string | null;
  action: string | null;
  object: string | null;
  record: number | null;
  field: string | null;
}

function questionOf(params: URLSearchParams): Question {
  const record = Number(params.get("record"));
  return {
    user: params.get("user") || null,
    action: params.get("action") || null,
    object: params.get("object") || null,
    record: Number.isInteger(record) && record > 0 ? record : null,
    field: params.get("field") || null,
  };
}

function complete(q: Question): boolean {
  return !!q.action && (isSystemPermission(q.action) || !!q.object);
}

export default function ExplainPage() {
  const { t } = useTranslation("access");
  const me = useMe();
  const admin = readsAccessConfig(me.permissions);
  const [params, setParams] = useSearchParams();
  const question = questionOf(params);
  const key = params.toString();
  const [result, setResult] = useState<Explanation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [subject, setSubject] = useState<string>(me.display_name);

  useEffect(() => {
    setResult(null);
    setError(null);
    if (!complete(question)) return;
    let live = true;
    setLoading(true);
    api.get<Explanation>("/access/explain", {
      user: question.user ?? undefined, action: question.action ?? undefined,
      object: isSystemPermission(question.action ?? "") ? undefined : question.object ?? undefined,
      record: question.record ?? undefined, field: question.field ?? undefined,
    }).then(
      async (answer) => {
        const u = answer.user_id === me.id ? null : await fetchUser(answer.user_id);
        if (!live) return;
        setSubject(answer.user_id === me.id ? me.display_name : u ? userName(u) : answer.username);
        setResult(answer);
      },
      (err: unknown) => { if (live) setError(err); },
    ).finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- the question is the query string

  const ask = (q: Question) => {
    const p = new URLSearchParams();
    if (q.user) p.set("user", q.user);
    if (q.action) p.set("action", q.action);
    if (q.object && !isSystemPermission(q.action ?? "")) p.set("object", q.object);
    if (q.record && !isSystemPermission(q.action ?? "") && !OBJECT_ACTIONS.includes(q.action as never)) {
      p.set("record", String(q.record));
    }
    if (q.field && !isSystemPermission(q.action ?? "")) p.set("field", q.field);
    setParams(p);
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="explain-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        <QuestionCircleOutlined /> {t("explain.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t("explain.intro")}</Typography.Paragraph>
      <Card>
        <QuestionForm key={key} initial={question} admin={admin} onAsk={ask} />
      </Card>
      {loading && <Spin />}
      {error !== null && <Alert type="error" showIcon message={describeError(error, t)} data-testid="explain-error" />}
      {result && <ExplainResult result={result} userName={subject} />}
      {!complete(question) && !loading && (
        <Typography.Text type="secondary">{t("explain.askHint")}</Typography.Text>
      )}
    </Space>
  );
}

interface FormValues {
  user: number | null;
  action: string | null;
  object: string | null;
  record: number | null;
  field: string | null;
}

function QuestionForm({ initial, admin, onAsk }: { initial: Question; admin: boolean; onAsk: (q: Question) => void }) {
  const { t } = useTranslation("access");
  const me = useMe();
  const catalog = useCatalog();
  const [form] = Form.useForm<FormValues>();
  const action = Form.useWatch("action", form) ?? initial.action;
  const objectName = Form.useWatch("object", form) ?? initial.object;
  const obj = catalog.object(objectName ?? undefined);
  const system = isSystemPermission(action ?? "");
  const objectAction = OBJECT_ACTIONS.includes(action as never);

  // a username in the address becomes the user's id in the picker
  useEffect(() => {
    if (!initial.user) return;
    if (/^\d+$/.test(initial.user)) return;
    let live = true;
    api.get<{ items: { id: number; username: string }[] }>("/users", { q: initial.user, limit: 20 }).then(
      (page) => {
        const found = page.items.find((u) => u.username === initial.user);
        if (live && found) form.setFieldValue("user", found.id);
      },
      () => undefined,
    );
    return () => { live = false; };
  }, [initial.user, form]);

  const actionOptions = [
    { label: t("explain.recordActions"), options: RECORD_ACTIONS.map((a) => ({ value: a, label: t(`common:actions.${a}`) })) },
    { label: t("explain.objectActions"), options: OBJECT_ACTIONS.map((a) => ({ value: a, label: t(`common:actions.${a}`) })) },
    { label: t("explain.systemPermissions"), options: SYSTEM_PERMISSIONS.map((p) => ({ value: p, label: t(`common:permissions.${p}`) })) },
  ];

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      name="explain"
      initialValues={{
        user: initial.user && /^\d+$/.test(initial.user) ? Number(initial.user) : null,
        action: initial.action, object: initial.object, record: initial.record, field: initial.field,
      }}
      onFinish={(v) => onAsk({
        user: admin && v.user ? String(v.user) : null, action: v.action, object: v.object,
        record: v.record ?? null, field: v.field ?? null,
      })}
      onValuesChange={(changed: Partial<FormValues>) => {
        if ("object" in changed) form.setFieldsValue({ record: null, field: null });
      }}
    >
      <div style={{ display: "flex", flexWrap: "wrap", columnGap: 16 }}>
        {admin ? (
          <Form.Item name="user" label={t("explain.user")} style={{ flex: "1 1 180px" }}
                     extra={t("explain.userHint")}>
            <UserSelect<number | null> id="explain-user" inactive placeholder={me.display_name} />
          </Form.Item>
        ) : (
          <Form.Item label={t("explain.user")} style={{ flex: "1 1 180px" }}>
            <Typography.Text>{me.display_name}</Typography.Text>
          </Form.Item>
        )}
        <Form.Item name="action" label={t("explain.action")} style={{ flex: "1 1 150px" }}
                   rules={[{ required: true, message: t("explain.actionRequired") }]}>
          <Select id="explain-action" options={actionOptions} showSearch optionFilterProp="label"
                  placeholder={t("explain.chooseAction")} />
        </Form.Item>
        {!system && (
          <Form.Item name="object" label={t("explain.object")} style={{ flex: "1 1 130px" }}
                     rules={[{ required: true, message: t("explain.objectRequired") }]}>
            <Select id="explain-object" showSearch optionFilterProp="label" placeholder={t("explain.chooseObject")}
                    options={catalog.objects.map((o) => ({ value: o.name, label: catalog.label(o) }))} />
          </Form.Item>
        )}
        {!system && !objectAction && (
          <Form.Item name="record" label={t("explain.record")} style={{ flex: "1 1 180px" }}
                     extra={t("explain.recordHint")}>
            {obj?.actions.includes("view")
              ? <ReferencePicker id="explain-record" target={obj} placeholder={t("explain.chooseRecord")} />
              : <InputNumber id="explain-record" min={1} precision={0} style={{ width: "100%" }}
                             placeholder={t("explain.recordId")} />}
          </Form.Item>
        )}
        {!system && (
          <Form.Item name="field" label={t("explain.field")} style={{ flex: "1 1 150px" }}>
            <Select id="explain-field" allowClear showSearch optionFilterProp="label" disabled={!obj}
                    placeholder={t("explain.anyField")}
                    options={(obj?.fields ?? []).map((f) => ({ value: f.name, label: catalog.label(f) }))} />
          </Form.Item>
        )}
      </div>
      <Button type="primary" htmlType="submit" data-action="explain">{t("explain.ask")}</Button>
    </Form>
  );
}
